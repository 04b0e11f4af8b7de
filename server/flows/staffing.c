/*
 * staffing: the staff directory. See staffing.h. A member's address is
 * kept as given and found by its fold (core/fold.h), as every address is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/jsonx.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/token.h"
#include "domain/member.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "flows/staffing.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/staff.h"

#define CHANGE_ATTEMPTS 5

static int
fail_duplicate(const struct flow *f)
{
	problem_field(f->problem, "email", "is already in the staff directory");
	return flow_fail(f, 409, "duplicate-email",
	                 "a member with this address is in the directory");
}

int
staffing_get(const struct flow *f, const char *id, json_t **member)
{
	int rc = staff_find(f->db, id, member);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no staff member with this id") : 0;
}

int
staffing_create(const struct flow *f, const json_t *doc, const struct idem *k, json_t **member,
                bool *replayed)
{
	struct staff_by by = {f->who->name, f->request_id};
	struct idem_answer first;
	struct member_fields m;
	char location[80];
	int rc;

	*replayed = false;
	if ((rc = idem_begin(f, k, &first)) != 0) {
		if (rc < 0)
			return -1;
		*replayed = true;
		return staffing_get(f, first.resource_id, member);
	}
	member_fields_of(doc, &m);
	char *folded = fold_email(m.email);
	struct staff_row row = {m.email, folded, m.name, m.role, m.active != 0};
	rc = staff_insert(f->db, &row, &by, member);
	free(folded);
	if (rc != 0) {
		if (db_failure(f->db) == DB_UNIQUE)
			fail_duplicate(f);
		else
			flow_fail_db(f);
		return flow_rollback(f);
	}
	const char *id = json_string_value(json_object_get(*member, "id"));
	snprintf(location, sizeof(location), "/v1/staff/%s", id);
	if (idem_commit(f, k, 201, id, location) != 0) {
		json_decref(*member);
		*member = NULL;
		return -1;
	}
	return 0;
}

int
staffing_list(const struct flow *f, const struct page_want *want, struct page_of *out)
{
	return staff_page(f->db, want, out) == 0 ? 0 : flow_fail_db(f);
}

/* The names of the members that differ between a and b, comma-separated (at most 64 bytes). */
static void
changed_members(const json_t *a, const json_t *b, char out[64])
{
	out[0] = '\0';
	for (const char *const *k = member_editable; *k; k++)
		if (!json_equal(json_object_get(a, *k), json_object_get(b, *k))) {
			if (out[0])
				strcat(out, ",");
			strcat(out, *k);
		}
}

/* Write doc over have in a transaction, ending access when it takes some away: 0, 1 raced, -1. */
static int
write_change(const struct flow *f, const char *id, long have, const json_t *cur, const json_t *doc,
             json_t **member)
{
	struct staff_by by = {f->who->name, f->request_id};
	struct member_fields m;
	char changed[64];
	int rc;

	member_fields_of(doc, &m);
	changed_members(cur, doc, changed);
	bool ends = !json_equal(json_object_get(cur, "role"), json_object_get(doc, "role")) ||
	            (json_is_true(json_object_get(cur, "active")) && m.active == 0);
	char *folded = fold_email(m.email);
	struct staff_row row = {m.email, folded, m.name, m.role, m.active != 0};
	if (flow_begin(f) != 0) {
		free(folded);
		return -1;
	}
	rc = staff_update(f->db, id, have, &row, changed, &by, member);
	free(folded);
	if (rc == 0 && ends && staff_end_access(f->db, id) != 0) {
		json_decref(*member);
		rc = -1;
	}
	if (rc != 0) {
		if (rc < 0 && db_failure(f->db) == DB_UNIQUE)
			fail_duplicate(f);
		else if (rc < 0)
			flow_fail_db(f);
		flow_rollback(f);
		return rc;
	}
	if (flow_commit(f) != 0) {
		json_decref(*member);
		return -1;
	}
	if (ends)
		auth_forget_kept(); /* this process at once; the others on the notice */
	return 0;
}

/* One attempt: 0 done, 1 lost a race without an expected version (try again), -1 problem. */
static int
change_once(const struct flow *f, const char *id, const json_t *patch, long expect, json_t **member)
{
	json_t *cur;
	long have;
	int rc = staff_current(f->db, id, &cur, &have);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no staff member with this id");
	json_t *doc = jsonx_merge_patch(json_deep_copy(cur), patch);
	if (expect != 0 && expect != have)
		rc = flow_fail(f, 412, NULL,
		               "the member changed since version %ld; it is at version %ld", expect,
		               have);
	else if (!member_validate(doc, f->problem))
		rc = flow_fail_fields(f);
	else if (json_equal(cur, doc))
		rc = staffing_get(f, id, member);
	else if ((rc = write_change(f, id, have, cur, doc, member)) > 0 && expect != 0)
		rc = flow_fail(f, 412, NULL, "the member changed meanwhile");
	json_decref(doc);
	json_decref(cur);
	return rc;
}

int
staffing_change(const struct flow *f, const char *id, const json_t *patch, long expect,
                json_t **member)
{
	int rc = 1;

	for (int attempt = 0; rc == 1 && attempt < CHANGE_ATTEMPTS; attempt++)
		rc = change_once(f, id, patch, expect, member);
	return rc == 1 ? flow_fail(f, 503, NULL, "the member is changing too fast; retry") : rc;
}

int
staffing_visit(const struct flow *f, const char *member_id, char before[32], char name[201])
{
	int rc = staff_visit(f->db, member_id, before, name);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no staff member with this id") : 0;
}
