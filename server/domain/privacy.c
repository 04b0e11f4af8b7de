/* privacy: the rules of privacy requests that need no database. See privacy.h. */
#include <stdio.h>
#include <string.h>

#include "core/fold.h"
#include "core/zone.h"
#include "domain/phone.h"
#include "domain/privacy.h"

const char *const privacy_types[] = {"know_categories", "know_specific", "delete",
                                     "correct",         "opt_out",       NULL};
const char *const privacy_channels[] = {"web",       "email", "phone", "mail",
                                        "in_person", "agent", NULL};
const char *const privacy_outcomes[] = {"fulfilled", "partially_fulfilled", "denied", "no_record",
                                        NULL};

static bool
is_holiday(long day, const long *holidays, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (holidays[mid] == day)
			return true;
		if (holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

time_t
privacy_add_business_days(time_t from, int n, const struct zone *zone, const long *holidays,
                          size_t nholidays)
{
	long day = zone_day(zone, from);

	while (n > 0) {
		day++;
		long weekday =
		    ((day % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday (4); 0 Sunday */
		if (weekday != 0 && weekday != 6 && !is_holiday(day, holidays, nholidays))
			n--;
	}
	return zone_instant(zone, day + 1, 0) - 1; /* the day's last second, whatever its length */
}

time_t
privacy_add_days(time_t from, int days, const struct zone *zone)
{
	long long local = (long long)from + zone_offset(zone, from);
	long day = zone_day(zone, from);

	return zone_instant(zone, day + days, (long)(local - (long long)day * 86400));
}

/* The byte length of the UTF-8 character at s (1 for a byte that starts none). */
static size_t
char_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80             ? 1
	           : (s[0] & 0xE0) == 0xC0 ? 2
	           : (s[0] & 0xF0) == 0xE0 ? 3
	           : (s[0] & 0xF8) == 0xF0 ? 4
	                                   : 1;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

void
privacy_mask_email(const char *email, char *out, size_t outlen)
{
	const char *at = strrchr(email, '@');

	if (at == NULL || at == email) {
		snprintf(out, outlen, "***");
		return;
	}
	/* the first character whole, never half of one (PostgreSQL refuses broken UTF-8) */
	size_t first = char_len((const unsigned char *)email);
	if (email + first > at)
		first = 1;
	snprintf(out, outlen, "%.*s***%s", (int)first, email, at);
}

bool
privacy_needs_link(const char *type)
{
	return strcmp(type, "opt_out") != 0;
}

bool
privacy_needs_data_points(const char *type)
{
	return strcmp(type, "know_specific") == 0;
}

bool
privacy_needs_fresh_sign_in(const char *type)
{
	return strcmp(type, "know_specific") == 0 || strcmp(type, "delete") == 0;
}

bool
privacy_is_contact_field(const char *field)
{
	static const char *const contact[] = {"full_name", "email", "phone", "address", NULL};

	for (const char *const *c = contact; *c; c++)
		if (strcmp(*c, field) == 0)
			return true;
	return false;
}

static json_t *
category(const char *name, const char *sources, const char *purposes, const char *recipients,
         const char *retention)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "category", name, "sources", sources,
	                 "purposes", purposes, "recipients", recipients, "retention", retention);
}

json_t *
privacy_categories(bool documents, bool applications, bool evaluations)
{
	static const char kept[] = "while an application is open, then for the period the "
	                           "retention rules set for the country and region";
	json_t *all = json_array();

	json_array_append_new(
	    all, category("identifiers and contact details",
	                  "you (the application form, your page) or a recruiter who entered them",
	                  "considering your applications; reaching you about them",
	                  "the company's recruiters and HR staff", kept));
	json_array_append_new(
	    all, category("consents and choices",
	                  "you: the privacy notice accepted, the age attestation, marketing and "
	                  "sharing choices",
	                  "showing your consent; honouring your choices",
	                  "the company's recruiters and HR staff", kept));
	if (documents)
		json_array_append_new(all, category("resumes and other documents",
		                                    "you, or a recruiter on your behalf",
		                                    "assessing your applications",
		                                    "the company's recruiters and HR staff", kept));
	if (applications)
		json_array_append_new(all, category("applications and their stages",
		                                    "the hiring process",
		                                    "making and documenting hiring decisions",
		                                    "the company's recruiters and HR staff", kept));
	if (evaluations)
		json_array_append_new(all, category("evaluations by the people who screened you",
		                                    "the company's staff",
		                                    "making and documenting hiring decisions",
		                                    "the company's recruiters and HR staff", kept));
	json_array_append_new(
	    all, category("the record of who read or changed your data", "recruitd itself",
	                  "accountability: every access is audited", "the company's HR staff",
	                  "as long as the record it concerns"));
	return all;
}

json_t *
privacy_employee_categories(void)
{
	static const char kept[] = "in your employee file, for as long as you work for us and "
	                           "afterwards for as long as employment law requires";
	static const char hr[] = "the company's HR staff";
	static const char hiring[] = "your employment: the record of how you were hired";
	json_t *all = json_array();

	json_array_append_new(all,
	                      category("identifiers and contact details",
	                               "you, when you applied, or a recruiter", hiring, hr, kept));
	json_array_append_new(all,
	                      category("consents and choices",
	                               "you: the privacy notice accepted, the age attestation, "
	                               "marketing and sharing choices",
	                               hiring, hr, kept));
	json_array_append_new(all,
	                      category("resumes and other documents you sent",
	                               "you, or a recruiter on your behalf", hiring, hr, kept));
	json_array_append_new(all, category("applications, their stages and evaluations",
	                                    "the hiring process and the people who screened you",
	                                    hiring, hr, kept));
	return all;
}

bool
privacy_same_phone(const char *a, const char *b, const char *country)
{
	return phone_same(a, b, country);
}

bool
privacy_same_name(const char *a, const char *b)
{
	return fold_text_equal(a, b);
}
