/*
 * purge_runs: a purge run's row, from its start to its report, and the policies it judges by.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/purge_runs.h"
#include "domain/retention.h"
#include "store/db.h"

struct db_stmt purge_runs_start_run =
    DB_STMT("INSERT INTO purge_runs (id, dry_run, actor) VALUES ($1, $2::boolean, $3)");

struct db_stmt purge_runs_load_policies =
    DB_STMT("SELECT " RETENTION_POLICIES_SQL ", extract(epoch FROM now())");

struct db_stmt purge_runs_finish_run =
    DB_STMT("UPDATE purge_runs SET status = $2, finished_at = clock_timestamp(), examined = "
            "$3::int, expired = $4::int, "
            "  held = $5::int, purged = $6::int, by_rule = $7::jsonb, applicant_ids = $8::jsonb, "
            "  swept = $9::jsonb WHERE id = $1");

/* The sweeps: what else has expired. Counted in a dry run, deleted in a real one. */
struct db_stmt purge_runs_sweep_idempotency =
    DB_STMT("WITH d AS (DELETE FROM idempotency_keys WHERE NOT $1::boolean "
            "  AND created_at <= now() - interval '24 hours' RETURNING 1) "
            "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM idempotency_keys "
            "  WHERE created_at <= now() - interval '24 hours') ELSE (SELECT count(*) FROM d) END");

struct db_stmt purge_runs_get_run = DB_STMT(
    "SELECT json_build_object('id', id, 'dry_run', dry_run, 'status', status, 'started_at', "
    "rfc3339(started_at), "
    "'finished_at', rfc3339(finished_at), 'examined', examined, 'expired', expired, 'held', held, "
    "'purged', purged, 'by_rule', by_rule, 'applicant_ids', applicant_ids, 'swept', swept)::text "
    "FROM purge_runs "
    "WHERE id = $1");

/*
 * A run holds a session-level advisory lock on its id while it works, so a
 * run whose process died (and whose connection with it) is known by its
 * lock being free: the next run marks it failed. The transaction-level try
 * in the WHERE clause takes nothing from a live run.
 */
struct db_stmt purge_runs_claim = DB_STMT("SELECT pg_advisory_lock(4242, hashtext($1))");

struct db_stmt purge_runs_release = DB_STMT("SELECT pg_advisory_unlock(4242, hashtext($1))");

struct db_stmt purge_runs_bury_dead =
    DB_STMT("UPDATE purge_runs SET status = 'failed', finished_at = clock_timestamp() "
            "WHERE status = 'running' AND id <> $1::uuid "
            "AND pg_try_advisory_xact_lock(4242, hashtext(id::text))");
