/*
 * API: openings and the public application: the careers form submitted (what
 * it creates, what it refuses and leaves no trace of, a retry, a second
 * opening, a browser's Global Privacy Control), the careers pages, the form
 * posted without JavaScript. Confirming, signing in and the applicant's own
 * access: test_apply_access.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "apply.h"
#include "core/xalloc.h"
#include "harness.h"

static char *
counts(void)
{
	return db_value("SELECT (SELECT count(*) FROM applicants) || '/' || (SELECT count(*) FROM "
	                "applications) || '/' || "
	                "(SELECT count(*) FROM documents) || '/' || (SELECT count(*) FROM "
	                "applicant_tokens) || '/' || "
	                "(SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM "
	                "stage_events) || '/' || "
	                "(SELECT count(*) FROM idempotency_keys) || '/' || "
	                "(SELECT count(*) FROM pending_submissions) || '/' || "
	                "(SELECT count(*) FROM mail_outbox)",
	                NULL);
}

/* ------------------------------------------------------------------ */

static void
test_openings(void **state)
{
	(void)state;
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"country\":\"XX\",\"status\":\"maybe\",\"pay\":1}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "title");
	assert_field_error(r, "country");
	assert_field_error(r, "status");
	assert_field_error(r, "pay");
	resp_free(r);
	/* only the title is required */
	r = http_json("POST", "/v1/openings", staff.recruiter, "{\"title\":\"Anywhere\"}");
	assert_int_equal(r->status, 201);
	assert_true(json_is_null(json_object_get(r->json, "country")));
	assert_string_equal(sget(r->json, "status"), "open");
	resp_free(r);
	r = http_json("POST", "/v1/openings", staff.recruiter, "{\"country\":\"US\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "title");
	resp_free(r);
	r = http_json("POST", "/v1/openings", NULL, "{\"title\":\"x\",\"country\":\"US\"}");
	assert_problem(r, 401, "unauthorized");
	resp_free(r);

	char *path = xasprintf("/v1/openings/%s", opening);
	r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "open");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
	resp_free(r);
	/* public: only public fields */
	r = http_json("GET", path, NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "title"), "Backend Engineer");
	assert_null(json_object_get(r->json, "status"));
	assert_null(json_object_get(r->json, "version"));
	resp_free(r);
	/* a closed opening is invisible without a staff token */
	char *cpath = xasprintf("/v1/openings/%s", closed_opening);
	r = http_json("GET", cpath, NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", cpath, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = http_json("GET", "/v1/openings?limit=200", NULL, NULL);
	assert_int_equal(r->status, 200);
	size_t i;
	json_t *it;
	int seen_open = 0;
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	{
		assert_string_not_equal(sget(it, "id"), closed_opening);
		assert_null(json_object_get(it, "status"));
		seen_open |= strcmp(sget(it, "id"), opening) == 0;
	}
	assert_true(seen_open);
	resp_free(r);
	r = http_json("GET", "/v1/openings?status=closed&limit=200", staff.hr, NULL);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	    assert_string_equal(sget(it, "status"), "closed");
	resp_free(r);
	r = http_json("GET", "/v1/openings?status=closed", NULL, NULL);
	assert_problem(r, 400, "bad-request"); /* the public cannot ask for closed ones */
	resp_free(r);
	r = http_json("GET", "/v1/openings",
	              "rks_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
	assert_problem(r, 401, "unauthorized"); /* a bad token is not taken for no token */
	resp_free(r);

	/* patch with versions */
	char *mine = make_opening("Patchable", "open");
	char *mpath = xasprintf("/v1/openings/%s", mine);
	const char *stale[] = {"If-Match: \"9\"", NULL};
	r = http("PATCH", mpath, staff.recruiter, "application/merge-patch+json",
	         "{\"status\":\"closed\"}", stale);
	assert_problem(r, 412, "precondition-failed");
	resp_free(r);
	const char *fresh[] = {"If-Match: \"1\"", NULL};
	r = http("PATCH", mpath, staff.recruiter, "application/merge-patch+json",
	         "{\"status\":\"closed\",\"region\":null}", fresh);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "closed");
	assert_true(json_is_null(json_object_get(r->json, "region")));
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);
	r = http_json("PATCH", mpath, staff.recruiter, "{\"title\":null,\"id\":\"x\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "id");
	resp_free(r);
	r = http_json("PATCH", mpath, staff.recruiter, "{\"title\":null}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "title");
	resp_free(r);
	r = http_json("PATCH", "/v1/openings/00000000-0000-4000-8000-000000000000", staff.recruiter,
	              "{\"title\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(mpath);
	free(mine);
	free(cpath);
	free(path);
}

static void
test_apply_creates_everything(void **state)
{
	(void)state;
	struct applied a = apply_ok(opening);
	assert_int_equal(strncmp(a.token, "rka_", 4), 0);
	assert_int_equal(strlen(a.token), 4 + 16 + 1 + 43);

	char *v = db_value(
	    "SELECT source_type || '/' || (privacy_notice_accepted_at IS NOT NULL) || '/' || "
	    "privacy_notice_version || '/' || (age_16_or_over_at IS NOT NULL) FROM applicants "
	    "WHERE id = $1",
	    a.applicant);
	assert_string_equal(v, "direct/true/2026-11-01/true");
	free(v);
	v = db_value("SELECT stage FROM applications WHERE id = $1", a.application);
	assert_string_equal(v, "applied");
	free(v);
	v = db_value("SELECT count(*) FROM application_history WHERE application_id = $1 AND "
	             "to_stage = 'applied'",
	             a.application);
	assert_string_equal(v, "1");
	free(v);
	v = db_value("SELECT count(*) FROM documents WHERE applicant_id = $1 AND kind = 'resume'",
	             a.applicant);
	assert_string_equal(v, "1");
	free(v);
	/* the token is stored only as a hash */
	v = db_value("SELECT count(*) FROM applicant_tokens t WHERE t::text LIKE '%' || $1 || '%'",
	             a.token + 21);
	assert_string_equal(v, "0");
	free(v);
	v = db_value("SELECT count(*) FROM applicant_tokens WHERE applicant_id = $1", a.applicant);
	assert_string_equal(v, "1");
	free(v);
	v = db_value(
	    "SELECT string_agg(action, ',' ORDER BY action) FROM audit_log WHERE applicant_id = $1",
	    a.applicant);
	assert_string_equal(
	    v, "applicant.create,applicant.sign_in,application.create,document.upload");
	free(v);
	/* the submission is gone once confirmed, resume and all */
	expect_db_value("SELECT count(*) FROM pending_submissions WHERE email_hash = $1::bytea",
	                email_hash_of(a.email), "0");
	/* the session: signed in when the code was used, for 7 days */
	struct resp *me = http_json("GET", "/v1/me", a.token, NULL);
	const json_t *session = json_object_get(me->json, "session");
	assert_non_null(sget(session, "signed_in_at"));
	v = db_value("SELECT round(extract(epoch FROM expires_at - signed_in_at) / 3600) FROM "
	             "applicant_tokens WHERE applicant_id = $1",
	             a.applicant);
	assert_string_equal(v, "168");
	free(v);
	resp_free(me);
	/* staff see where the applicant came from and what they agreed to */
	char *path = xasprintf("/v1/applicants/%s", a.applicant);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_string_equal(sget(json_object_get(r->json, "source"), "type"), "direct");
	assert_string_equal(sget(json_object_get(r->json, "consent"), "privacy_notice_version"),
	                    "2026-11-01");
	assert_true(
	    json_is_true(json_object_get(json_object_get(r->json, "consent"), "age_16_or_over")));
	resp_free(r);
	free(path);
	applied_free(&a);
}

static void
test_refusals_leave_no_trace(void **state)
{
	(void)state;
	char *before = counts();
	char *email = unique_email("refused");
	struct resp *r = apply_with("Young Person", email, opening, "true", NULL, NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "age_16_or_over");
	resp_free(r);
	r = apply_with("Young Person", email, opening, "true", "false", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "age_16_or_over");
	resp_free(r);
	r = apply_with("No Consent", email, opening, NULL, "true", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "privacy_notice_accepted");
	resp_free(r);
	r = apply_with("No Consent", email, opening, "yes", "true", NULL);
	assert_field_error(r, "privacy_notice_accepted");
	resp_free(r);
	r = apply_with(NULL, "not-an-email", "nope", "true", "true", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "full_name");
	assert_field_error(r, "email");
	assert_field_error(r, "opening_id");
	resp_free(r);
	r = apply_with("Late Comer", email, closed_opening, "true", "true", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "opening_id");
	resp_free(r);
	r = apply_with("Nobody", email, "00000000-0000-4000-8000-000000000000", "true", "true",
	               NULL);
	assert_field_error(r, "opening_id");
	resp_free(r);
	/* an executable instead of a resume */
	static const unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	struct part parts[] = {
	    {.name = "full_name", .value = "Exe Cutable"},
	    {.name = "email", .value = email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = elf, .len = sizeof(elf), .filename = "cv.pdf"},
	    {.name = NULL}};
	r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_problem(r, 415, NULL);
	resp_free(r);
	parts[5] = (struct part){.name = "resume", .data = "", .len = 0, .filename = "cv.pdf"};
	r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "resume");
	resp_free(r);
	r = http("POST", "/v1/apply", NULL, "application/json", "{\"full_name\":\"x\"}", NULL);
	assert_problem(r, 415, "unsupported-media-type");
	resp_free(r);

	char *after = counts();
	assert_string_equal(before, after); /* not one row anywhere, not even an audit entry */
	char *n = db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                   email_hash_of(email));
	assert_string_equal(n, "0");
	free(n);
	free(before);
	free(after);
	free(email);
}

