/*
 * profile: what an applicant's record may hold, checked before anything is
 * stored: the editable members, their shapes and limits. Pure (no database,
 * no request): the API, applying and the applicant's own corrections all
 * judge a record by these rules.
 */
#include <stdio.h>
#include <string.h>

#include "core/problem.h"
#include "core/validate.h"
#include "domain/profile.h"

#define NAME_MAX_CHARS 200
#define TEXT_MAX_CHARS 200
#define EMAIL_MAX_CHARS 254
#define PHONE_MAX_CHARS 40
#define DETAIL_MAX_CHARS 500
#define MAX_SOCIAL_HANDLES 20

const char *const profile_editable[] = {"full_name",        "email",   "phone",          "title",
                                        "job_title",        "address", "social_handles", "source",
                                        "marketing_opt_in", NULL};
const char *const profile_readonly[] = {
    "id",        "legal_hold",   "consent",   "created_at",      "updated_at", "version",
    "retention", "applications", "documents", "sharing_opt_out", NULL};
const char *const profile_address_keys[] = {"line1",       "line2",   "city", "region",
                                            "postal_code", "country", NULL};
static const char *const social_keys[] = {"network", "handle", NULL};
static const char *const source_keys[] = {"type", "detail", NULL};
static const char *const source_types[] = {"direct", "recruiter", "agency", "referral",
                                           "event",  "import",    NULL};

/* ------------------------------------------------------------------ */
/* validation                                                           */

static void
check_email(const json_t *doc, struct problem *p)
{
	if (check_text(doc, "email", NULL, true, EMAIL_MAX_CHARS, p) &&
	    !is_email(json_string_value(json_object_get(doc, "email"))))
		problem_field(p, "email", PROFILE_EMAIL_INVALID);
}

static void
check_phone(const json_t *doc, struct problem *p)
{
	json_t *v = json_object_get(doc, "phone");
	int digits = 0;

	if (!check_text(doc, "phone", NULL, false, PHONE_MAX_CHARS, p) || v == NULL ||
	    json_is_null(v))
		return;
	for (const char *s = json_string_value(v); *s; s++)
		digits += *s >= '0' && *s <= '9';
	if (digits < 3)
		problem_field(p, "phone", "must be a phone number");
}

static void
check_address(const json_t *doc, struct problem *p)
{
	json_t *a = json_object_get(doc, "address");
	json_t *country;

	if (a == NULL || json_is_null(a))
		return;
	if (!json_is_object(a)) {
		problem_field(p, "address", "must be an object or null");
		return;
	}
	check_known_keys(a, profile_address_keys, NULL, "address", p);
	for (int i = 0; i < 5; i++)
		check_text(a, profile_address_keys[i], "address", false, TEXT_MAX_CHARS, p);
	country = json_object_get(a, "country");
	if (country != NULL && !json_is_null(country) &&
	    !(json_is_string(country) && is_country_code(json_string_value(country))))
		problem_field(p, "address.country",
		              "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US");
}

static void
check_social(const json_t *doc, struct problem *p)
{
	json_t *list = json_object_get(doc, "social_handles");
	json_t *item;
	size_t i;
	char path[48];

	if (list == NULL || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		problem_field(p, "social_handles", "must be an array");
		return;
	}
	if (json_array_size(list) > MAX_SOCIAL_HANDLES)
		problem_field(p, "social_handles", "must have at most %d entries",
		              MAX_SOCIAL_HANDLES);
	json_array_foreach(list, i, item)
	{
		snprintf(path, sizeof(path), "social_handles[%zu]", i);
		if (!json_is_object(item)) {
			problem_field(p, path, "must be an object {network, handle}");
			continue;
		}
		check_known_keys(item, social_keys, NULL, path, p);
		check_text(item, "network", path, true, 50, p);
		check_text(item, "handle", path, true, TEXT_MAX_CHARS, p);
	}
}

static void
check_source(const json_t *doc, bool creating, struct problem *p)
{
	json_t *s = json_object_get(doc, "source");

	if (s == NULL || json_is_null(s)) {
		if (!creating)
			problem_field(p, "source", "is required");
		return;
	}
	if (!json_is_object(s)) {
		problem_field(p, "source", "must be an object {type, detail}");
		return;
	}
	check_known_keys(s, source_keys, NULL, "source", p);
	check_enum(s, "type", "source", true, source_types, p);
	check_text(s, "detail", "source", false, DETAIL_MAX_CHARS, p);
}

bool
profile_validate(const json_t *doc, bool creating, struct problem *p)
{
	bool had = problem_has_fields(p);

	check_known_keys(doc, profile_editable, profile_readonly, NULL, p);
	check_text(doc, "full_name", NULL, true, NAME_MAX_CHARS, p);
	check_email(doc, p);
	check_phone(doc, p);
	check_text(doc, "title", NULL, false, TEXT_MAX_CHARS, p);
	check_text(doc, "job_title", NULL, false, TEXT_MAX_CHARS, p);
	check_address(doc, p);
	check_social(doc, p);
	check_source(doc, creating, p);
	check_bool(doc, "marketing_opt_in", NULL, p);
	return !had && !problem_has_fields(p);
}

void
profile_normalize(json_t *doc)
{
	json_t *a = json_object_get(doc, "address");
	json_t *s = json_object_get(doc, "source");

	for (int i = 0; profile_editable[i]; i++)
		if (json_object_get(doc, profile_editable[i]) == NULL)
			json_object_set_new(doc, profile_editable[i], json_null());
	if (json_is_null(json_object_get(doc, "social_handles")))
		json_object_set_new(doc, "social_handles", json_array());
	if (json_is_null(json_object_get(doc, "marketing_opt_in")))
		json_object_set_new(doc, "marketing_opt_in", json_false());
	if (json_is_object(a))
		for (int i = 0; profile_address_keys[i]; i++)
			if (json_object_get(a, profile_address_keys[i]) == NULL)
				json_object_set_new(a, profile_address_keys[i], json_null());
	if (!json_is_object(s))
		json_object_set_new(doc, "source",
		                    json_pack("{s:s, s:n}", "type", "recruiter", "detail"));
	else if (json_object_get(s, "detail") == NULL)
		json_object_set_new(s, "detail", json_null());
}
