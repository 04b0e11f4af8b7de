/*
 * bgcheck: the background-check rules by jurisdiction. See bgcheck.h.
 * A rule's write and its audit entry are one statement; the set's one
 * version (store/rule_sets.h) is bumped by the caller in the same
 * transaction.
 */
#include <stdio.h>
#include <stdlib.h>

#include "domain/stages.h"
#include "store/bgcheck.h"
#include "store/db.h"

#define RULE_JSON                                                                                  \
	"json_build_object('country', b.country, 'region', nullif(b.region, ''), 'allowed', "      \
	"b.allowed, 'order', b.check_order, "                                                      \
	"'note', b.note, 'updated_at', rfc3339(b.updated_at), 'updated_by', b.updated_by)"

#define SET_VERSION "(SELECT version FROM rule_set_versions WHERE name = 'background_check_rules')"

static struct db_stmt list_rules = DB_STMT(
    "SELECT coalesce(json_agg(" RULE_JSON
    " ORDER BY b.country, b.region), '[]')::text, " SET_VERSION " FROM background_check_rules b");

/* One rule and the set's version. */
static struct db_stmt get_rule =
    DB_STMT("SELECT " RULE_JSON "::text, " SET_VERSION " FROM background_check_rules b "
            "WHERE b.country = $1 AND b.region = $2");

static struct db_stmt delete_rule = DB_STMT(
    "WITH b AS (DELETE FROM background_check_rules WHERE country = $1 AND region = $2 "
    "  RETURNING country, region), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'background_check_rule.delete', NULL, 'background_check_rule:' || country || "
    "    CASE WHEN region = '' THEN '' ELSE '-' || region END, $4 FROM b) "
    "SELECT count(*) FROM b");

static struct db_stmt upsert_rule = DB_STMT(
    "WITH b AS (INSERT INTO background_check_rules AS b (country, region, allowed, note, "
    "updated_by, check_order) "
    "  VALUES ($1, $2, $3::boolean, $4, $5, coalesce($7::text, 'before_offer')) "
    "  ON CONFLICT (country, region) DO UPDATE "
    "  SET allowed = excluded.allowed, note = excluded.note, updated_by = excluded.updated_by, "
    "  check_order = coalesce($7::text, b.check_order), updated_at = now() "
    "  RETURNING *, (xmax = 0) AS created), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $5, 'background_check_rule.put', NULL, 'background_check_rule:' || country || "
    "    CASE WHEN region = '' THEN '' ELSE '-' || region END, $6 FROM b) "
    "SELECT " RULE_JSON "::text, b.created FROM b");

/* The region's own rule first, else the country's. */
static struct db_stmt find_rule =
    DB_STMT("SELECT allowed, check_order FROM background_check_rules WHERE country = $1 "
            "AND region IN ($2, '') ORDER BY region = '' LIMIT 1");

int
bgcheck_rules(struct db *db, json_t **items, long *version)
{
	return db_json(db, &list_rules, 0, NULL, items, version) == 0 ? 0 : -1;
}

int
bgcheck_rule(struct db *db, const char *country, const char *region, json_t **rule, long *version)
{
	const char *params[2] = {country, region};

	return db_json(db, &get_rule, 2, params, rule, version);
}

int
bgcheck_rule_put(struct db *db, const struct bgcheck_rule_fields *b, const char *actor,
                 const char *request_id, json_t **rule, bool *created)
{
	const char *params[7] = {b->country, b->region, b->allowed ? "true" : "false",
	                         b->note,    actor,     request_id,
	                         b->order};
	PGresult *row;
	int rc = db_row(db, &upsert_rule, 7, params, &row);

	if (rc != 0)
		return -1; /* an upsert answers its row */
	*rule = json_loads(PQgetvalue(row, 0, 0), 0, NULL);
	*created = PQgetvalue(row, 0, 1)[0] == 't';
	PQclear(row);
	return *rule != NULL ? 0 : -1;
}

int
bgcheck_rule_delete(struct db *db, const char *country, const char *region, const char *actor,
                    const char *request_id)
{
	const char *params[4] = {country, region, actor, request_id};
	long n;

	if (db_count(db, &delete_rule, 4, params, &n) != 0)
		return -1;
	return n > 0 ? 0 : 1;
}

int
bgcheck_verdict(struct db *db, const char *country, const char *region, struct bgcheck_verdict *out)
{
	const char *params[2] = {country, region};
	PGresult *row;
	int rc = db_row(db, &find_rule, 2, params, &row);

	*out = (struct bgcheck_verdict){.allowed = false, .order = ORDER_BEFORE_OFFER};
	if (rc == 0) {
		int order = stage_order_parse(PQgetvalue(row, 0, 1));
		out->allowed = PQgetvalue(row, 0, 0)[0] == 't';
		out->order = order < 0 ? ORDER_BEFORE_OFFER : (enum stage_order)order;
		PQclear(row);
	}
	return rc;
}