static void
test_idempotent_retry(void **state)
{
	(void)state;
	char *email = unique_email("retry");
	char key[96];
	snprintf(key, sizeof(key), "Idempotency-Key: apply-%s", email);
	const char *h[] = {key, NULL};
	struct resp *a = apply_with("Re Try", email, opening, "true", "true", h);
	assert_int_equal(a->status, 202);
	char *mid = counts();
	struct resp *b = apply_with("Re Try", email, opening, "true", "true", h);
	assert_int_equal(b->status, 202);
	assert_string_equal(a->body, b->body);
	char *replayed = resp_header(b, "Idempotent-Replayed");
	assert_string_equal(replayed, "true");
	free(replayed);
	char *after = counts();
	/* one submission, one e-mail: the counts are those after the first */
	assert_string_equal(mid, after);
	expect_db_value("SELECT count(*) FROM pending_submissions WHERE email_hash = $1::bytea",
	                email_hash_of(email), "1");
	char *v = db_value("SELECT count(*) FROM idempotency_keys WHERE key_sha256 = $1", key + 17);
	assert_string_equal(v, "0");
	free(v);
	/* the same key for another submission */
	struct resp *c = apply_with("Someone Else", "else@example.com", opening, "true", "true", h);
	assert_problem(c, 422, NULL);
	resp_free(c);
	resp_free(a);
	resp_free(b);
	free(mid);
	free(after);
	free(email);
}

