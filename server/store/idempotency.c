/*
 * idempotency: the stored answers of keyed creates. See idempotency.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/idempotency.h"

#define TTL "interval '24 hours'"
_Static_assert(IDEM_TTL_HOURS == 24, "TTL names the same period");

static struct db_stmt lock_key =
    DB_STMT("SELECT pg_advisory_xact_lock(hashtextextended($1 || '|' || $2, 4243))");

static struct db_stmt find =
    DB_STMT("SELECT scope, request_sha256, status, coalesce(resource_id::text, ''), "
            "coalesce(location, '') FROM idempotency_keys "
            "WHERE actor = $1 AND key_sha256 = $2 AND created_at > now() - " TTL);

static struct db_stmt keep =
    DB_STMT("WITH old AS (DELETE FROM idempotency_keys WHERE actor = $1 AND key_sha256 = $2 "
            "  AND created_at <= now() - " TTL ") "
            "INSERT INTO idempotency_keys (actor, key_sha256, scope, request_sha256, status, "
            "resource_id, location) VALUES ($1, $2, $3, $4, $5::int, $6::uuid, $7)");

int
idempotency_take(struct db *db, const char *actor, const char *key_sha256, struct idem_row *row)
{
	const char *params[2] = {actor, key_sha256};
	PGresult *res;
	int rc;

	if (db_do(db, &lock_key, 2, params) != 0 || (rc = db_row(db, &find, 2, params, &res)) < 0)
		return -1;
	if (rc > 0)
		return 1;
	snprintf(row->scope, sizeof(row->scope), "%s", PQgetvalue(res, 0, 0));
	snprintf(row->request_sha256, sizeof(row->request_sha256), "%s", PQgetvalue(res, 0, 1));
	row->status = (unsigned)atoi(PQgetvalue(res, 0, 2));
	snprintf(row->resource_id, sizeof(row->resource_id), "%s", PQgetvalue(res, 0, 3));
	snprintf(row->location, sizeof(row->location), "%s", PQgetvalue(res, 0, 4));
	PQclear(res);
	return 0;
}

int
idempotency_keep(struct db *db, const char *actor, const char *key_sha256,
                 const struct idem_row *row)
{
	char status[12];

	snprintf(status, sizeof(status), "%u", row->status);
	const char *params[7] = {actor,
	                         key_sha256,
	                         row->scope,
	                         row->request_sha256,
	                         status,
	                         row->resource_id[0] ? row->resource_id : NULL,
	                         row->location[0] ? row->location : NULL};
	return db_do(db, &keep, 7, params);
}
