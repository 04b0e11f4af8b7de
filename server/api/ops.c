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
#include "store/auth.h"
#include "store/db.h"
#include "store/health.h"
#include "store/vault.h"

int
ops_healthz(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

int
ops_readyz(struct req *r)
{
	struct db *db = req_db(r);

	if (db == NULL)
		return -1;
	if (db_do(db, &health_ping, 0, NULL) != 0)
		return rest_fail_db(r, db);
	if (vault_ping() != 0) /* nothing personal can be read or written without it */
		return req_fail(r, 503, "the key database is unavailable; retry shortly");
	return reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

int
ops_metrics(struct req *r)
{
	char *edge = metrics_render(req_app(r)->pool);
	char *text = xasprintf(
	    "%s# HELP recruitd_staff_key_notices_total Staff keys revoked or deleted anywhere, as "
	    "announced to this process (what it kept of them is no longer used).\n"
	    "# TYPE recruitd_staff_key_notices_total counter\n"
	    "recruitd_staff_key_notices_total %lu\n",
	    edge, auth_notices_heard());

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
