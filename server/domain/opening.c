/*
 * opening: what an opening may hold. See opening.h.
 */
#include "domain/opening.h"
#include "core/problem.h"
#include "core/validate.h"

const char *const opening_editable[] = {
    "title",       "department", "country",         "region",        "location",
    "description", "status",     "employment_type", "valid_through", NULL};
const char *const opening_readonly[] = {"id", "created_at", "updated_at", "version", NULL};
const char *const opening_employment_types[] = {"full_time", "part_time", "contractor",
                                                "temporary", "intern",    "volunteer",
                                                "per_diem",  "other",     NULL};
static const char *const statuses[] = {"open", "closed", NULL};

bool
opening_validate(const json_t *doc, struct problem *p)
{
	json_t *country = json_object_get(doc, "country");
	bool had = problem_has_fields(p);

	check_known_keys(doc, opening_editable, opening_readonly, NULL, p);
	check_text(doc, "title", NULL, true, 200, p);
	check_text(doc, "department", NULL, false, 200, p);
	if (country != NULL && !json_is_null(country) &&
	    (!json_is_string(country) || !is_country_code(json_string_value(country))))
		problem_field(p, "country",
		              "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US");
	check_text(doc, "region", NULL, false, 100, p);
	check_text(doc, "location", NULL, false, 200, p);
	check_enum(doc, "status", NULL, false, statuses, p);
	check_enum(doc, "employment_type", NULL, false, opening_employment_types, p);
	json_t *until = json_object_get(doc, "valid_through");
	if (until != NULL && !json_is_null(until) &&
	    (!json_is_string(until) || !is_rfc3339(json_string_value(until))))
		problem_field(p, "valid_through",
		              "must be an RFC 3339 date and time, e.g. 2027-01-31T23:59:59Z");
	json_t *d = json_object_get(doc, "description");
	if (d != NULL && !json_is_null(d) &&
	    (!json_is_string(d) || utf8_chars(json_string_value(d)) > 20000))
		problem_field(p, "description", "must be text of at most 20000 characters");
	return !had && !problem_has_fields(p);
}

void
opening_fields_of(const json_t *doc, struct opening_fields *o)
{
	o->title = json_string_value(json_object_get(doc, "title"));
	o->department = json_string_value(json_object_get(doc, "department"));
	o->country = json_string_value(json_object_get(doc, "country"));
	o->region = json_string_value(json_object_get(doc, "region"));
	o->location = json_string_value(json_object_get(doc, "location"));
	o->description = json_string_value(json_object_get(doc, "description"));
	o->status = json_string_value(json_object_get(doc, "status"));
	o->employment_type = json_string_value(json_object_get(doc, "employment_type"));
	o->valid_through = json_string_value(json_object_get(doc, "valid_through"));
}
