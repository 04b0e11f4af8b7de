/*
 * API: privacy requests' deadlines in business days with holidays and the
 * extension, opt-out and the suppression list, requests from the
 * applicant's own page, and an export's memory. Intake, verification and
 * completion: test_privacy.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"
#include "privacy_suite.h"

static void
test_deadlines_and_extension(void **state)
{
	(void)state;
	char *id_new = new_staff_applicant("deadline", "Dead Line");
	/* Wednesday 24 December 2025: Christmas and New Year's Day are holidays (RECRUITD_HOLIDAYS)
	 */
	char *body = xasprintf("{\"type\":\"delete\",\"channel\":\"mail\",\"applicant_id\":\"%s\","
	                       "\"received_at\":\"2025-12-24T10:00:00Z\"}",
	                       id_new);
	struct resp *r = http_json("POST", "/v1/privacy-requests", staff.hr, body);
	assert_int_equal(r->status, 201);
	expect_shape(r->json);
	assert_string_equal(sget(r->json, "channel"), "mail");
	assert_string_equal(status_of(r), "awaiting_verification");
	assert_string_equal(sget(r->json, "received_at"), "2025-12-24T10:00:00.000000Z");
	/* the end of the 10th business day (in UTC, the suite's zone) */
	assert_string_equal(sget(r->json, "confirm_by"), "2026-01-09T23:59:59.000000Z");
	assert_string_equal(sget(r->json, "due_at"), "2026-02-07T10:00:00.000000Z");
	resp_free(r);
	/* received now (it is due in 45 days): the subject is sent the link */
	free(body);
	body =
	    xasprintf("{\"type\":\"delete\",\"channel\":\"mail\",\"applicant_id\":\"%s\"}", id_new);
	r = http_json("POST", "/v1/privacy-requests", staff.hr, body);
	assert_int_equal(r->status, 201);
	assert_int_equal(json_integer_value(json_object_get(r->json, "days_left")), 45);
	char *loc = resp_header(r, "Location");
	char *id = xstrdup(sget(r->json, "id"));
	char *want = xasprintf("/v1/privacy-requests/%s", id);
	assert_string_equal(loc, want);
	resp_free(r);
	/* the subject is sent the link */
	char *email = record_field(id_new, "email");
	char *code = mail_code(email, "/privacy");
	assert_non_null(code);
	/* one extension, with its reason e-mailed */
	char *ext = xasprintf("/v1/privacy-requests/%s/extension", id);
	r = http_json("POST", ext, staff.hr, "{}");
	assert_field_error(r, "reason");
	resp_free(r);
	r = http_json("POST", ext, staff.hr, "{\"reason\":\"The records are archived off site.\"}");
	assert_int_equal(r->status, 200);
	expect_db_value(
	    "SELECT (extract(epoch FROM extended_due_at - received_at) / 86400)::int FROM "
	    "privacy_requests WHERE id = $1",
	    id, "90");
	assert_string_equal(sget(r->json, "extension_reason"),
	                    "The records are archived off site.");
	resp_free(r);
	char *text = mail_find(email, "archived off site");
	assert_non_null(text);
	free(text);
	r = http_json("POST", ext, staff.hr, "{\"reason\":\"Again.\"}");
	assert_problem(r, 409, "already-extended");
	resp_free(r);
	r = http_json("POST", "/v1/privacy-requests/00000000-0000-4000-8000-000000000000/extension",
	              staff.hr, "{\"reason\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* past its due date: overdue, and no extension any more */
	char *old =
	    xasprintf("{\"type\":\"know_categories\",\"channel\":\"phone\",\"applicant_id\":"
	              "\"%s\",\"received_at\":\"2020-01-06T09:00:00Z\"}",
	              id_new);
	r = http_json("POST", "/v1/privacy-requests", staff.hr, old);
	assert_int_equal(r->status, 201);
	assert_true(json_is_true(json_object_get(r->json, "overdue")));
	assert_true(json_integer_value(json_object_get(r->json, "days_left")) < 0);
	char *late = xasprintf("/v1/privacy-requests/%s/extension", sget(r->json, "id"));
	resp_free(r);
	r = http_json("POST", late, staff.hr, "{\"reason\":\"Too late.\"}");
	assert_problem(r, 409, "not-extendable");
	resp_free(r);
	/* the future is refused, and so are an unknown channel and applicant */
	r = http_json("POST", "/v1/privacy-requests", staff.hr,
	              "{\"type\":\"delete\",\"channel\":\"pigeon\",\"email\":\"a@b.example\","
	              "\"received_at\":\"2999-01-01T00:00:00Z\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "channel");
	assert_field_error(r, "received_at");
	resp_free(r);
	r = http_json("POST", "/v1/privacy-requests", staff.hr,
	              "{\"type\":\"delete\",\"channel\":\"agent\",\"applicant_id\":"
	              "\"00000000-0000-4000-8000-000000000000\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "agent");
	resp_free(r);
	/* the queue: soonest due first, filtered, paged */
	r = http_json("GET", "/v1/privacy-requests?overdue=true&limit=200", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) >= 1);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_true(json_is_true(json_object_get(json_array_get(items, i), "overdue")));
	resp_free(r);
	r = http_json("GET", "/v1/privacy-requests?limit=1", staff.hr, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	const char *cursor = sget(r->json, "next_cursor");
	assert_non_null(cursor);
	char *next = xasprintf("/v1/privacy-requests?limit=1&cursor=%s", cursor);
	char *first_due =
	    xstrdup(sget(json_array_get(json_object_get(r->json, "items"), 0), "due_at"));
	resp_free(r);
	r = http_json("GET", next, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	const json_t *second = json_array_get(json_object_get(r->json, "items"), 0);
	const char *second_due = json_is_null(json_object_get(second, "extended_due_at"))
	                             ? sget(second, "due_at")
	                             : sget(second, "extended_due_at");
	assert_true(strcmp(first_due, second_due) <= 0);
	resp_free(r);
	static const char *const bad_queries[] = {
	    "/v1/privacy-requests?status=nope",         "/v1/privacy-requests?type=everything",
	    "/v1/privacy-requests?overdue=maybe",       "/v1/privacy-requests?due_before=tomorrow",
	    "/v1/privacy-requests?cursor=not-a-cursor", "/v1/privacy-requests?colour=red",
	    "/v1/privacy-requests/metrics?year=20x6"};
	for (size_t i = 0; i < sizeof(bad_queries) / sizeof(bad_queries[0]); i++) {
		r = http_json("GET", bad_queries[i], staff.hr, NULL);
		if (r->status != 400)
			fail_msg("%s: %ld", bad_queries[i], r->status);
		resp_free(r);
	}
	r = http_json("GET", "/v1/privacy-requests/00000000-0000-4000-8000-000000000000", staff.hr,
	              NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/privacy-requests/not-a-uuid", staff.hr, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/privacy-requests", staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = http_json("GET", want, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* metrics for the year */
	r = http_json("GET", "/v1/privacy-requests/metrics?year=2020", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_integer_value(json_object_get(
	                json_object_get(json_object_get(r->json, "types"), "know_categories"),
	                "received")) >= 1);
	resp_free(r);
	r = http_json("GET", "/v1/privacy-requests/metrics", staff.hr, NULL);
	assert_problem(r, 400, "bad-request");
	resp_free(r);
	free(first_due);
	free(next);
	free(late);
	free(old);
	free(ext);
	free(code);
	free(email);
	free(want);
	free(id);
	free(loc);
	free(body);
	free(id_new);
}

static void
test_opt_out_and_suppression(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Opt Out", "optout", pdf.data, pdf.len, NULL, NULL);
	char *path = xasprintf("/v1/applicants/%s", a.applicant);
	resp_free(http_json("PATCH", path, staff.recruiter, "{\"marketing_opt_in\":true}"));
	/* no verification: done at intake */
	struct resp *r = public_request("opt_out", a.email, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	r = http_json("GET", path, staff.hr, NULL);
	assert_true(json_is_false(json_object_get(r->json, "marketing_opt_in")));
	assert_true(json_is_true(json_object_get(r->json, "sharing_opt_out")));
	resp_free(r);
	char *text = mail_find(a.email, "We received your privacy request");
	assert_non_null(text);
	assert_null(strstr(text, "/privacy?code=")); /* no link needed */
	free(text);
	expect_db_value(
	    "SELECT status || '/' || outcome FROM privacy_requests WHERE applicant_id = $1 "
	    "AND type = 'opt_out'",
	    a.applicant, "completed/fulfilled");
	/* staff cannot set marketing back on */
	r = http_json("PATCH", path, staff.recruiter, "{\"marketing_opt_in\":true}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "marketing_opt_in");
	resp_free(r);
	/* an address with no record yet is suppressed too */
	char *fresh = unique_email("suppressed");
	resp_free(public_request("opt_out", fresh, NULL));
	char *body = xasprintf(
	    "{\"full_name\":\"New Person\",\"email\":\"%s\",\"marketing_opt_in\":true}", fresh);
	r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "marketing_opt_in");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM suppressions s WHERE s::text LIKE '%' || $1 || '%'",
	                fresh, "0");
	free(body);
	free(fresh);
	free(path);
	applied_free(&a);
}

static void
test_from_the_applicants_page(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Me Myself", "mine", pdf.data, pdf.len, NULL, NULL);
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"know_categories\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(status_of(r), "completed");
	assert_string_equal(sget(json_object_get(r->json, "verification"), "level"), "session");
	char *loc = resp_header(r, "Location");
	resp_free(r);
	r = http_json("GET", loc, a.token, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* correct: contact fields at once, the rest to HR */
	r = http_json(
	    "POST", "/v1/me/privacy-requests", a.token,
	    "{\"type\":\"correct\",\"corrections\":[{\"field\":\"phone\",\"value\":\"+1 212 555 "
	    "0111\"}]}");
	assert_int_equal(r->status, 201);
	assert_string_equal(status_of(r), "completed");
	resp_free(r);
	char *phone = record_field(a.applicant, "phone");
	assert_string_equal(phone, "+1 212 555 0111");
	free(phone);
	r = http_json(
	    "POST", "/v1/me/privacy-requests", a.token,
	    "{\"type\":\"correct\",\"corrections\":[{\"field\":\"evaluation\",\"value\":\"It "
	    "was unfair.\"}]}");
	assert_int_equal(r->status, 201);
	assert_string_equal(status_of(r), "in_progress");
	resp_free(r);
	/* a copy or a deletion needs a recent sign-in */
	r = http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"know_specific\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(status_of(r), "completed");
	assert_true(json_is_object(json_object_get(r->json, "export")));
	resp_free(r);
	db_exec_sql("UPDATE applicant_tokens SET signed_in_at = now() - interval '1 hour' WHERE "
	            "applicant_id = $1",
	            a.applicant);
	r = http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"delete\"}");
	assert_problem(r, 403, "reauthentication-required");
	resp_free(r);
	r = http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"all\",\"x\":1}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "type");
	assert_field_error(r, "x");
	resp_free(r);
	r = http_json("GET", "/v1/privacy-requests", a.token, NULL); /* a staff endpoint */
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* their own requests, and nobody else's */
	r = http_json("GET", "/v1/me/privacy-requests", a.token, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 4);
	resp_free(r);
	struct applied b =
	    apply_confirmed(opening, "Some Body", "other", pdf.data, pdf.len, NULL, NULL);
	r = http_json("GET", loc, b.token, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* Sec-GPC: 1 on a request is the person's opt-out of sharing */
	const char *gpc[] = {"Sec-GPC: 1", NULL};
	r = http("POST", "/v1/me/privacy-requests", a.token, "application/json",
	         "{\"type\":\"know_categories\"}", gpc);
	assert_int_equal(r->status, 201);
	resp_free(r);
	expect_db_value("SELECT sharing_opt_out::text FROM applicants WHERE id = $1", a.applicant,
	                "true");
	/* the log outlives the record */
	char *del = xasprintf("/v1/applicants/%s", a.applicant);
	resp_free(http_json("DELETE", del, staff.hr, NULL));
	expect_db_value("SELECT count(*) FROM privacy_requests WHERE applicant_id = $1",
	                a.applicant, "5");
	/* and is purged 24 months after the request ended */
	db_exec_sql("UPDATE privacy_requests SET completed_at = now() - interval '25 months' WHERE "
	            "applicant_id = $1 AND completed_at IS NOT NULL",
	            a.applicant);
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	assert_true(json_integer_value(json_object_get(json_object_get(r->json, "swept"),
	                                               "privacy_requests")) >= 3);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM privacy_requests WHERE applicant_id = $1 AND "
	                "completed_at IS NOT NULL",
	                a.applicant, "0");
	free(del);
	free(loc);
	applied_free(&b);
	applied_free(&a);
}

/*
 * Four documents of 8 MiB: the package streams, one document in memory at a
 * time, so the server's peak grows by less than twice the largest document.
 */
static void
test_export_memory_stays_small(void **state)
{
	(void)state;
	enum { DOCS = 4 };
	size_t big = 8u << 20;
	struct applied a =
	    apply_confirmed(opening, "Big Files", "bigexport", pdf.data, pdf.len, NULL, NULL);
	struct blob doc = fixture_pdf(big);
	char *path = xasprintf("/v1/applicants/%s/documents", a.applicant);
	uint32_t x = 2463534242u;
	for (int i = 0; i < DOCS; i++) {
		fixture_noise(&doc, &x); /* incompressible */
		struct part parts[] = {
		    {.name = "file", .data = doc.data, .len = doc.len, .filename = "big.pdf"},
		    {.name = NULL}};
		struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
		assert_int_equal(r->status, 201);
		resp_free(r);
	}
	api_reset_peak();
	long before = api_status_kb("VmRSS");
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"know_specific\"}");
	assert_int_equal(r->status, 201);
	long peak = api_status_kb("VmHWM");
	json_int_t size =
	    json_integer_value(json_object_get(json_object_get(r->json, "export"), "size"));
	assert_true(size > (json_int_t)(DOCS * big)); /* stored as they are: all four are in it */
	resp_free(r);
#ifndef __SANITIZE_ADDRESS__ /* ASan keeps freed memory in quarantine: no peak to judge */
	fprintf(stderr, "export of %d x %zu kB: peak grew %ld kB, package %lld bytes\n", DOCS,
	        big / 1024, peak - before, (long long)size);
	if (peak - before >= (long)(2 * big / 1024))
		fail_msg("the export's peak grew by %ld kB, not under twice the largest document",
		         peak - before);
#else
	(void)peak;
	(void)before;
#endif
	free(doc.data);
	free(path);
	applied_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadlines_and_extension),
	    cmocka_unit_test(test_opt_out_and_suppression),
	    cmocka_unit_test(test_from_the_applicants_page),
	    cmocka_unit_test(test_export_memory_stays_small),
	};
	return cmocka_run_group_tests_name("api privacy deadlines", tests, setup, teardown);
}
