/*
 * applications: applications, their moves and their history.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/applications.h"
#include "store/db.h"

#define APP_JSON                                                                                   \
	"json_build_object('id', p.id, 'applicant_id', p.applicant_id, 'opening_id', "             \
	"p.opening_id, "                                                                           \
	"'stage', p.stage, 'created_at', rfc3339(p.created_at), 'updated_at', "                    \
	"rfc3339(p.updated_at), "                                                                  \
	"'closed_at', rfc3339(p.closed_at), 'version', p.version)::text"

struct db_stmt applications_insert_app = DB_STMT(
    "WITH x AS (SELECT a.id AS applicant_id, o.id AS opening_id FROM applicants a, openings o "
    "  WHERE a.id = $1 AND o.id = $2::uuid AND o.status = 'open'), "
    "p AS (INSERT INTO applications (applicant_id, opening_id, stage) "
    "  SELECT applicant_id, opening_id, 'applied' FROM x "
    "  ON CONFLICT (applicant_id, opening_id) DO NOTHING RETURNING *), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor) "
    "  SELECT id, NULL, 'applied', $3 FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) SELECT track, opening_id, 'applied' "
    "FROM p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'application.create', applicant_id, 'application:' || id, $4 FROM p) "
    "SELECT " APP_JSON ", p.version, p.id FROM p");

/* The applicant's application to an opening, if any. */
struct db_stmt applications_find_for =
    DB_STMT("SELECT id FROM applications WHERE applicant_id = $1 AND opening_id = $2::uuid");

struct db_stmt applications_get_app =
    DB_STMT("SELECT " APP_JSON ", p.version FROM applications p WHERE p.id = $1");

struct db_stmt applications_list_apps = DB_STMT(
    "SELECT " APP_JSON ", rfc3339(p.created_at), p.id FROM applications p "
    "WHERE (p.created_at, p.id) < ($1::timestamptz, $2::uuid) "
    "AND ($4::uuid IS NULL OR p.opening_id = $4::uuid) AND ($5::text IS NULL OR p.stage = $5) "
    "AND NOT EXISTS (SELECT 1 FROM applicants a WHERE a.id = p.applicant_id "
    "  AND a.restricted_at IS NOT NULL) "
    "ORDER BY p.created_at DESC, p.id DESC LIMIT $3::int");

struct db_stmt applications_lock_app =
    DB_STMT("SELECT p.stage, p.version, coalesce(o.country, ''), coalesce(o.region, '') FROM "
            "applications p "
            "JOIN openings o ON o.id = p.opening_id "
            "WHERE p.id = $1 AND ($2::uuid IS NULL OR p.applicant_id = $2::uuid) FOR UPDATE OF p");

/* The region's own rule first, else the country's. */
struct db_stmt applications_find_rule =
    DB_STMT("SELECT allowed FROM background_check_rules WHERE country = $1 AND region IN ($2, '') "
            "ORDER BY region = '' LIMIT 1");

struct db_stmt applications_write_move = DB_STMT(
    "WITH p AS (UPDATE applications SET stage = $2, updated_at = now(), version = version + 1, "
    "    closed_at = CASE WHEN $2 IN ('hired', 'rejected', 'withdrawn') THEN now() END "
    "  WHERE id = $1 RETURNING *), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor, reason) "
    "  SELECT id, $3, $2, $4, $5 FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) SELECT track, opening_id, $2 FROM "
    "p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $4, 'application.transition', applicant_id, 'application:' || id || ':' || $3 || '>' "
    "|| $2, $6 FROM p) "
    "SELECT " APP_JSON ", p.version FROM p");

struct db_stmt applications_history_json =
    DB_STMT("SELECT json_agg(json_build_object('from', h.from_stage, 'to', h.to_stage, 'at', "
            "rfc3339(h.at), "
            "  'actor', h.actor, 'reason', h.reason) ORDER BY h.id)::text "
            "FROM applications p LEFT JOIN application_history h ON h.application_id = p.id WHERE "
            "p.id = $1 GROUP BY p.id");

struct db_stmt applications_my_applications =
    DB_STMT("SELECT p.id, p.opening_id, o.title, p.stage FROM applications p JOIN openings o ON "
            "o.id = p.opening_id "
            "WHERE p.applicant_id = $1 ORDER BY p.created_at, p.id");

/*
 * Withdraw every open application of applicant $1 (an erasure request comes
 * first through the stage machine's end): history, stage events and audit
 * as a move would write them. The count.
 */
struct db_stmt applications_withdraw_open = DB_STMT(
    "WITH o AS (SELECT id, stage FROM applications WHERE applicant_id = $1 "
    "    AND stage NOT IN ('hired', 'rejected', 'withdrawn') FOR UPDATE), "
    "p AS (UPDATE applications a SET stage = 'withdrawn', updated_at = now(), "
    "    version = a.version + 1, closed_at = now() FROM o WHERE a.id = o.id "
    "  RETURNING a.id, a.track, a.opening_id, a.applicant_id, o.stage AS was), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor, reason) "
    "  SELECT id, was, 'withdrawn', 'applicant', 'an erasure request' FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) "
    "  SELECT track, opening_id, 'withdrawn' FROM p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'application.transition', applicant_id, "
    "    'application:' || id || ':' || was || '>withdrawn', $2 FROM p) "
    "SELECT count(*) FROM p");

/* Whether the applicant of application $1 (or, with $2 true, of evaluation $1) is restricted. */
struct db_stmt applications_owner_restricted = DB_STMT(
    "SELECT EXISTS (SELECT 1 FROM applications p JOIN applicants a ON a.id = p.applicant_id "
    "WHERE a.restricted_at IS NOT NULL AND p.id = CASE WHEN $2::boolean THEN "
    "(SELECT e.application_id FROM evaluations e WHERE e.id = $1::uuid) ELSE $1::uuid END)");
