/*
 * idempotency: keyed creates answered once. See idempotency.h.
 */
#include <stdio.h>
#include <string.h>

#include "flows/flow.h"
#include "flows/idempotency.h"
#include "store/db.h"
#include "store/idempotency.h"

int
idem_begin(const struct flow *f, const struct idem *k, struct idem_answer *first)
{
	struct idem_row row;
	int rc;

	if (flow_begin(f) != 0)
		return -1;
	if (k == NULL)
		return 0;
	if ((rc = idempotency_take(f->db, k->actor, k->key_sha256, &row)) < 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	if (rc > 0)
		return 0; /* the lock stays: a twin waits until this transaction ends */
	db_rollback(f->db);
	if (strcmp(row.scope, k->scope) != 0 || strcmp(row.request_sha256, k->request_sha256) != 0)
		return flow_fail(f, 422, NULL,
		                 "this Idempotency-Key was used for a different request");
	first->status = row.status;
	snprintf(first->resource_id, sizeof(first->resource_id), "%s", row.resource_id);
	snprintf(first->location, sizeof(first->location), "%s", row.location);
	return 1;
}

int
idem_commit(const struct flow *f, const struct idem *k, unsigned status, const char *resource_id,
            const char *location)
{
	if (k != NULL) {
		struct idem_row row = {.status = status};
		snprintf(row.scope, sizeof(row.scope), "%s", k->scope);
		snprintf(row.request_sha256, sizeof(row.request_sha256), "%s", k->request_sha256);
		snprintf(row.resource_id, sizeof(row.resource_id), "%s",
		         resource_id ? resource_id : "");
		snprintf(row.location, sizeof(row.location), "%s", location ? location : "");
		if (idempotency_keep(f->db, k->actor, k->key_sha256, &row) != 0) {
			flow_fail_db(f);
			return flow_rollback(f);
		}
	}
	if (flow_commit(f) != 0)
		return flow_rollback(f);
	return 0;
}
