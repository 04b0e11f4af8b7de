/* keying: staff keys from the console. See keying.h. */
#include "flows/keying.h"
#include "flows/flow.h"
#include "store/db.h"
#include "store/keys.h"
#include "store/member_keys.h"
#include "store/staff.h"

int
keying_list(const struct flow *f, json_t **keys)
{
	return member_keys_list(f->db, keys) == 0 ? 0 : flow_fail_db(f);
}

int
keying_create(const struct flow *f, const char *member_id, const char *name, char *token)
{
	struct staff_who who;
	int rc;

	if (!keys_is_name(name))
		return flow_fail(f, 422, "validation-error",
		                 "a key's name is 1 to 64 of A-Z a-z 0-9 . _ -");
	if ((rc = staff_find_id(f->db, member_id, &who)) < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no such staff member");
	if (!who.active)
		return flow_fail(f, 409, NULL, "the member is inactive: activate them first");
	if (member_keys_create(f->db, member_id, who.role, name, f->who->name, f->request_id,
	                       token) != 0) {
		if (db_failure(f->db) == DB_UNIQUE)
			return flow_fail(
			    f, 409, NULL,
			    "a key of that name exists already (names are never reused)");
		return flow_fail_db(f);
	}
	return 0;
}

int
keying_revoke(const struct flow *f, const char *name)
{
	int rc = member_keys_revoke(f->db, name, f->who->name, f->request_id);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no active key of that name") : 0;
}