/* The applicant on record applies to another opening with their token. */
static void
test_apply_to_another_opening(void **state)
{
	(void)state;
	struct applied a = apply_ok(opening);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", other_opening);
	struct resp *r = http_json("POST", "/v1/me/applications", a.token, body);
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(r->json, "stage"), "applied");
	assert_string_equal(sget(r->json, "opening_id"), other_opening);
	assert_string_equal(sget(r->json, "applicant_id"), a.applicant);
	char *loc = resp_header(r, "Location");
	assert_string_equal(loc, "/v1/me");
	char *second = xstrdup(sget(r->json, "id"));
	free(loc);
	resp_free(r);
	/* the page it points to lists both */
	r = http_json("GET", "/v1/me", a.token, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "applications")), 2);
	resp_free(r);
	/* again: 409 already-applied, naming the application */
	r = http_json("POST", "/v1/me/applications", a.token, body);
	assert_problem(r, 409, "already-applied");
	assert_string_equal(sget(r->json, "application_id"), second);
	resp_free(r);
	/* a closed opening, an unknown member, a staff token, no token */
	char *closed = xasprintf("{\"opening_id\":\"%s\"}", closed_opening);
	r = http_json("POST", "/v1/me/applications", a.token, closed);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "opening_id");
	resp_free(r);
	r = http_json("POST", "/v1/me/applications", a.token, "{\"opening_id\":null,\"x\":1}");
	assert_problem(r, 422, "validation-error");
	resp_free(r);
	r = http_json("POST", "/v1/me/applications", staff.hr, body);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = http_json("POST", "/v1/me/applications", NULL, body);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applications WHERE applicant_id = $1", a.applicant,
	                "2");
	expect_db_value(
	    "SELECT count(*) FROM audit_log WHERE applicant_id = $1 AND actor = 'applicant' "
	    "AND action = 'application.create'",
	    a.applicant, "2");
	free(closed);
	free(second);
	free(body);
	applied_free(&a);
}

