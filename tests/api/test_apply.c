/* API: openings, the public application, and the applicant's own access with their token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

static char *opening, *closed_opening, *other_opening;
static struct blob pdf;

static char *
make_opening(const char *title, const char *status)
{
	char *body = xasprintf(
	    "{\"title\":\"%s\",\"department\":\"Engineering\",\"country\":\"US\",\"region\":\"CA\","
	    "\"location\":\"San Francisco\",\"description\":\"Build things.\",\"status\":\"%s\"}",
	    title, status);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* Apply with these fields (NULL value: the part is left out). */
static struct resp *
apply_with(const char *name, const char *email, const char *opening_id, const char *notice,
           const char *age, const char *const *headers)
{
	struct part parts[9];
	int n = 0;
	if (name)
		parts[n++] = (struct part){.name = "full_name", .value = name};
	if (email)
		parts[n++] = (struct part){.name = "email", .value = email};
	if (opening_id)
		parts[n++] = (struct part){.name = "opening_id", .value = opening_id};
	if (notice)
		parts[n++] = (struct part){.name = "privacy_notice_accepted", .value = notice};
	if (age)
		parts[n++] = (struct part){.name = "age_16_or_over", .value = age};
	parts[n++] = (struct part){.name = "phone", .value = "+1 415 555 0100"};
	parts[n++] = (struct part){
	    .name = "resume", .data = pdf.data, .len = pdf.len, .filename = "resume.pdf"};
	parts[n] = (struct part){.name = NULL};
	if (name)
		forbid_in_log(name);
	return http_form("POST", "/v1/apply", NULL, parts, headers);
}

static struct applied
apply_ok(const char *opening_id)
{
	return apply_confirmed(opening_id, "Ada Applicant", "apply", pdf.data, pdf.len, NULL, NULL);
}

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

/* Submit the form for email to opening: the 202 answer (status and body). */
static struct resp *
submit(const char *name, const char *email, const char *opening_id, const char *const *headers)
{
	struct resp *r = apply_with(name, email, opening_id, "true", "true", headers);
	if (r->status != 202)
		fail_msg("apply: %ld %s", r->status, r->body);
	assert_string_equal(sget(r->json, "status"), "confirmation-sent");
	return r;
}

