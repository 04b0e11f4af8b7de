/*
 * retention: the retention policies and the purge runs' reports.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/retention.h"
#include "store/db.h"

struct db_stmt retention_policies_ordered =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('outcome', outcome, 'country', country, "
            "'region', nullif(region, ''), 'retain_days', retain_days) ORDER BY outcome, country, "
            "region), '[]')::text, "
            "(SELECT version FROM rule_set_versions WHERE name = 'retention_policies') "
            "FROM retention_policies");

struct db_stmt retention_clear_policies = DB_STMT("DELETE FROM retention_policies");

struct db_stmt retention_insert_policies =
    DB_STMT("INSERT INTO retention_policies (outcome, country, region, retain_days) "
            "SELECT outcome, country, coalesce(region, ''), retain_days "
            "FROM json_to_recordset($1::json) AS x(outcome text, country text, region text, "
            "retain_days int)");

struct db_stmt retention_audit_policies =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "VALUES ($1, 'retention_policies.put', NULL, 'retention_policies:' || $2, $3)");

struct db_stmt retention_list_runs = DB_STMT(
    "SELECT json_build_object('id', id, 'dry_run', dry_run, 'status', status, 'started_at', "
    "rfc3339(started_at), "
    "'finished_at', rfc3339(finished_at), 'examined', examined, 'expired', expired, 'held', held, "
    "'purged', purged, 'by_rule', by_rule)::text, rfc3339(started_at), id FROM purge_runs "
    "WHERE (started_at, id) < ($1::timestamptz, $2::uuid) ORDER BY started_at DESC, id DESC LIMIT "
    "$3::int");

struct db_stmt retention_floors_ordered =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('country', country, 'region', "
            "nullif(region, ''), 'retain_days', retain_days, 'basis', basis) ORDER BY country, "
            "region), '[]')::text, "
            "(SELECT version FROM rule_set_versions WHERE name = 'retention_floors') "
            "FROM retention_floors");

struct db_stmt retention_clear_floors = DB_STMT("DELETE FROM retention_floors");

struct db_stmt retention_insert_floors =
    DB_STMT("INSERT INTO retention_floors (country, region, retain_days, basis) "
            "SELECT country, coalesce(region, ''), retain_days, basis "
            "FROM json_to_recordset($1::json) AS x(country text, region text, retain_days int, "
            "basis text)");

struct db_stmt retention_audit_floors =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "VALUES ($1, 'retention_floors.put', NULL, 'retention_floors:' || $2, $3)");
