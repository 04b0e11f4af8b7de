/* monitoring: readiness and the store's figures. See monitoring.h. */
#include "flows/monitoring.h"
#include "flows/flow.h"
#include "store/auth.h"
#include "store/erasure.h"
#include "store/health.h"
#include "store/vault.h"

int
monitoring_ready(const struct flow *f)
{
	if (health_check(f->db) != 0)
		return flow_fail_db(f);
	if (vault_ping() != 0)
		return flow_fail(f, 503, NULL, "the key database is unavailable; retry shortly");
	return 0;
}

int
monitoring_shreds(const struct flow *f, long *queued, long *oldest_s)
{
	return erasure_queue(f->db, queued, oldest_s);
}

void
monitoring_figures(struct monitoring_figures *out)
{
	out->staff_key_notices = auth_notices_heard();
}