static void
test_confirmations(void **state)
{
	(void)state;
	/* a link's code works once */
	char *email = unique_email("confirm");
	resp_free(submit("Con Firm", email, opening, NULL));
	char *code = mail_code(email, "/apply/confirm");
	assert_non_null(code);
	expect_db_value("SELECT count(*) FROM pending_submissions WHERE email_hash = $1::bytea",
	                email_hash_of(email), "1");
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                email_hash_of(email), "0");
	struct resp *r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	char *loc = resp_header(r, "Location");
	assert_string_equal(loc, "/v1/me");
	free(loc);
	assert_true(is_rfc3339_utc(sget(r->json, "token_expires_at")));
	char *applicant = xstrdup(sget(r->json, "applicant_id"));
	resp_free(r);
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* unknown, malformed, missing, expired */
	r = post_code("/v1/apply/confirmations", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	              NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = post_code("/v1/apply/confirmations", "short", NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("POST", "/v1/apply/confirmations", NULL, "{\"code\":1,\"x\":true}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "code");
	assert_field_error(r, "x");
	resp_free(r);
	r = http_json("POST", "/v1/apply/confirmations", NULL, "{");
	assert_problem(r, 400, "bad-request");
	resp_free(r);
	char *late = unique_email("late");
	resp_free(submit("Late Confirm", late, opening, NULL));
	char *late_code = mail_code(late, "/apply/confirm");
	db_exec_sql("UPDATE pending_submissions SET expires_at = now() - interval '1 second' "
	            "WHERE email_hash = $1::bytea",
	            email_hash_of(late));
	r = post_code("/v1/apply/confirmations", late_code, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* purge deletes it, resume and all */
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	assert_true(json_integer_value(json_object_get(json_object_get(r->json, "swept"),
	                                               "pending_submissions")) >= 1);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM pending_submissions WHERE email_hash = $1::bytea",
	                email_hash_of(late), "0");

	/* the address on record: the same 202; confirming adds the application and the resume
	 * to that record, and nothing else of it changes */
	resp_free(submit("Someone Else Entirely", email, other_opening, NULL));
	code = (free(code), mail_code(email, "/apply/confirm"));
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(r->json, "applicant_id"), applicant);
	resp_free(r);
	char *name = record_field(applicant, "full_name");
	assert_string_equal(name, "Con Firm");
	free(name);
	expect_db_value("SELECT (SELECT count(*) FROM documents d WHERE "
	                "d.applicant_id = a.id) || '/' || (SELECT count(*) FROM applications p "
	                "WHERE p.applicant_id = a.id) FROM applicants a WHERE id = $1",
	                applicant, "2/2");
	/* the same opening again: 202 to the submission, 409 on confirming, nothing added */
	resp_free(submit("Con Firm", email, opening, NULL));
	code = (free(code), mail_code(email, "/apply/confirm"));
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_problem(r, 409, "already-applied");
	char *first =
	    db_value("SELECT p.id FROM applications p JOIN openings o ON o.id = "
	             "p.opening_id WHERE p.applicant_id = $1 AND o.title = 'Backend Engineer'",
	             applicant);
	assert_string_equal(sget(r->json, "application_id"), first);
	free(first);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applications WHERE applicant_id = $1", applicant,
	                "2");

	/* a record staff entered: its owner applies and confirms into it */
	char *staff_made = new_staff_applicant("sourced", "Sourced Person");
	char *sourced_email = record_field(staff_made, "email");
	resp_free(submit("Sourced Person", sourced_email, opening, NULL));
	code = (free(code), mail_code(sourced_email, "/apply/confirm"));
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(r->json, "applicant_id"), staff_made);
	resp_free(r);
	free(sourced_email);
	free(staff_made);
	free(late_code);
	free(late);
	free(code);
	free(applicant);
	free(email);
}

/* The public endpoints that take an address say nothing of whether it is on record. */
static void
test_enumeration(void **state)
{
	(void)state;
	struct applied known = apply_ok(opening);
	char *unknown = unique_email("nobody");
	/* apply: to an opening the known address applied to, and to another */
	struct resp *a = submit("Ada Applicant", known.email, opening, NULL);
	struct resp *b = submit("Ada Applicant", unknown, opening, NULL);
	assert_int_equal(a->status, b->status);
	assert_string_equal(a->body, b->body);
	resp_free(a);
	resp_free(b);
	/* sign-in */
	char *kb = xasprintf("{\"email\":\"%s\"}", known.email),
	     *ub = xasprintf("{\"email\":\"%s\"}", unknown);
	/* request ids of this run's own */
	char *known_id = xasprintf("enum-known-%s", known.applicant),
	     *unknown_id = xasprintf("enum-unknown-%s", known.applicant);
	char *known_h = xasprintf("X-Request-Id: %s", known_id),
	     *unknown_h = xasprintf("X-Request-Id: %s", unknown_id);
	const char *rid_known[] = {known_h, NULL};
	const char *rid_unknown[] = {unknown_h, NULL};
	a = http("POST", "/v1/me/sign-in", NULL, "application/json", kb, rid_known);
	b = http("POST", "/v1/me/sign-in", NULL, "application/json", ub, rid_unknown);
	assert_int_equal(a->status, 202);
	assert_int_equal(b->status, 202);
	assert_string_equal(a->body, b->body);
	assert_string_equal(sget(a->json, "status"), "link-sent");
	resp_free(a);
	resp_free(b);
	/* only the known one got a link */
	char *n = db_value("SELECT count(*) FROM mail_outbox WHERE request_id = $1", known_id);
	assert_string_equal(n, "1");
	free(n);
	n = db_value("SELECT count(*) FROM mail_outbox WHERE request_id = $1", unknown_id);
	assert_string_equal(n, "0");
	free(n);
	/* PATCH /v1/me to an address on record answers as to an invalid one */
	struct applied other = apply_ok(other_opening);
	char *taken = xasprintf("{\"email\":\"%s\"}", other.email);
	a = http_json("PATCH", "/v1/me", known.token, taken);
	b = http_json("PATCH", "/v1/me", known.token, "{\"email\":\"not-an-address\"}");
	assert_problem(a, 422, "validation-error");
	assert_field_error(a, "email");
	assert_int_equal(a->status, b->status);
	assert_string_equal(a->body, b->body);
	assert_null(strstr(a->body, other.applicant));
	resp_free(a);
	resp_free(b);
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                email_hash_of(other.email), "1");
	free(taken);
	free(known_id);
	free(unknown_id);
	free(known_h);
	free(unknown_h);
	free(kb);
	free(ub);
	free(unknown);
	applied_free(&other);
	applied_free(&known);
}

