/*
 * harness_fixtures: what suites make through the API: fresh addresses (kept
 * out of the log), applicants made by staff, public applications confirmed
 * by their e-mailed code, a record's fields as hr reads them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/xalloc.h"
#include "harness.h"

char *
record_field(const char *id, const char *field)
{
	char *path = xasprintf("/v1/applicants/%s", id);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	const char *v =
	    r->status == 200 ? json_string_value(json_object_get(r->json, field)) : NULL;
	char *out = v ? xstrdup(v) : NULL;

	resp_free(r);
	free(path);
	return out;
}

void
applied_free(struct applied *a)
{
	free(a->applicant);
	free(a->application);
	free(a->token);
	free(a->email);
}

char *
recruiter_opening(const char *title)
{
	char *body = xasprintf("{\"title\":\"%s\",\"country\":\"US\"}", title);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

char *
new_staff_applicant(const char *tag, const char *full_name)
{
	char *email = unique_email(tag);
	char *body = xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\"}", full_name, email);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(email);
	return id;
}

char *
unique_email(const char *tag)
{
	static int seq;
	unsigned r;
	char *e;

	if (random_bytes(&r, sizeof(r)) != 0)
		r = (unsigned)time(NULL);
	e = xasprintf("%s.%d.%d.%08x@example.com", tag, (int)getpid(), ++seq, r);
	forbid_in_log(e);
	return e;
}

struct resp *
post_code(const char *path, const char *code, const char *const *headers)
{
	char *body = xasprintf("{\"code\":\"%s\"}", code);
	struct resp *r = http("POST", path, NULL, "application/json", body, headers);
	free(body);
	return r;
}

struct applied
apply_confirmed(const char *opening, const char *full_name, const char *tag, const void *resume,
                size_t resume_len, const char *filename, const char *const *extra_headers)
{
	struct applied a = {0};
	a.email = unique_email(tag);
	struct part parts[] = {{.name = "full_name", .value = full_name},
	                       {.name = "email", .value = a.email},
	                       {.name = "phone", .value = "+1 415 555 0100"},
	                       {.name = "opening_id", .value = opening},
	                       {.name = "privacy_notice_accepted", .value = "true"},
	                       {.name = "age_16_or_over", .value = "true"},
	                       {.name = "resume",
	                        .data = resume,
	                        .len = resume_len,
	                        .filename = filename ? filename : "resume.pdf"},
	                       {.name = NULL}};
	forbid_in_log(full_name);
	struct resp *r = http_form("POST", "/v1/apply", NULL, parts, extra_headers);
	if (r->status != 202)
		fail_msg("apply: %ld %s", r->status, r->body);
	resp_free(r);
	char *code = mail_code(a.email, "/apply/confirm");
	if (code == NULL)
		fail_msg("apply: no confirmation e-mail came");
	r = post_code("/v1/apply/confirmations", code, extra_headers);
	if (r->status != 201)
		fail_msg("confirm: %ld %s", r->status, r->body);
	a.applicant = xstrdup(sget(r->json, "applicant_id"));
	a.application = xstrdup(sget(r->json, "application_id"));
	a.token = xstrdup(sget(r->json, "applicant_token"));
	resp_free(r);
	free(code);
	return a;
}
