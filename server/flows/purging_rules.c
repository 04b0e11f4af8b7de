/*
 * purging_rules: the retention policies and the legal floors. See
 * purging_rules.h. Floors are what an erasure request cannot override;
 * policies are the company's choice, and may not keep a named
 * jurisdiction's records for less than its floor.
 */
#include <stdio.h>
#include <string.h>

#include "core/problem.h"
#include "core/token.h"
#include "domain/retention.h"
#include "flows/flow.h"
#include "flows/purging_rules.h"
#include "store/retention.h"
#include "store/rule_sets.h"

int
purging_rules_policies(const struct flow *f, json_t **list, long *version)
{
	return retention_policies_load(f->db, list, version) == 0 ? 0 : flow_fail_db(f);
}

int
purging_rules_floors(const struct flow *f, json_t **list, long *version)
{
	return retention_floors_load(f->db, list, version) == 0 ? 0 : flow_fail_db(f);
}

/* One policy against the floors: a field error when it keeps for less than its floor. */
static void
judge_policy(const struct flow *f, const struct policies *floors, size_t i, const json_t *rule)
{
	const char *outcome = json_string_value(json_object_get(rule, "outcome"));
	const char *country = json_string_value(json_object_get(rule, "country"));
	const char *region = json_string_value(json_object_get(rule, "region"));
	long days = (long)json_integer_value(json_object_get(rule, "retain_days"));
	const struct floor *fl;
	char field[48];

	/* a rule with errors of its own is judged once they are fixed: skip it here */
	if (outcome == NULL || country == NULL ||
	    !json_is_integer(json_object_get(rule, "retain_days")) ||
	    (region == NULL && json_object_get(rule, "region") != NULL &&
	     !json_is_null(json_object_get(rule, "region"))))
		return;
	/* "*" names no jurisdiction: the purge enforces floors regardless */
	if (strcmp(outcome, "no_application") == 0 || strcmp(country, "*") == 0 ||
	    (fl = retention_floor_for(floors, country, region)) == NULL || days >= fl->retain_days)
		return;
	snprintf(field, sizeof(field), "[%zu].retain_days", i);
	problem_field(f->problem, field, "is below the legal floor of %d days for %s%s%s (%s)",
	              fl->retain_days, fl->country, fl->region[0] ? "/" : "", fl->region,
	              fl->basis);
}

/* Every policy of list against the legal floors: 0 (errors, if any, in the problem) or -1. */
static int
below_floors(const struct flow *f, const json_t *list)
{
	struct policies floors = {0};
	json_t *all, *rule;
	long version;
	size_t i;

	if (retention_floors_load(f->db, &all, &version) != 0)
		return flow_fail_db(f);
	json_array_foreach(all, i, rule) json_object_set_new(rule, "outcome", json_string("floor"));
	int rc = retention_policies_parse(all, &floors);
	json_decref(all);
	if (rc != 0)
		return flow_fail(f, 503, NULL, "the legal floors could not be read; retry");
	json_array_foreach(list, i, rule) judge_policy(f, &floors, i, rule);
	retention_policies_free(&floors);
	return 0;
}

/* Bump the set's version at expect and replace it: 0 committed, or -1 (rolled back). */
static int
replace(const struct flow *f, const char *set, const char *what, long expect, const json_t *list,
        int (*write)(struct db *, const json_t *, const char *, const char *))
{
	long version;
	int rc;

	if (flow_begin(f) != 0)
		return -1;
	/* the set's version first: a stale If-Match changes nothing */
	if ((rc = rule_set_bump(f->db, set, expect, &version)) > 0) {
		flow_rollback(f);
		return flow_fail(f, 412, NULL, "the %s changed since the version If-Match names",
		                 what);
	}
	if (rc < 0 || write(f->db, list, f->who->name, f->request_id) != 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	return flow_commit(f);
}

int
purging_rules_put_policies(const struct flow *f, const json_t *list, long expect, json_t **out,
                           long *version)
{
	/* every field error at once: the shapes (the caller's), then the floors */
	if (below_floors(f, list) != 0 || flow_fail_fields(f) != 0 ||
	    replace(f, RULE_SET_RETENTION, "policies", expect, list, retention_policies_replace) !=
	        0)
		return -1;
	return purging_rules_policies(f, out, version);
}

int
purging_rules_put_floors(const struct flow *f, const json_t *list, long expect, json_t **out,
                         long *version)
{
	if (replace(f, RULE_SET_FLOORS, "floors", expect, list, retention_floors_replace) != 0)
		return -1;
	return purging_rules_floors(f, out, version);
}
