/* leases: the scheduler's job rows. See leases.h. */
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "store/db.h"
#include "store/leases.h"

static struct db_stmt list =
    DB_STMT("SELECT coalesce(json_agg(json_build_object("
            "'name', name, "
            "'done_slot', extract(epoch FROM done_slot)::bigint, "
            "'lease_owner', lease_owner, "
            "'lease_until', extract(epoch FROM lease_until)::bigint, "
            "'retry_at', extract(epoch FROM retry_at)::bigint, "
            "'failures', failures, 'runs', runs, 'last_owner', last_owner, "
            "'last_started_at', extract(epoch FROM last_started_at)::bigint, "
            "'last_finished_at', extract(epoch FROM last_finished_at)::bigint, "
            "'last_result', last_result, 'last_detail', last_detail) ORDER BY name), '[]')::text "
            "FROM scheduler_jobs");

static struct db_stmt seed =
    DB_STMT("INSERT INTO scheduler_jobs (name, done_slot) VALUES ($1, to_timestamp($2::bigint)) "
            "ON CONFLICT (name) DO NOTHING");

/* One instance wins: the row is locked by the first, and the others' WHERE fails after it. */
static struct db_stmt take = DB_STMT(
    "UPDATE scheduler_jobs SET lease_owner = $2, "
    "  lease_until = to_timestamp($3::bigint + $5::bigint), "
    "  last_owner = $2, last_started_at = to_timestamp($3::bigint), last_result = 'running' "
    "WHERE name = $1 AND (lease_until IS NULL OR lease_until <= to_timestamp($3::bigint)) "
    "  AND (done_slot IS NULL OR done_slot < to_timestamp($4::bigint)) "
    "  AND (retry_at IS NULL OR retry_at <= to_timestamp($3::bigint)) "
    "RETURNING 1");

static struct db_stmt renew =
    DB_STMT("UPDATE scheduler_jobs SET lease_until = to_timestamp($3::bigint + $4::bigint) "
            "WHERE name = $1 AND lease_owner = $2 RETURNING 1");

/* A failure's retry waits a minute, then 2, 4, ... at most an hour (failures counts before). */
static struct db_stmt give_back =
    DB_STMT("UPDATE scheduler_jobs SET lease_owner = NULL, lease_until = NULL, runs = runs + 1, "
            "  last_finished_at = to_timestamp($3::bigint), "
            "  last_result = CASE WHEN $5::boolean THEN 'ok' ELSE 'failed' END, "
            "  last_detail = left($6, 200), "
            "  done_slot = CASE WHEN $5::boolean THEN to_timestamp($4::bigint) ELSE done_slot END, "
            "  failures = CASE WHEN $5::boolean THEN 0 ELSE failures + 1 END, "
            "  retry_at = CASE WHEN $5::boolean THEN NULL ELSE to_timestamp($3::bigint) + "
            "    make_interval(secs => least(3600, 60 * power(2, least(failures, 6)))) END "
            "WHERE name = $1 AND lease_owner = $2 RETURNING 1");

int
leases_list(struct db *db, json_t **rows)
{
	int rc = db_json(db, &list, 0, NULL, rows, NULL);

	if (rc > 0)
		*rows = json_array();
	return rc < 0 ? -1 : 0;
}

int
leases_seed(struct db *db, const char *name, time_t done_slot)
{
	char slot[24];
	const char *params[2] = {name, slot};

	snprintf(slot, sizeof(slot), "%lld", (long long)done_slot);
	if (done_slot < 0)
		params[1] = NULL;
	return db_do(db, &seed, 2, params);
}

/* Run a statement that answers a row when it changed one: 0 with *hit, or -1. */
static int
changed(struct db *db, struct db_stmt *st, int n, const char *const *params, bool *hit)
{
	PGresult *res = db_run(db, st, n, params);

	if (res == NULL)
		return -1;
	*hit = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

int
leases_take(struct db *db, const char *name, const char *owner, time_t now, time_t slot,
            long seconds, bool *taken)
{
	char at[24], s[24], len[24];
	const char *params[5] = {name, owner, at, s, len};

	snprintf(at, sizeof(at), "%lld", (long long)now);
	snprintf(s, sizeof(s), "%lld", (long long)slot);
	snprintf(len, sizeof(len), "%ld", seconds);
	return changed(db, &take, 5, params, taken);
}

int
leases_renew(struct db *db, const char *name, const char *owner, time_t now, long seconds,
             bool *held)
{
	char at[24], len[24];
	const char *params[4] = {name, owner, at, len};

	snprintf(at, sizeof(at), "%lld", (long long)now);
	snprintf(len, sizeof(len), "%ld", seconds);
	return changed(db, &renew, 4, params, held);
}

int
leases_give_back(struct db *db, const char *name, const char *owner, time_t now, time_t slot,
                 bool ok, const char *detail, bool *held)
{
	char at[24], s[24];
	const char *params[6] = {name, owner, at, s, ok ? "true" : "false", detail ? detail : ""};

	snprintf(at, sizeof(at), "%lld", (long long)now);
	snprintf(s, sizeof(s), "%lld", (long long)slot);
	return changed(db, &give_back, 6, params, held);
}