/* A browser's Global Privacy Control is the person's sharing opt-out: recorded, and staff cannot
 * undo it. */
/* A browser's Global Privacy Control is the person's sharing opt-out: recorded from either
 * request, and staff cannot undo it. */
static void
test_sec_gpc_recorded(void **state)
{
	(void)state;
	const char *gpc[] = {"Sec-GPC: 1", NULL};
	struct applied a =
	    apply_confirmed(opening, "Gigi Pecee", "gpc", pdf.data, pdf.len, NULL, gpc);
	char *path = xasprintf("/v1/applicants/%s", a.applicant);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_true(json_is_true(json_object_get(r->json, "sharing_opt_out")));
	resp_free(r);
	r = http_json("GET", "/v1/me", a.token, NULL);
	assert_true(json_is_true(json_object_get(r->json, "sharing_opt_out")));
	resp_free(r);
	r = http_json("PATCH", path, staff.hr, "{\"sharing_opt_out\":false}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "sharing_opt_out");
	resp_free(r);
	/* on the confirmation alone */
	char *email = unique_email("gpc2");
	resp_free(apply_with("Gina Pecee", email, opening, "true", "true", NULL));
	char *code = mail_code(email, "/apply/confirm");
	r = post_code("/v1/apply/confirmations", code, gpc);
	assert_int_equal(r->status, 201);
	expect_db_value("SELECT sharing_opt_out::text FROM applicants WHERE id = $1",
	                sget(r->json, "applicant_id"), "true");
	resp_free(r);
	/* without the header: no opt-out */
	struct applied b = apply_ok(opening);
	char *other = xasprintf("/v1/applicants/%s", b.applicant);
	r = http_json("GET", other, staff.hr, NULL);
	assert_true(json_is_false(json_object_get(r->json, "sharing_opt_out")));
	resp_free(r);
	free(other);
	free(code);
	free(email);
	applied_free(&b);
	applied_free(&a);
	free(path);
}

/* Each page answers with its type and the strict policy. */
static void
expect_page(const char *path, const char *type, const char *needle)
{
	struct resp *r = http("GET", path, NULL, NULL, NULL, NULL);
	if (r->status != 200)
		fail_msg("GET %s: %ld", path, r->status);
	char *ct = resp_header(r, "Content-Type"), *csp = resp_header(r, "Content-Security-Policy"),
	     *ref = resp_header(r, "Referrer-Policy");
	assert_string_equal(ct, type);
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "script-src 'self'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_string_equal(ref, "no-referrer");
	if (needle != NULL && strstr(r->body, needle) == NULL)
		fail_msg("GET %s: no %s", path, needle);
	assert_null(strstr(r->body, "<script>")); /* no inline script */
	free(ct);
	free(csp);
	free(ref);
	resp_free(r);
}

static void
test_pages(void **state)
{
	(void)state;
	static const char html[] = "text/html; charset=utf-8";
	/* the careers page carries the openings and a form that posts without JavaScript */
	expect_page("/apply", html,
	            "<form id=\"apply-form\" method=\"post\" action=\"/v1/apply\" "
	            "enctype=\"multipart/form-data\"");
	expect_page("/apply", html, "Backend Engineer");
	expect_page("/apply", html, "<a href=\"/privacy-notice\"");
	char *option = xasprintf("<option value=\"%s\">", opening);
	expect_page("/apply", html, option);
	free(option);
	struct resp *r = http("GET", "/apply", NULL, NULL, NULL, NULL);
	assert_null(strstr(r->body, "Filled Position")); /* closed openings are not listed */
	assert_null(strstr(r->body, "{{"));
	resp_free(r);
	expect_page("/apply/confirm", html, "/assets/confirm.js");
	expect_page("/me", html, "/assets/me.js");
	expect_page("/privacy-notice", html, "Privacy notice");
	expect_page("/privacy", html, "/assets/privacy.js");
	expect_page("/assets/privacy.js", "text/javascript; charset=utf-8", "replaceState");
	expect_page("/assets/site.css", "text/css; charset=utf-8", NULL);
	expect_page("/assets/apply.js", "text/javascript; charset=utf-8", NULL);
	expect_page("/assets/confirm.js", "text/javascript; charset=utf-8", "sessionStorage");
	expect_page("/assets/me.js", "text/javascript; charset=utf-8", "replaceState");
	r = http("GET", "/assets/nope.js", NULL, NULL, NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* pages ignore what they do not use: a link shared with tracking parameters works */
	static const char *const shared[] = {
	    "/apply?x=1",           "/apply?utm_source=news&fbclid=AbC",
	    "/me?gclid=1",          "/privacy?utm_campaign=x&utm_medium=y",
	    "/apply/confirm?ref=1", "/privacy-notice?utm_source=z",
	    "/assets/site.css?v=2", NULL};
	for (const char *const *u = shared; *u; u++) {
		r = http("GET", *u, NULL, NULL, NULL, NULL);
		if (r->status != 200)
			fail_msg("%s answered %ld", *u, r->status);
		assert_null(r->json);
		resp_free(r);
	}
	/* the API stays strict */
	r = http("GET", "/v1/openings?utm_source=x", NULL, NULL, NULL, NULL);
	assert_problem(r, 400, "bad-request");
	resp_free(r);
}

/* A browser without JavaScript posts the form and gets pages back, not JSON. */
static void
test_form_post_without_javascript(void **state)
{
	(void)state;
	const char *browser[] = {"Accept: text/html,application/xhtml+xml,*/*;q=0.8", NULL};
	char *email = unique_email("nojs");
	struct resp *r = apply_with("No Script", email, opening, "true", "true", browser);
	assert_int_equal(r->status, 202);
	char *ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, "text/html; charset=utf-8");
	free(ct);
	assert_non_null(strstr(r->body, "Check your inbox"));
	assert_null(strstr(r->body, "No Script"));
	resp_free(r);
	char *code = mail_code(email, "/apply/confirm");
	assert_non_null(code);
	/* errors: the careers page again, each message beside its field, focus on the first */
	char *before = counts();
	r = apply_with(NULL, "not-an-address", opening, NULL, "true", browser);
	assert_int_equal(r->status, 422);
	ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, "text/html; charset=utf-8");
	free(ct);
	assert_non_null(strstr(r->body, "id=\"full_name\" name=\"full_name\" autocomplete=\"name\" "
	                                "required maxlength=\"200\" aria-invalid=\"true\" "
	                                "aria-describedby=\"full_name-error\" autofocus>"));
	assert_non_null(strstr(r->body, "id=\"email-error\">must be a valid e-mail address</p>"));
	assert_non_null(strstr(r->body, "id=\"privacy_notice_accepted-error\">must be true"));
	assert_null(strstr(r->body, "not-an-address")); /* nothing submitted is echoed */
	assert_null(strstr(r->body, "autofocus aria")); /* one autofocus only */
	char *csp = resp_header(r, "Content-Security-Policy");
	assert_non_null(csp);
	free(csp);
	resp_free(r);
	char *after = counts();
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(code);
	free(email);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openings),
	    cmocka_unit_test(test_apply_creates_everything),
	    cmocka_unit_test(test_refusals_leave_no_trace),
	    cmocka_unit_test(test_idempotent_retry),
	    cmocka_unit_test(test_apply_to_another_opening),
	    cmocka_unit_test(test_sec_gpc_recorded),
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_form_post_without_javascript),
	};
	return cmocka_run_group_tests_name("api apply", tests, setup, teardown);
}
