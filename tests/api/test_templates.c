/*
 * E-mail templates (GET/PUT /v1/templates, hr) and the console's bulk
 * rejection with one of them: previewed first (nothing changes), then, with
 * a reason, every application picked rejected and every person e-mailed in
 * one transaction; a pick that moved since the preview (412) or no reason
 * (422) changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

#define DEFAULT_SET                                                                                \
	"[{\"kind\": \"rejection\", \"language\": \"en\", \"subject\": \"About {{opening}}\", "    \
	"\"body\": \"Dear {{name}},\\nno.\\n{{company}}\"}, "                                      \
	"{\"kind\": \"rejection\", \"language\": \"de\", \"subject\": \"Ihre Bewerbung: "          \
	"{{opening}}\", \"body\": \"Hallo {{name}},\\nleider nein "                                \
	"({{opening}}).\\n{{company}}\"}, "                                                        \
	"{\"kind\": \"stage_change\", \"language\": \"en\", \"subject\": \"News about "            \
	"{{opening}}\", "                                                                          \
	"\"body\": \"Dear {{name}},\\nnext step.\\n{{company}}\"}]"

static char *
etag_of_set(void)
{
	struct resp *r = http_json("GET", "/v1/templates", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	char *etag = resp_header(r, "ETag");
	resp_free(r);
	return etag;
}

static void
test_get_and_put(void **state)
{
	(void)state;
	struct resp *r = http_json("GET", "/v1/templates", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_is_array(r->json));
	assert_true(json_array_size(r->json) >= 2);
	resp_free(r);
	r = http_json("GET", "/v1/templates", staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);

	char *etag = etag_of_set(), *ifm = xasprintf("If-Match: %s", etag);
	const char *const stale[] = {"If-Match: \"1\"", NULL}, *const current[] = {ifm, NULL};
	/* an unknown placeholder, a missing fallback, a twice-named language: 422, nothing kept */
	r = http(
	    "PUT", "/v1/templates", staff.hr, "application/json",
	    "[{\"kind\": \"rejection\", \"language\": \"en\", \"subject\": \"x\", \"body\": "
	    "\"Dear {{email}}\"}, {\"kind\": \"rejection\", \"language\": \"en\", \"subject\": "
	    "\"y\", \"body\": \"z\"}, {\"kind\": \"memo\", \"language\": \"EN\", \"subject\": "
	    "\"a\\nb\", \"body\": \"b\"}]",
	    NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "[0].body");
	assert_field_error(r, "[1]");
	assert_field_error(r, "[2].kind");
	assert_field_error(r, "[2].language");
	assert_field_error(r, "[2].subject");
	assert_field_error(r, "templates");
	resp_free(r);
	char *same = etag_of_set();
	assert_string_equal(same, etag);
	free(same);
	/* a stale version: 412 (unless the set is at 1: then it is current) */
	if (strcmp(etag, "\"1\"") != 0) {
		r = http("PUT", "/v1/templates", staff.hr, "application/json", DEFAULT_SET, stale);
		assert_problem(r, 412, NULL);
		resp_free(r);
	}
	r = http("PUT", "/v1/templates", staff.hr, "application/json", DEFAULT_SET, current);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(r->json), 3);
	char *after = resp_header(r, "ETag");
	assert_string_not_equal(after, etag);
	free(after);
	resp_free(r);
	expect_db_value(
	    "SELECT (count(*) > 0)::text FROM audit_log WHERE action = 'templates.update' AND "
	    "actor = $1",
	    staff.hr_name, "true");
	free(ifm);
	free(etag);
}

/* An applicant with a known address, applied to opening: the application's id. */
static char *
applicant_applied(const char *opening, const char *name, char **email)
{
	*email = unique_email("reject");
	char *body = xasprintf("{\"full_name\": \"%s\", \"email\": \"%s\"}", name, *email);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *path = xasprintf("/v1/applicants/%s/applications", sget(r->json, "id"));
	resp_free(r);
	free(body);
	body = xasprintf("{\"opening_id\": \"%s\"}", opening);
	r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	return id;
}

static void
test_bulk_reject(void **state)
{
	(void)state;
	struct resp *r =
	    http("PUT", "/v1/templates", staff.hr, "application/json", DEFAULT_SET, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = http_json("POST", "/v1/openings", staff.recruiter, "{\"title\": \"Bulk Tester\"}");
	assert_int_equal(r->status, 201);
	char *opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *ea, *eb;
	char *a = applicant_applied(opening, "Ada Reject", &ea),
	     *b = applicant_applied(opening, "Bob Reject", &eb);
	char *email = unique_email("reject-staff");
	char *member = add_member(email, "recruiter"), *cookie = sign_in(email),
	     *csrf = csrf_of(cookie);
	char *path = xasprintf("/staff/openings/%s/rejections", opening);

	/* the preview: each person's e-mail, in German; nothing changes */
	char *body =
	    xasprintf("csrf=%s&application_id=%s&application_id=%s&language=de", csrf, a, b);
	r = post_form(path, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Hallo Ada Reject,"));
	assert_non_null(strstr(r->body, "Hallo Bob Reject,"));
	assert_non_null(strstr(r->body, "leider nein (Bulk Tester)"));
	assert_non_null(strstr(r->body, "name=\"pick\" value=\""));
	resp_free(r);
	free(body);
	expect_db_value("SELECT stage FROM applications WHERE id = $1", a, "applied");
	expect_db_value(
	    "SELECT count(*) FROM mail_outbox WHERE applicant_id = (SELECT applicant_id FROM "
	    "applications WHERE id = $1)",
	    a, "0");

	/* confirmed without a reason: 422; with a pick that moved since: 412; nothing changes */
	body = xasprintf("csrf=%s&confirm=1&language=de&pick=%s:1&pick=%s:1", csrf, a, b);
	r = post_form(path, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);
	body = xasprintf("csrf=%s&confirm=1&language=de&reason=Not+a+fit&pick=%s:1&pick=%s:9", csrf,
	                 a, b);
	r = post_form(path, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 412);
	resp_free(r);
	free(body);
	expect_db_value("SELECT stage FROM applications WHERE id = $1", a, "applied");

	/* confirmed: both rejected, both told in their template */
	body = xasprintf("csrf=%s&confirm=1&language=de&reason=Not+a+fit&pick=%s:1&pick=%s:1", csrf,
	                 a, b);
	r = post_form(path, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	resp_free(r);
	free(body);
	expect_db_value("SELECT stage FROM applications WHERE id = $1", a, "rejected");
	expect_db_value("SELECT stage FROM applications WHERE id = $1", b, "rejected");
	char *ma = mail_find(ea, "Hallo Ada Reject,"), *mb = mail_find(eb, "Hallo Bob Reject,");
	assert_non_null(ma);
	assert_non_null(mb);
	assert_non_null(strstr(ma, "Bulk Tester"));
	free(ma);
	free(mb);
	free(path);
	free(csrf);
	free(cookie);
	free(member);
	free(email);
	free(a);
	free(b);
	free(ea);
	free(eb);
	free(opening);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_and_put),
	    cmocka_unit_test(test_bulk_reject),
	};
	return cmocka_run_group_tests_name("templates", tests, api_start, api_stop);
}