static void
test_sign_in(void **state)
{
	(void)state;
	/* a record staff entered: its owner signs in with an e-mailed link */
	char *id = new_staff_applicant("signin", "Sig Nin");
	char *email = record_field(id, "email");
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	const char *host[] = {"Host: evil.example", NULL};
	struct resp *r = http("POST", "/v1/me/sign-in", NULL, "application/json", body, host);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(email, "/me"); /* the link is built from PUBLIC_URL, not Host */
	assert_non_null(code);
	r = post_code("/v1/me/sessions", code, NULL);
	assert_int_equal(r->status, 201);
	char *token = xstrdup(sget(r->json, "applicant_token"));
	assert_true(is_rfc3339_utc(sget(r->json, "expires_at")));
	assert_true(is_rfc3339_utc(sget(r->json, "signed_in_at")));
	char *loc = resp_header(r, "Location");
	assert_string_equal(loc, "/v1/me");
	free(loc);
	resp_free(r);
	r = post_code("/v1/me/sessions", code, NULL); /* once only */
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/me", token, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "id"), id);
	assert_non_null(json_object_get(r->json, "retention"));
	assert_non_null(sget(json_object_get(r->json, "session"), "signed_in_at"));
	resp_free(r);
	expect_db_value("SELECT count(*) FROM audit_log WHERE applicant_id = $1 AND action = "
	                "'applicant.sign_in'",
	                id, "1");
	/* the person opts out of sharing; staff could not */
	r = http_json("PATCH", "/v1/me", token, "{\"sharing_opt_out\":true}");
	assert_int_equal(r->status, 200);
	assert_true(json_is_true(json_object_get(r->json, "sharing_opt_out")));
	resp_free(r);
	r = http_json("PATCH", "/v1/me", token, "{\"sharing_opt_out\":\"yes\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "sharing_opt_out");
	resp_free(r);
	/* sign out: that token is gone */
	r = http_json("DELETE", "/v1/me/session", token, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	r = http_json("GET", "/v1/me", token, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	/* an expired code, an expired token */
	resp_free(http("POST", "/v1/me/sign-in", NULL, "application/json", body, NULL));
	char *code2 = mail_code(email, "/me");
	db_exec_sql("UPDATE sign_in_codes SET expires_at = now() - interval '1 second' WHERE "
	            "applicant_id = $1",
	            id);
	r = post_code("/v1/me/sessions", code2, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	resp_free(http("POST", "/v1/me/sign-in", NULL, "application/json", body, NULL));
	char *code3 = mail_code(email, "/me");
	r = post_code("/v1/me/sessions", code3, NULL);
	char *token3 = xstrdup(sget(r->json, "applicant_token"));
	resp_free(r);
	db_exec_sql("UPDATE applicant_tokens SET expires_at = now() - interval '1 second' WHERE "
	            "applicant_id = $1",
	            id);
	r = http_json("GET", "/v1/me", token3, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	/* bad bodies */
	r = http_json("POST", "/v1/me/sign-in", NULL, "{\"email\":\"nope\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "email");
	resp_free(r);
	r = http_json("POST", "/v1/me/sign-in", NULL, "{\"mail\":\"a@b.example\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "mail");
	resp_free(r);
	r = http_json("POST", "/v1/me/sessions", NULL, "{}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "code");
	resp_free(r);
	r = http_json("DELETE", "/v1/me/session", NULL, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	free(token3);
	free(code3);
	free(code2);
	free(token);
	free(code);
	free(body);
	free(email);
	free(id);
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

static void
test_me(void **state)
{
	(void)state;
	struct applied a = apply_ok(opening);
	/* HR keeps a hold and a source note the applicant does not see */
	char *hold = xasprintf("/v1/applicants/%s/legal-hold", a.applicant);
	resp_free(http_json("PUT", hold, staff.hr, "{\"reason\":\"internal matter\"}"));
	struct resp *r = http_json("GET", "/v1/me", a.token, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "id"), a.applicant);
	assert_string_equal(sget(r->json, "email"), a.email);
	assert_null(json_object_get(r->json, "legal_hold"));
	assert_null(strstr(r->body, "internal matter"));
	assert_null(json_object_get(json_object_get(r->json, "source"), "detail"));
	json_t *apps = json_object_get(r->json, "applications");
	assert_int_equal(json_array_size(apps), 1);
	assert_string_equal(sget(json_array_get(apps, 0), "id"), a.application);
	assert_string_equal(sget(json_array_get(apps, 0), "opening_title"), "Backend Engineer");
	assert_string_equal(sget(json_array_get(apps, 0), "stage"), "applied");
	json_t *docs = json_object_get(r->json, "documents");
	assert_int_equal(json_array_size(docs), 1);
	assert_string_equal(sget(json_array_get(docs, 0), "filename"), "resume.pdf");
	assert_null(json_object_get(json_array_get(docs, 0), "content"));
	char *doc_id = xstrdup(sget(json_array_get(docs, 0), "id"));
	resp_free(r);

	/* correct contact data */
	r = http_json("PATCH", "/v1/me", a.token,
	              "{\"phone\":\"+1 415 555 "
	              "0199\",\"address\":{\"city\":\"Oakland\",\"country\":\"US\"}}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "phone"), "+1 415 555 0199");
	assert_null(json_object_get(r->json, "legal_hold"));
	resp_free(r);
	r = http_json("PATCH", "/v1/me", a.token,
	              "{\"source\":{\"type\":\"agency\"},\"legal_hold\":null}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "source");
	assert_field_error(r, "legal_hold");
	resp_free(r);

	/* a newer resume, and downloads of their own documents */
	struct part parts[] = {{.name = "file",
	                        .data = "Ada Applicant\nUpdated CV\n",
	                        .len = 25,
	                        .filename = "cv-2.txt"},
	                       {.name = NULL}};
	r = http_form("POST", "/v1/me/documents", a.token, parts, NULL);
	assert_int_equal(r->status, 201);
	char *newdoc = xasprintf("/v1/me/documents/%s", sget(r->json, "id"));
	/* the Location is one the applicant can follow */
	char *where = resp_header(r, "Location");
	assert_non_null(where);
	assert_string_equal(where, newdoc);
	free(where);
	resp_free(r);
	r = http_json("GET", newdoc, a.token, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, 25);
	resp_free(r);
	char *first = xasprintf("/v1/me/documents/%s", doc_id);
	r = http_json("GET", first, a.token, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, pdf.len);
	assert_memory_equal(r->body, pdf.data, pdf.len);
	resp_free(r);
	char *v = db_value("SELECT string_agg(DISTINCT action, ',' ORDER BY action) FROM audit_log "
	                   "WHERE applicant_id = $1 AND actor = 'applicant'",
	                   a.applicant);
	assert_string_equal(v, "applicant.create,applicant.read,applicant.sign_in,applicant.update,"
	                       "application.create,document.read,document.upload");
	free(v);

	/* withdraw */
	char *wd = xasprintf("/v1/me/applications/%s/withdraw", a.application);
	r = http_json("POST", wd, a.token, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "stage"), "withdrawn");
	resp_free(r);
	r = http_json("POST", wd, a.token, NULL);
	assert_problem(r, 409, "invalid-transition");
	assert_string_equal(sget(r->json, "from"), "withdrawn");
	assert_string_equal(sget(r->json, "to"), "withdrawn");
	resp_free(r);
	v = db_value("SELECT from_stage || '>' || to_stage || '/' || actor FROM "
	             "application_history WHERE application_id = $1 AND to_stage = 'withdrawn'",
	             a.application);
	assert_string_equal(v, "applied>withdrawn/applicant");
	free(v);

	/* the staff token is not an applicant token */
	r = http_json("GET", "/v1/me", staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = http_json("GET", "/v1/me", NULL, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	resp_free(http_json("DELETE", hold, staff.hr, NULL));
	free(wd);
	free(first);
	free(newdoc);
	free(doc_id);
	free(hold);
	applied_free(&a);
}

static void
test_nothing_of_anyone_else(void **state)
{
	(void)state;
	struct applied a = apply_ok(opening), b = apply_ok(opening);
	struct resp *r = http_json("GET", "/v1/me", b.token, NULL);
	char *b_doc = xstrdup(sget(json_array_get(json_object_get(r->json, "documents"), 0), "id"));
	resp_free(r);

	/* every way into b's data with a's token: 404 */
	char *paths[] = {
	    xasprintf("/v1/me/documents/%s", b_doc),
	    xasprintf("/v1/applicants/%s", b.applicant),
	    xasprintf("/v1/applicants/%s",
	              a.applicant), /* even their own, through a staff endpoint */
	    xasprintf("/v1/applicants"),
	    xasprintf("/v1/documents/%s", b_doc),
	    xasprintf("/v1/applicants/%s/documents", b.applicant),
	    xasprintf("/v1/audit"),
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = http_json("GET", paths[i], a.token, NULL);
		if (r->status != 404)
			fail_msg("GET %s with another applicant's token: %ld", paths[i], r->status);
		assert_problem(r, 404, "not-found");
		resp_free(r);
		free(paths[i]);
	}
	char *wd = xasprintf("/v1/me/applications/%s/withdraw", b.application);
	r = http_json("POST", wd, a.token, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	char *stage = db_value("SELECT stage FROM applications WHERE id = $1", b.application);
	assert_string_equal(stage, "applied");
	free(stage);
	r = http_json("PATCH", "/v1/applicants/x", a.token, "{\"full_name\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("DELETE", "/v1/documents/00000000-0000-4000-8000-000000000000", a.token,
	              NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* changing one's e-mail to someone else's says no without saying whose, or that it is */
	char *body = xasprintf("{\"email\":\"%s\"}", b.email);
	r = http_json("PATCH", "/v1/me", a.token, body);
	assert_problem(r, 422, "validation-error");
	assert_null(json_object_get(r->json, "existing_id"));
	resp_free(r);
	free(body);
	/* once the record is erased, the token opens nothing */
	char *del = xasprintf("/v1/applicants/%s", a.applicant);
	resp_free(http_json("DELETE", del, staff.hr, NULL));
	r = http_json("GET", "/v1/me", a.token, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	free(del);
	free(wd);
	free(b_doc);
	applied_free(&a);
	applied_free(&b);
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

static int
setup(void **state)
{
	api_start(state);
	pdf = fixture_pdf(3000);
	opening = make_opening("Backend Engineer", "open");
	other_opening = make_opening("Frontend Engineer", "open");
	closed_opening = make_opening("Filled Position", "closed");
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(other_opening);
	free(closed_opening);
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openings),
	    cmocka_unit_test(test_apply_creates_everything),
	    cmocka_unit_test(test_refusals_leave_no_trace),
	    cmocka_unit_test(test_confirmations),
	    cmocka_unit_test(test_enumeration),
	    cmocka_unit_test(test_sign_in),
	    cmocka_unit_test(test_idempotent_retry),
	    cmocka_unit_test(test_me),
	    cmocka_unit_test(test_nothing_of_anyone_else),
	    cmocka_unit_test(test_apply_to_another_opening),
	    cmocka_unit_test(test_sec_gpc_recorded),
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_form_post_without_javascript),
	};
	return cmocka_run_group_tests_name("api apply", tests, setup, teardown);
}
