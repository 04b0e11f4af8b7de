/*
 * rate: hits counted per window in PostgreSQL. See rate.h. The counted
 * value (a client address, an e-mail address) is keyed by the current
 * epoch's rate key from the keyring (HMAC-SHA256), never by a secret kept
 * in the database beside the hashes, so the table confirms no address to
 * whoever holds a copy of it; windows are short, so a rotation that starts
 * the counts afresh costs nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/rate.h"
#include "store/vault.h"

static struct db_stmt hit = DB_STMT(
    "WITH k AS (SELECT $2::text AS key), "
    "w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $3::int) * $3::int) AS start) "
    "INSERT INTO rate_hits AS r (endpoint, key_sha256, window_start, hits) "
    "SELECT $1, k.key, w.start, 1 FROM k, w "
    "ON CONFLICT (endpoint, key_sha256, window_start) DO UPDATE SET hits = r.hits + 1 "
    "RETURNING hits, greatest(1, ceil(extract(epoch FROM r.window_start) + $3::int "
    "  - extract(epoch FROM now())))::int");

int
rate_hit(struct db *db, const char *endpoint, const char *key, unsigned window_s, unsigned limit,
         unsigned *retry_after)
{
	char w[16];
	PGresult *row;
	int rc;

	char keyed[65];
	snprintf(w, sizeof(w), "%u", window_s);
	vault_rate_hash(key, keyed);
	const char *params[3] = {endpoint, keyed, w};
	if ((rc = db_row(db, &hit, 3, params, &row)) != 0)
		return rc < 0 ? -1 : 0;
	long hits = strtol(PQgetvalue(row, 0, 0), NULL, 10);
	*retry_after = (unsigned)strtoul(PQgetvalue(row, 0, 1), NULL, 10);
	PQclear(row);
	return hits > (long)limit ? 1 : 0;
}

static struct db_stmt sweep =
    DB_STMT("WITH r AS (DELETE FROM rate_hits WHERE window_start < now() - interval '1 day' "
            "  AND NOT $1::boolean RETURNING 1) "
            "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM rate_hits "
            "  WHERE window_start < now() - interval '1 day') ELSE (SELECT count(*) FROM r) END");

int
rate_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	return db_count(db, &sweep, 1, params, n);
}
