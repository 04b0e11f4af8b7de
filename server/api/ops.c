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

	monitoring_figures(&figures);
	char *edge = metrics_render(req_app(r)->pool);
	char *text = xasprintf(
	    "%s# HELP recruitd_staff_key_notices_total Staff keys revoked or deleted anywhere, as "
	    "announced to this process (what it kept of them is no longer used).\n"
	    "# TYPE recruitd_staff_key_notices_total counter\n"
	    "recruitd_staff_key_notices_total %lu\n",
	    edge, figures.staff_key_notices);

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
