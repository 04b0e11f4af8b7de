/*
 * recording_rules: what the recording flow's files judge alike. See
 * recording_rules.h.
 */
#include <string.h>

#include "core/problem.h"
#include "core/token.h"
#include "domain/profile.h"
#include "flows/flow.h"
#include "recording_rules.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/privacy.h"

json_t *
recording_rules_view(const struct flow *f, json_t *record)
{
	if (f->who->role != ROLE_APPLICANT)
		return record;
	json_object_del(record, "legal_hold");
	/* When the record is due to go; what blocks it would tell of a hold. */
	json_t *expires = json_object_get(json_object_get(record, "retention"), "expires_at");
	json_object_set_new(record, "retention",
	                    json_pack("{s:O}", "expires_at", expires ? expires : json_null()));
	json_object_del(json_object_get(record, "source"), "detail");
	return record;
}

bool
recording_rules_is_duplicate(const struct flow *f)
{
	return db_failure(f->db) == DB_UNIQUE &&
	       strcmp(db_constraint(f->db), APPLICANTS_EMAIL_KEY) == 0;
}

int
recording_rules_duplicate(const struct flow *f, const char *email)
{
	char id[37];

	if (f->who->role == ROLE_APPLICANT) {
		problem_field(f->problem, "email", PROFILE_EMAIL_INVALID);
		return flow_fail_fields(f);
	}
	/* staff may learn whose address it is */
	if (applicants_find_email(f->db, email, id) == 0)
		problem_extra(f->problem, "existing_id", json_string(id));
	problem_field(f->problem, "email", "an applicant with this e-mail address is on record");
	return flow_fail(f, 409, "duplicate-email",
	                 "an applicant with this e-mail address is on record");
}

int
recording_rules_opted_out(const struct flow *f, const json_t *doc)
{
	const char *email = json_string_value(json_object_get(doc, "email"));
	int rc;

	if (f->who->role == ROLE_APPLICANT || email == NULL ||
	    !json_is_true(json_object_get(doc, "marketing_opt_in")))
		return 0;
	if ((rc = privacy_suppressed(f->db, email, "opt_out")) < 0)
		return flow_fail_db(f);
	if (rc == 0)
		return 0;
	problem_field(f->problem, "marketing_opt_in",
	              "cannot be set: the person opted out of marketing");
	return flow_fail_fields(f);
}

int
recording_rules_erased(const struct flow *f, const json_t *doc)
{
	const char *email = json_string_value(json_object_get(doc, "email"));
	int rc;

	if (email == NULL || (rc = privacy_suppressed(f->db, email, "erased")) == 0)
		return 0;
	if (rc < 0)
		return flow_fail_db(f);
	return flow_fail(f, 409, "suppressed",
	                 "the person this address belongs to had their data erased, and "
	                 "only their own new application brings it back");
}
