/*
 * purge_runs: a purge run's row, from its start to its report. See
 * purge_runs.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/page.h"
#include "domain/retention.h"
#include "store/db.h"
#include "store/purge_runs.h"

static struct db_stmt start_run =
    DB_STMT("INSERT INTO purge_runs (id, dry_run, actor) VALUES ($1, $2::boolean, $3)");

static struct db_stmt load_rules =
    DB_STMT("SELECT " RETENTION_POLICIES_SQL ", extract(epoch FROM now())");

static struct db_stmt finish_run =
    DB_STMT("UPDATE purge_runs SET status = $2, finished_at = clock_timestamp(), examined = "
            "$3::int, expired = $4::int, "
            "  held = $5::int, purged = $6::int, by_rule = $7::jsonb, applicant_ids = $8::jsonb, "
            "  swept = $9::jsonb WHERE id = $1");

/* The sweeps: what else has expired. Counted in a dry run, deleted in a real one. */
static struct db_stmt sweep_idempotency =
    DB_STMT("WITH d AS (DELETE FROM idempotency_keys WHERE NOT $1::boolean "
            "  AND created_at <= now() - interval '24 hours' RETURNING 1) "
            "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM idempotency_keys "
            "  WHERE created_at <= now() - interval '24 hours') ELSE (SELECT count(*) FROM d) END");

static struct db_stmt get_run = DB_STMT(
    "SELECT json_build_object('id', id, 'dry_run', dry_run, 'status', status, 'started_at', "
    "rfc3339(started_at), "
    "'finished_at', rfc3339(finished_at), 'examined', examined, 'expired', expired, 'held', held, "
    "'purged', purged, 'by_rule', by_rule, 'applicant_ids', applicant_ids, 'swept', swept)::text "
    "FROM purge_runs "
    "WHERE id = $1");

static struct db_stmt list_runs = DB_STMT(
    "SELECT json_build_object('id', id, 'dry_run', dry_run, 'status', status, 'started_at', "
    "rfc3339(started_at), "
    "'finished_at', rfc3339(finished_at), 'examined', examined, 'expired', expired, 'held', held, "
    "'purged', purged, 'by_rule', by_rule)::text, rfc3339(started_at), id FROM purge_runs "
    "WHERE (started_at, id) < ($1::timestamptz, $2::uuid) ORDER BY started_at DESC, id DESC LIMIT "
    "$3::int");

/*
 * A run holds a session-level advisory lock on its id while it works, so a
 * run whose process died (and whose connection with it) is known by its
 * lock being free: the next run marks it failed. The transaction-level try
 * in the WHERE clause takes nothing from a live run.
 */
static struct db_stmt claim = DB_STMT("SELECT pg_advisory_lock(4242, hashtext($1))");

static struct db_stmt release = DB_STMT("SELECT pg_advisory_unlock(4242, hashtext($1))");

static struct db_stmt bury_dead =
    DB_STMT("UPDATE purge_runs SET status = 'failed', finished_at = clock_timestamp() "
            "WHERE status = 'running' AND id <> $1::uuid "
            "AND pg_try_advisory_xact_lock(4242, hashtext(id::text))");

int
purge_runs_start(struct db *db, const char *id, bool dry_run, const char *actor)
{
	const char *params[3] = {id, dry_run ? "true" : "false", actor};

	return db_do(db, &start_run, 3, params);
}

int
purge_runs_claim(struct db *db, const char *id)
{
	const char *params[1] = {id};

	return db_do(db, &claim, 1, params);
}

int
purge_runs_release(struct db *db, const char *id)
{
	const char *params[1] = {id};

	return db_do(db, &release, 1, params);
}

int
purge_runs_bury_dead(struct db *db, const char *id)
{
	const char *params[1] = {id};

	return db_do(db, &bury_dead, 1, params);
}

int
purge_runs_rules(struct db *db, json_t **rules, double *now)
{
	PGresult *row;

	*rules = NULL;
	if (db_row(db, &load_rules, 0, NULL, &row) != 0)
		return -1;
	*rules = json_loads(PQgetvalue(row, 0, 0), 0, NULL);
	*now = atof(PQgetvalue(row, 0, 1));
	PQclear(row);
	return 0;
}

int
purge_runs_finish(struct db *db, const char *id, const char *status, const struct purge_counts *c,
                  const json_t *by_rule, const json_t *applicant_ids, const json_t *swept)
{
	char counts[4][24];
	char *rules = jsonx_dump(by_rule), *ids = jsonx_dump(applicant_ids),
	     *sweeps = jsonx_dump(swept);

	snprintf(counts[0], 24, "%ld", c->examined);
	snprintf(counts[1], 24, "%ld", c->expired);
	snprintf(counts[2], 24, "%ld", c->held);
	snprintf(counts[3], 24, "%ld", c->purged);
	const char *params[9] = {id,        status, counts[0], counts[1], counts[2],
	                         counts[3], rules,  ids,       sweeps};
	int rc = db_do(db, &finish_run, 9, params);
	free(rules);
	free(ids);
	free(sweeps);
	return rc;
}

int
purge_runs_sweep_keys(struct db *db, bool dry_run, long *n)
{
	const char *params[1] = {dry_run ? "true" : "false"};

	return db_count(db, &sweep_idempotency, 1, params, n);
}

int
purge_runs_report(struct db *db, const char *id, json_t **report)
{
	const char *params[1] = {id};

	return db_json(db, &get_run, 1, params, report, NULL);
}

int
purge_runs_page(struct db *db, const struct page_want *want, struct page_of *out)
{
	char limit[16];

	snprintf(limit, sizeof(limit), "%d", want->limit + 1);
	const char *params[3] = {want->k1, want->k2, limit};
	PGresult *res = db_run(db, &list_runs, 3, params);

	if (res == NULL)
		return -1;
	db_page(res, want->limit, 0, 1, 2, out);
	PQclear(res);
	return 0;
}

/*
 * Without TRUNCATE, since giving trailing pages back to the operating
 * system takes an exclusive lock that VACUUM waits up to 5 s for while any
 * other transaction (another purge, the API) uses the table.
 */
void
purge_runs_reclaim(struct db *db)
{
	if (db_exec(db, "VACUUM (ANALYZE, TRUNCATE false) applicants, documents, applications, "
	                "application_history, "
	                "evaluations, applicant_tokens, idempotency_keys") != 0)
		log_msg(LOG_WARN, "vacuum after purge failed", "sqlstate=%s", db_sqlstate(db));
}
