/* member: what a staff member's entry may hold. See member.h. */
#include "domain/member.h"
#include "core/problem.h"
#include "core/validate.h"

const char *const member_editable[] = {"email", "name", "role", "active", NULL};
const char *const member_readonly[] = {"id", "created_at", "updated_at", "version", NULL};
static const char *const roles[] = {"recruiter", "hr", NULL};

bool
member_validate(const json_t *doc, struct problem *p)
{
	json_t *email = json_object_get(doc, "email");
	bool had = problem_has_fields(p);

	check_known_keys(doc, member_editable, member_readonly, NULL, p);
	if (email == NULL || json_is_null(email)) {
		problem_field(p, "email", "is required");
	} else if (!json_is_string(email) || !is_email(json_string_value(email))) {
		problem_field(p, "email", "must be a valid e-mail address");
	}
	check_text(doc, "name", NULL, true, 200, p);
	check_enum(doc, "role", NULL, true, roles, p);
	check_bool(doc, "active", NULL, p);
	return !had && !problem_has_fields(p);
}

void
member_fields_of(const json_t *doc, struct member_fields *m)
{
	json_t *active = json_object_get(doc, "active");

	m->email = json_string_value(json_object_get(doc, "email"));
	m->name = json_string_value(json_object_get(doc, "name"));
	m->role = json_string_value(json_object_get(doc, "role"));
	m->active = json_is_boolean(active) ? json_is_true(active) : -1;
}
