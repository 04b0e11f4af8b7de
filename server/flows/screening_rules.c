/*
 * screening_rules: the background-check rules. See screening_rules.h. The
 * set's version is bumped first, so a stale If-Match changes nothing and
 * two writers are serialised on the version's row.
 */
#include "flows/screening_rules.h"
#include "core/token.h"
#include "flows/flow.h"
#include "store/bgcheck.h"
#include "store/rule_sets.h"

#define NO_RULE "no background-check rule for this jurisdiction"

int
screening_rules_list(const struct flow *f, json_t **items, long *version)
{
	return bgcheck_rules(f->db, items, version) == 0 ? 0 : flow_fail_db(f);
}

int
screening_rules_get(const struct flow *f, const char *country, const char *region, json_t **rule,
                    long *version)
{
	int rc = bgcheck_rule(f->db, country, region, rule, version);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_RULE) : 0;
}

/* Open the set for a change at version expect: 0 with *version the new one, -1 problem set. */
static int
begin_change(const struct flow *f, long expect, long *version)
{
	int rc;

	if (flow_begin(f) != 0)
		return -1;
	if ((rc = rule_set_bump(f->db, RULE_SET_BGCHECK, expect, version)) < 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	if (rc > 0) {
		flow_rollback(f);
		return flow_fail(f, 412, NULL,
		                 "the rules changed since the version If-Match names");
	}
	return 0;
}

int
screening_rules_put(const struct flow *f, const char *country, const char *region, bool allowed,
                    const char *note, const char *order, long expect, json_t **rule, bool *created,
                    long *version)
{
	struct bgcheck_rule_fields b = {country, region, allowed, note, order};

	if (begin_change(f, expect, version) != 0)
		return -1;
	if (bgcheck_rule_put(f->db, &b, f->who->name, f->request_id, rule, created) != 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	if (flow_commit(f) != 0) {
		json_decref(*rule);
		*rule = NULL;
		return -1;
	}
	return 0;
}

int
screening_rules_delete(const struct flow *f, const char *country, const char *region, long expect,
                       long *version)
{
	int rc;

	if (begin_change(f, expect, version) != 0)
		return -1;
	if ((rc = bgcheck_rule_delete(f->db, country, region, f->who->name, f->request_id)) != 0) {
		if (rc < 0)
			flow_fail_db(f);
		flow_rollback(f); /* nothing deleted: the version stays */
		return rc < 0 ? -1 : flow_fail(f, 404, NULL, NO_RULE);
	}
	return flow_commit(f);
}
