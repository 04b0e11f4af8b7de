/*
 * API: privacy requests. Intake three ways, verification by the e-mailed
 * link (read out of the message a real SMTP server on loopback received),
 * a copy's data points and declaration, HR's completion by hand, deletion.
 * Deadlines, opt-out and the applicant's own requests:
 * test_privacy_deadlines.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "privacy_suite.h"

static void
test_public_intake_and_categories(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Pri Vacy", "privacy", pdf.data, pdf.len, NULL, NULL);
	char *unknown = unique_email("nobody");
	/* the same answer for an address on record and one that is not */
	struct resp *k = public_request("know_categories", a.email, "\"full_name\":\"Pri Vacy\"");
	struct resp *u = public_request("know_categories", unknown, NULL);
	assert_int_equal(k->status, 202);
	assert_int_equal(u->status, 202);
	assert_string_equal(k->body, u->body);
	assert_string_equal(sget(k->json, "status"), "verification-sent");
	resp_free(k);
	resp_free(u);
	/* the receipt carries the link; the code works once */
	char *code = mail_code(a.email, "/privacy");
	assert_non_null(code);
	struct resp *r = verify_with(code, NULL);
	assert_int_equal(r->status, 200);
	expect_shape(r->json);
	assert_string_equal(status_of(r), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	assert_string_equal(sget(json_object_get(r->json, "subject"), "applicant_id"), a.applicant);
	assert_string_equal(sget(json_object_get(r->json, "verification"), "level"), "link");
	json_t *cats = json_object_get(r->json, "categories");
	assert_true(json_array_size(cats) >= 4);
	for (size_t i = 0; i < json_array_size(cats); i++) {
		json_t *c = json_array_get(cats, i);
		assert_non_null(sget(c, "category"));
		assert_non_null(sget(c, "sources"));
		assert_non_null(sget(c, "purposes"));
		assert_non_null(sget(c, "recipients"));
		assert_non_null(sget(c, "retention"));
	}
	assert_non_null(strstr(r->body, "resumes and other documents"));
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	r = verify_with(code, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* the outcome e-mail lists the categories */
	char *text = mail_find(a.email, "Your privacy request is answered");
	assert_non_null(text);
	assert_non_null(strstr(text, "resumes and other documents"));
	free(text);
	/* the log keeps the masked address only, and no address once the request ended */
	char *masked = db_value("SELECT email_masked FROM privacy_requests WHERE id = $1", id);
	assert_int_equal(masked[1], '*');
	assert_null(strstr(masked, a.email));
	free(masked);
	expect_db_value("SELECT count(*) FROM privacy_request_contacts WHERE request_id = $1", id,
	                "0");
	expect_db_value(
	    "SELECT count(*) FROM privacy_requests r WHERE r::text LIKE '%' || $1 || '%'", a.email,
	    "0");
	expect_db_value("SELECT string_agg(event, ',' ORDER BY at) FROM privacy_request_events "
	                "WHERE request_id = $1",
	                id, "received,verification_sent,verified,completed");
	/* no record: told only to whoever proved control of the address */
	char *ucode = mail_code(unknown, "/privacy");
	r = verify_with(ucode, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "outcome"), "no_record");
	assert_true(
	    json_is_null(json_object_get(json_object_get(r->json, "subject"), "applicant_id")));
	resp_free(r);
	/* bad intake */
	r = http_json("POST", "/v1/privacy-requests", NULL,
	              "{\"type\":\"everything\",\"email\":\"x\",\"favourite\":1}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "type");
	assert_field_error(r, "email");
	assert_field_error(r, "favourite");
	resp_free(r);
	r = public_request("delete", unknown,
	                   "\"corrections\":[{\"field\":\"phone\",\"value\":\"1\"}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "corrections");
	resp_free(r);
	/* what is to change is never taken from whoever knows an address: only on the page the
	 * link opens (tests/api/test_privacy_attacks.c) */
	r = public_request("correct", unknown,
	                   "\"corrections\":[{\"field\":\"phone\",\"value\":\"+1 212 555 0199\"}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "corrections");
	resp_free(r);
	r = http_json("POST", "/v1/privacy-requests", staff.recruiter,
	              "{\"type\":\"delete\",\"channel\":\"phone\",\"email\":\"a@b.example\"}");
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = verify_with("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(ucode);
	free(id);
	free(code);
	free(unknown);
	applied_free(&a);
}

static void
test_copy_needs_data_points_and_a_declaration(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Know Specific", "specific", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = public_request("know_specific", a.email, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(a.email, "/privacy");
	/* no declaration: refused before any try counts */
	r = verify_with(code,
	                "\"full_name\":\"Know Specific\",\"phone\":\"+1 415 555 0100\","
	                "\"declaration\":{\"signed_name\":\"Know Specific\",\"accepted\":false}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "declaration");
	resp_free(r);
	/* wrong details: tries, then denied as unverifiable */
	const char *wrong = "\"full_name\":\"Someone Else\",\"phone\":\"+1 415 555 0100\","
	                    "\"declaration\":{\"signed_name\":\"Someone Else\",\"accepted\":true}";
	for (int i = 0; i < 2; i++) {
		r = verify_with(code, wrong);
		assert_int_equal(r->status, 200);
		assert_string_equal(status_of(r), "awaiting_verification");
		resp_free(r);
	}
	r = verify_with(code, wrong);
	assert_int_equal(r->status, 200);
	assert_string_equal(status_of(r), "denied");
	assert_string_equal(sget(r->json, "outcome"), "denied");
	resp_free(r);
	r = verify_with(code, wrong);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(code);
	/* staff have read the record and evaluated the application: the copy names neither */
	char *seen = xasprintf("/v1/applicants/%s", a.applicant);
	resp_free(http_json("GET", seen, staff.recruiter, NULL));
	char *evals = xasprintf("/v1/applications/%s/evaluations", a.application);
	r = http_json("POST", evals, staff.recruiter,
	              "{\"score\":4,\"summary\":\"Clear writer.\"}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(evals);
	free(seen);
	/* right details: verified, the declaration stored, and the copy built at once */
	r = public_request("know_specific", a.email, NULL);
	resp_free(r);
	code = mail_code(a.email, "/privacy");
	r = verify_with(code,
	                "\"full_name\":\"  know   SPECIFIC \",\"phone\":\"+1 (415) 555-0100\","
	                "\"declaration\":{\"signed_name\":\"Know Specific\",\"accepted\":true}");
	assert_int_equal(r->status, 200);
	assert_string_equal(status_of(r), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	const json_t *v = json_object_get(r->json, "verification");
	assert_string_equal(sget(v, "level"), "link_and_data_points");
	assert_int_equal(json_integer_value(json_object_get(v, "data_points_matched")), 2);
	assert_non_null(sget(v, "declaration_signed_at"));
	const json_t *export = json_object_get(r->json, "export");
	assert_true(json_is_object(export));
	char *export_id = xstrdup(sget(export, "id"));
	char *export_sha = xstrdup(sget(export, "sha256"));
	assert_non_null(sget(export, "expires_at"));
	resp_free(r);
	/* the link is in the e-mail, never in the log */
	char *link = mail_code(a.email, "/v1/exports/");
	assert_null(link); /* the link has no ?code=: read it by hand */
	char *text = mail_find(a.email, "/v1/exports/");
	assert_non_null(text);
	char *at = strstr(text, TEST_PUBLIC_URL "/v1/exports/") + strlen(TEST_PUBLIC_URL);
	char *path = xstrndup(at, strcspn(at, "\r\n"));
	free(text);
	expect_db_value(
	    "SELECT count(*) FROM privacy_requests r WHERE r::text LIKE '%' || $1 || '%'",
	    path + 12, "0");
	/* the package: a ZIP that common tools open, whose manifest's hashes match */
	r = http_json("GET", path, NULL, NULL);
	assert_int_equal(r->status, 200);
	char *ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, "application/zip");
	free(ct);
	char *zip = xasprintf("%s/export-%d.zip", getenv("RECRUITD_TEST_LOGDIR"), (int)getpid());
	FILE *f = fopen(zip, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
	fclose(f);
	resp_free(r);
	char *cmd = xasprintf(
	    "unzip -tq %s >/dev/null && bsdtar -tf %s | grep -q '^documents/01-' && "
	    "/usr/bin/python3 %s/tests/api/check_export.py %s %s %s %s",
	    zip, zip, getenv("RECRUITD_HOME"), zip, export_sha, a.email, staff.recruiter_name);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* three downloads through the link, then no more */
	for (int i = 0; i < 2; i++) {
		r = http_json("GET", path, NULL, NULL);
		assert_int_equal(r->status, 200);
		resp_free(r);
	}
	r = http_json("GET", path, NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'export.download' AND "
	                "applicant_id = $1",
	                a.applicant, "3");
	r = http_json("GET", "/v1/exports/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* signed in, recently: from the applicant's page; another applicant: 404 */
	char *mine = xasprintf("/v1/me/exports/%s", export_id);
	r = http_json("GET", mine, a.token, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	struct applied b =
	    apply_confirmed(opening, "Not Know", "notme", pdf.data, pdf.len, NULL, NULL);
	r = http_json("GET", mine, b.token, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	db_exec_sql("UPDATE applicant_tokens SET signed_in_at = now() - interval '1 hour' WHERE "
	            "applicant_id = $1",
	            a.applicant);
	r = http_json("GET", mine, a.token, NULL);
	assert_problem(r, 403, "reauthentication-required");
	resp_free(r);
	/* after 7 days the purge run deletes it */
	db_exec_sql("UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = $1",
	            export_id);
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_true(
	    json_integer_value(json_object_get(json_object_get(r->json, "swept"), "exports")) >= 1);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM export_chunks WHERE export_id = $1", export_id, "0");
	unlink(zip);
	free(zip);
	free(mine);
	free(path);
	free(export_id);
	free(export_sha);
	free(code);
	applied_free(&b);
	applied_free(&a);
}

/* A correction of something other than contact data waits for HR, who completes it by hand. */
static void
test_hr_completes_by_hand(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Del Ete", "delete", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = public_request("correct", a.email, "\"details\":\"My notes are wrong.\"");
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(a.email, "/privacy");
	/* the corrections come with the verification, once the link has proved the address */
	r = verify_with(code,
	                "\"corrections\":[{\"field\":\"interview notes\",\"value\":\"wrong\"}]");
	assert_int_equal(r->status, 200);
	assert_string_equal(status_of(r), "in_progress");
	assert_non_null(strstr(r->body, "interview notes")); /* HR sees what was asked */
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *path = xasprintf("/v1/privacy-requests/%s/completion", id);
	r = http_json("POST", path, staff.hr, "{\"outcome\":\"maybe\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "outcome");
	resp_free(r);
	r = http_json("POST", path, staff.recruiter, "{\"outcome\":\"fulfilled\"}");
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = http_json("POST", path, staff.hr,
	              "{\"outcome\":\"fulfilled\",\"detail\":\"Corrected by hand.\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(status_of(r), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	resp_free(r);
	r = http_json("POST", path, staff.hr, "{\"outcome\":\"fulfilled\"}");
	assert_problem(r, 409, "not-in-progress");
	resp_free(r);
	char *text = mail_find(a.email, "Corrected by hand.");
	assert_non_null(text);
	free(text);
	free(path);
	free(id);
	free(code);
	applied_free(&a);
}

/* Verify a public delete request for email: the answer. */
static struct resp *
delete_verified(const char *email)
{
	resp_free(public_request("delete", email, NULL));
	char *code = mail_code(email, "/privacy");
	assert_non_null(code);
	struct resp *r = verify_with(code, NULL);
	free(code);
	assert_int_equal(r->status, 200);
	return r;
}

static const json_t *
item_of(const struct resp *r, const char *action)
{
	const json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		if (strcmp(sget(json_array_get(items, i), "action"), action) == 0)
			return json_array_get(items, i);
	return NULL;
}

static void
test_delete(void **state)
{
	(void)state;
	/* an opening in Iceland: no floor; with no hold, everything goes, and the address is
	 * suppressed */
	struct resp *o = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Reykjavik Privacy\",\"country\":\"IS\"}");
	char *iceland = xstrdup(sget(o->json, "id"));
	resp_free(o);
	struct applied a =
	    apply_confirmed(iceland, "Era Sed", "erase", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = delete_verified(a.email);
	assert_string_equal(status_of(r), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	assert_string_equal(sget(item_of(r, "deleted"), "category"), "everything held about you");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", a.applicant, "0");
	char *path = xasprintf("/v1/applicants/%s", a.applicant);
	r = http_json("GET", path, staff.hr, NULL);
	assert_problem(r, 410, NULL);
	resp_free(r);
	char *body = xasprintf("{\"full_name\":\"Era Sed\",\"email\":\"%s\"}", a.email);
	r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_problem(r, 409, "suppressed");
	resp_free(r);
	char *text = mail_find(a.email, "Everything we held about you is deleted.");
	assert_non_null(text);
	free(text);
	/* the person's own new application lifts it */
	struct part parts[] = {
	    {.name = "full_name", .value = "Era Sed"},
	    {.name = "email", .value = a.email},
	    {.name = "opening_id", .value = iceland},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	resp_free(http_form("POST", "/v1/apply", NULL, parts, NULL));
	char *code = mail_code(a.email, "/apply/confirm");
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	char *again = xasprintf("/v1/applicants/%s", sget(r->json, "applicant_id"));
	resp_free(r);
	resp_free(http_json("DELETE", again, staff.hr, NULL)); /* HR's erasure suppresses nothing */
	r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(again);
	free(code);
	free(body);
	free(path);
	applied_free(&a);

	/* a Californian's application: four years' floor; what no floor needs goes, the rest is
	 * restricted */
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"Oakland Privacy\",\"country\":\"US\",\"region\":\"CA\"}");
	char *oakland = xstrdup(sget(r->json, "id"));
	resp_free(r);
	struct applied c =
	    apply_confirmed(oakland, "Cali Fornia", "floor", pdf.data, pdf.len, NULL, NULL);
	char *docs = xasprintf("/v1/applicants/%s/documents", c.applicant);
	struct part letter[] = {
	    {.name = "file", .data = "Dear team\n", .len = 10, .filename = "letter.txt"},
	    {.name = "kind", .value = "cover_letter"},
	    {.name = NULL}};
	r = http_form("POST", docs, staff.recruiter, letter, NULL);
	assert_int_equal(r->status, 201);
	resp_free(r);
	r = delete_verified(c.email);
	assert_string_equal(sget(r->json, "outcome"), "partially_fulfilled");
	const json_t *kept = item_of(r, "restricted");
	assert_non_null(kept);
	assert_non_null(strstr(sget(kept, "basis"), "Cal. Gov. Code"));
	assert_true(strncmp(sget(kept, "delete_at"), "2030", 4) >= 0);
	assert_non_null(item_of(r, "deleted"));
	char *asked = xstrdup(sget(r->json, "id")), *until = xstrdup(sget(kept, "delete_at"));
	resp_free(r);
	char *cpath = xasprintf("/v1/applicants/%s", c.applicant);
	r = http_json("GET", cpath, staff.recruiter, NULL);
	assert_problem(r, 404, "not-found"); /* recruiters no longer see it */
	resp_free(r);
	r = http_json("PATCH", cpath, staff.recruiter, "{\"job_title\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", cpath, staff.hr, NULL); /* HR does, audited */
	assert_int_equal(r->status, 200);
	/* DESIGN: restricted is {since, until, request_id}: until the floor's end, by the request
	 */
	json_t *restricted = json_object_get(r->json, "restricted");
	assert_true(json_is_object(restricted));
	assert_non_null(sget(restricted, "since"));
	assert_int_equal(strncmp(sget(restricted, "until"), until, 19), 0); /* the same second */
	assert_string_equal(sget(restricted, "request_id"), asked);
	free(asked);
	free(until);
	assert_true(json_is_false(json_object_get(r->json, "marketing_opt_in")));
	assert_non_null(strstr(r->body, "legal_floor:US/CA"));
	resp_free(r);
	expect_db_value("SELECT string_agg(kind, ',') FROM documents WHERE applicant_id = $1",
	                c.applicant, "resume");
	r = http_json("GET", docs, staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", docs, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	char *one = xasprintf("/v1/documents/%s",
	                      sget(json_array_get(json_object_get(r->json, "items"), 0), "id"));
	resp_free(r);
	r = http_json("GET", one, staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("DELETE", one, staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", one, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(one);
	expect_db_value("SELECT stage FROM applications WHERE applicant_id = $1", c.applicant,
	                "withdrawn");
	/* its application and evaluations too: recruiters 404, out of the list; HR sees them */
	char *app = xasprintf("/v1/applications/%s", c.application);
	char *hist = xasprintf("/v1/applications/%s/history", c.application);
	char *evs = xasprintf("/v1/applications/%s/evaluations", c.application);
	const char *hidden[] = {app, hist, evs};
	for (int i = 0; i < 3; i++) {
		r = http_json("GET", hidden[i], staff.recruiter, NULL);
		assert_problem(r, 404, "not-found");
		resp_free(r);
		r = http_json("GET", hidden[i], staff.hr, NULL);
		assert_int_equal(r->status, 200);
		resp_free(r);
	}
	char *listing = xasprintf("/v1/applications?opening_id=%s", oakland);
	r = http_json("GET", listing, staff.hr, NULL);
	assert_null(strstr(r->body, c.application));
	resp_free(r);
	free(listing);
	free(evs);
	free(hist);
	free(app);
	r = http_json("GET", "/v1/applicants?q=Cali%20Fornia", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, c.applicant)); /* out of lists and searches */
	resp_free(r);
	text = mail_find(c.email, "must be kept because of legal floor US/CA");
	assert_non_null(text);
	free(text);
	/* the purge leaves it until the floor has passed, whatever the policy says */
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":true}");
	json_t *ids = json_object_get(r->json, "applicant_ids");
	for (size_t i = 0; i < json_array_size(ids); i++)
		assert_string_not_equal(json_string_value(json_array_get(ids, i)), c.applicant);
	resp_free(r);
	db_exec_sql("UPDATE applications SET closed_at = now() - interval '1462 days' WHERE "
	            "applicant_id = $1",
	            c.applicant);
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", c.applicant, "0");

	/* a legal hold: restricted, with no date */
	struct applied h = apply_confirmed(iceland, "Hel D", "hold", pdf.data, pdf.len, NULL, NULL);
	char *hold = xasprintf("/v1/applicants/%s/legal-hold", h.applicant);
	resp_free(http_json("PUT", hold, staff.hr, "{\"reason\":\"litigation\"}"));
	r = delete_verified(h.email);
	assert_string_equal(sget(r->json, "outcome"), "partially_fulfilled");
	kept = item_of(r, "restricted");
	assert_string_equal(sget(kept, "basis"), "a legal hold");
	assert_null(sget(kept, "delete_at"));
	resp_free(r);
	resp_free(http_json("DELETE", hold, staff.hr, NULL));
	free(hold);
	free(cpath);
	free(docs);
	free(oakland);
	free(iceland);
	applied_free(&h);
	applied_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_public_intake_and_categories),
	    cmocka_unit_test(test_copy_needs_data_points_and_a_declaration),
	    cmocka_unit_test(test_hr_completes_by_hand),
	    cmocka_unit_test(test_delete),
	};
	return cmocka_run_group_tests_name("api privacy", tests, setup, teardown);
}
