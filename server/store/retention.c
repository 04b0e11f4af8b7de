/*
 * retention: the retention policies and the legal floors, each a set with
 * one version. See retention.h. A set is replaced whole: cleared, then
 * inserted from its JSON, then audited, inside the caller's transaction.
 */
#include "store/retention.h"
#include <stdio.h>
#include <stdlib.h>

#include "core/jsonx.h"
#include "store/db.h"

static struct db_stmt policies_ordered =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('outcome', outcome, 'country', country, "
            "'region', nullif(region, ''), 'retain_days', retain_days) ORDER BY outcome, country, "
            "region), '[]')::text, "
            "(SELECT version FROM rule_set_versions WHERE name = 'retention_policies') "
            "FROM retention_policies");

static struct db_stmt clear_policies = DB_STMT("DELETE FROM retention_policies");

static struct db_stmt insert_policies =
    DB_STMT("INSERT INTO retention_policies (outcome, country, region, retain_days) "
            "SELECT outcome, country, coalesce(region, ''), retain_days "
            "FROM json_to_recordset($1::json) AS x(outcome text, country text, region text, "
            "retain_days int)");

static struct db_stmt audit_policies =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "VALUES ($1, 'retention_policies.put', NULL, 'retention_policies:' || $2, $3)");

static struct db_stmt floors_ordered =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('country', country, 'region', "
            "nullif(region, ''), 'retain_days', retain_days, 'basis', basis) ORDER BY country, "
            "region), '[]')::text, "
            "(SELECT version FROM rule_set_versions WHERE name = 'retention_floors') "
            "FROM retention_floors");

static struct db_stmt clear_floors = DB_STMT("DELETE FROM retention_floors");

static struct db_stmt insert_floors =
    DB_STMT("INSERT INTO retention_floors (country, region, retain_days, basis) "
            "SELECT country, coalesce(region, ''), retain_days, basis "
            "FROM json_to_recordset($1::json) AS x(country text, region text, retain_days int, "
            "basis text)");

static struct db_stmt audit_floors =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "VALUES ($1, 'retention_floors.put', NULL, 'retention_floors:' || $2, $3)");

int
retention_policies_load(struct db *db, json_t **list, long *version)
{
	return db_json(db, &policies_ordered, 0, NULL, list, version) == 0 ? 0 : -1;
}

int
retention_floors_load(struct db *db, json_t **list, long *version)
{
	return db_json(db, &floors_ordered, 0, NULL, list, version) == 0 ? 0 : -1;
}

/* Clear a set, insert list into it, audit the count: 0 or -1. */
static int
replace(struct db *db, struct db_stmt *clear, struct db_stmt *insert, struct db_stmt *audit,
        const json_t *list, const char *actor, const char *request_id)
{
	char count[24];
	char *text = jsonx_dump(list);

	snprintf(count, sizeof(count), "%zu", json_array_size(list));
	const char *p1[1] = {text}, *p2[3] = {actor, count, request_id};
	int rc = db_do(db, clear, 0, NULL) == 0 && db_do(db, insert, 1, p1) == 0 &&
	                 db_do(db, audit, 3, p2) == 0
	             ? 0
	             : -1;
	free(text);
	return rc;
}

int
retention_policies_replace(struct db *db, const json_t *list, const char *actor,
                           const char *request_id)
{
	return replace(db, &clear_policies, &insert_policies, &audit_policies, list, actor,
	               request_id);
}

int
retention_floors_replace(struct db *db, const json_t *list, const char *actor,
                         const char *request_id)
{
	return replace(db, &clear_floors, &insert_floors, &audit_floors, list, actor, request_id);
}
