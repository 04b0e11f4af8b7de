/*
 * bgcheck: the background-check rules by jurisdiction.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/bgcheck.h"
#include "store/db.h"

#define RULE_JSON                                                                                  \
	"json_build_object('country', b.country, 'region', nullif(b.region, ''), 'allowed', "      \
	"b.allowed, "                                                                              \
	"'note', b.note, 'updated_at', rfc3339(b.updated_at), 'updated_by', b.updated_by)"

#define SET_VERSION "(SELECT version FROM rule_set_versions WHERE name = 'background_check_rules')"

struct db_stmt bgcheck_list_rules = DB_STMT(
    "SELECT coalesce(json_agg(" RULE_JSON
    " ORDER BY b.country, b.region), '[]')::text, " SET_VERSION " FROM background_check_rules b");

/* One rule and the set's version. */
struct db_stmt bgcheck_get_rule =
    DB_STMT("SELECT " RULE_JSON "::text, " SET_VERSION " FROM background_check_rules b "
            "WHERE b.country = $1 AND b.region = $2");

struct db_stmt bgcheck_delete_rule = DB_STMT(
    "WITH b AS (DELETE FROM background_check_rules WHERE country = $1 AND region = $2 "
    "  RETURNING country, region), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'background_check_rule.delete', NULL, 'background_check_rule:' || country || "
    "    CASE WHEN region = '' THEN '' ELSE '-' || region END, $4 FROM b) "
    "SELECT count(*) FROM b");

struct db_stmt bgcheck_upsert_rule = DB_STMT(
    "WITH b AS (INSERT INTO background_check_rules AS b (country, region, allowed, note, "
    "updated_by) "
    "  VALUES ($1, $2, $3::boolean, $4, $5) ON CONFLICT (country, region) DO UPDATE "
    "  SET allowed = excluded.allowed, note = excluded.note, updated_by = excluded.updated_by, "
    "updated_at = now() "
    "  RETURNING *, (xmax = 0) AS created), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $5, 'background_check_rule.put', NULL, 'background_check_rule:' || country || "
    "    CASE WHEN region = '' THEN '' ELSE '-' || region END, $6 FROM b) "
    "SELECT " RULE_JSON "::text, b.created FROM b");
