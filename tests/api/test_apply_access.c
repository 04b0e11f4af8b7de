/*
 * API: the applicant's own access with their token: an application
 * confirmed by its e-mailed code, the public endpoints that say nothing of
 * whether an address is on record, signing in, /v1/me, and nothing of anyone
 * else. The form and its submission: test_apply.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "apply.h"
#include "core/xalloc.h"
#include "harness.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_confirmations),
	    cmocka_unit_test(test_enumeration),
	    cmocka_unit_test(test_sign_in),
	    cmocka_unit_test(test_me),
	    cmocka_unit_test(test_nothing_of_anyone_else),
	};
	return cmocka_run_group_tests_name("api apply access", tests, setup, teardown);
}
