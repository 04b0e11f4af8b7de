/* templating: the e-mail templates. See templating.h. */
#include "flows/templating.h"
#include "core/token.h"
#include "flows/flow.h"
#include "store/rule_sets.h"
#include "store/templates.h"

int
templating_list(const struct flow *f, json_t **list, long *version)
{
	if (templates_all(f->db, list) != 0)
		return flow_fail_db(f);
	if (rule_set_version(f->db, RULE_SET_TEMPLATES, version) != 0) {
		json_decref(*list);
		return flow_fail_db(f);
	}
	return 0;
}

int
templating_put(const struct flow *f, const json_t *list, long expect, json_t **out, long *version)
{
	int rc;

	if (flow_begin(f) != 0)
		return -1;
	if ((rc = rule_set_bump(f->db, RULE_SET_TEMPLATES, expect, version)) != 0) {
		if (rc < 0)
			flow_fail_db(f);
		else
			flow_fail(f, 412, NULL, "the templates changed since version %ld", expect);
		return flow_rollback(f);
	}
	if (templates_replace(f->db, list, f->who->name, f->request_id) != 0 ||
	    templates_all(f->db, out) != 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	if (flow_commit(f) != 0) {
		json_decref(*out);
		return -1;
	}
	return 0;
}
