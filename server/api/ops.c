/* ops: liveness, readiness, metrics and the API description; no auth. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/xalloc.h"
#include "edge/assets.h"
#include "edge/metrics.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/monitoring.h"

int
ops_healthz(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

int
ops_readyz(struct req *r)
{
	struct flow f;

	if (rest_flow(r, &f) != 0 || monitoring_ready(&f) != 0)
		return -1;
	return reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

int
ops_metrics(struct req *r)
{
	struct monitoring_figures figures;
	struct flow f;
	long queued = 0, oldest = 0;
	char shreds[512] = "";

	monitoring_figures(&figures);
	/* the queue of keys to destroy, when the database answers (else left out) */
	if (rest_flow(r, &f) == 0 && monitoring_shreds(&f, &queued, &oldest) == 0)
		snprintf(
		    shreds, sizeof(shreds),
		    "# HELP recruitd_key_shreds_queued Keys of erased or ended values waiting "
		    "to be destroyed (the key database was away).\n"
		    "# TYPE recruitd_key_shreds_queued gauge\n"
		    "recruitd_key_shreds_queued %ld\n"
		    "# HELP recruitd_key_shreds_oldest_seconds Age of the oldest key waiting to "
		    "be destroyed (0: none).\n"
		    "# TYPE recruitd_key_shreds_oldest_seconds gauge\n"
		    "recruitd_key_shreds_oldest_seconds %ld\n",
		    queued, oldest);
	char *edge = metrics_render(req_app(r)->pool);
	char *text = xasprintf(
	    "%s# HELP recruitd_staff_key_notices_total Staff keys revoked or deleted anywhere, as "
	    "announced to this process (what it kept of them is no longer used).\n"
	    "# TYPE recruitd_staff_key_notices_total counter\n"
	    "recruitd_staff_key_notices_total %lu\n%s",
	    edge, figures.staff_key_notices, shreds);

	reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
	free(edge);
	free(text);
	return 0;
}

int
ops_openapi(struct req *r)
{
	size_t len;
	const char *spec = assets_get("openapi.yaml", &len);

	return reply_owned(r, 200, "application/yaml", spec, len, NULL, NULL);
}
