/*
 * API: what a hire leaves: the funnel unchanged by the transfer; a failure
 * forced after the archive is built (a trigger this test installs), or a
 * record not removed, leaves everything as it was, no tombstone; the
 * server's memory stays small. The hire itself: test_hire.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/digest.h"
#include "core/xalloc.h"
#include "harness.h"
#include "hire.h"

static void
test_funnel_unchanged_by_transfer(void **state)
{
	(void)state;
	char *o = new_opening();
	struct applied c[5];
	for (int i = 0; i < 5; i++)
		c[i] = candidate_at(o, "offer");
	char *fpath = xasprintf("/v1/analytics/funnel?opening_id=%s", o);
	struct resp *before = http_json("GET", fpath, staff.recruiter, NULL);
	char number[48];
	snprintf(number, sizeof(number), "E-%d-%d", (int)getpid(), ++seq);
	char *body =
	    xasprintf("{\"start_date\":\"2027-02-01\",\"employee_number\":\"%s\"}", number);
	struct resp *r = hire(c[0].application, staff.hr, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	struct resp *after = http_json("GET", fpath, staff.recruiter, NULL);
	/* applied and offer still count the hired applicant: 5 each, as before */
	json_t *sb = json_object_get(before->json, "stages"),
	       *sa = json_object_get(after->json, "stages");
	for (size_t i = 0; i < 6;
	     i++) { /* the open stages; hired gained one event, suppressed either way */
		if (!json_equal(json_object_get(json_array_get(sb, i), "reached"),
		                json_object_get(json_array_get(sa, i), "reached")))
			fail_msg("stage %zu changed: %s -> %s", i, before->body, after->body);
	}
	assert_int_equal(json_integer_value(json_object_get(json_array_get(sa, 0), "reached")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(sa, 5), "reached")), 5);
	resp_free(before);
	resp_free(after);
	free(body);
	free(fpath);
	for (int i = 0; i < 5; i++)
		applied_free(&c[i]);
	free(o);
}

static void
test_failure_after_the_archive_changes_nothing(void **state)
{
	(void)state;
	char *o = new_opening();
	struct applied c = candidate_at(o, "offer");
	PGresult *res = PQexec(
	    test_db(),
	    "CREATE OR REPLACE FUNCTION test_fail_hire() RETURNS trigger LANGUAGE plpgsql AS $$ "
	    "BEGIN IF NEW.employee_number = 'E-FAIL' AND NEW.archive_size > 0 THEN "
	    "RAISE EXCEPTION 'forced failure after the archive was built'; END IF; RETURN NEW; END "
	    "$$; "
	    "DROP TRIGGER IF EXISTS test_fail_hire ON employees; "
	    "CREATE TRIGGER test_fail_hire BEFORE INSERT ON employees FOR EACH ROW EXECUTE "
	    "FUNCTION test_fail_hire()");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	char *audit_before =
	    db_value("SELECT count(*) FROM audit_log WHERE applicant_id = $1", c.applicant);
	char *hist_before = db_value(
	    "SELECT count(*) FROM application_history WHERE application_id = $1", c.application);
	char *events_before =
	    db_value("SELECT count(*) FROM stage_events WHERE opening_id = $1", o);

	struct resp *r = hire(c.application, staff.hr,
	                      "{\"start_date\":\"2027-01-04\",\"employee_number\":\"E-FAIL\"}");
	assert_true(r->status >= 400);
	assert_true(r->status != 201);
	resp_free(r);
	res = PQexec(test_db(),
	             "DROP TRIGGER test_fail_hire ON employees; DROP FUNCTION test_fail_hire()");
	PQclear(res);

	/* everything as it was */
	expect_db_value("SELECT stage FROM applications WHERE id = $1", c.application, "offer");
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", c.applicant, "1");
	expect_db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", c.applicant, "1");
	expect_db_value("SELECT count(*) FROM applicant_tokens WHERE applicant_id = $1",
	                c.applicant, "1");
	expect_db_value("SELECT count(*) FROM employees WHERE applicant_id = $1", c.applicant, "0");
	expect_db_value("SELECT count(*) FROM applicant_tombstones WHERE applicant_id = $1",
	                c.applicant, "0");
	expect_db_value("SELECT count(*) FROM audit_log WHERE applicant_id = $1", c.applicant,
	                audit_before);
	expect_db_value("SELECT count(*) FROM application_history WHERE application_id = $1",
	                c.application, hist_before);
	expect_db_value("SELECT count(*) FROM stage_events WHERE opening_id = $1", o,
	                events_before);
	r = http_json("GET", "/v1/me", c.token, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* and the hire then goes through */
	char number[48];
	snprintf(number, sizeof(number), "E-%d-%d", (int)getpid(), ++seq);
	char *body =
	    xasprintf("{\"start_date\":\"2027-01-04\",\"employee_number\":\"%s\"}", number);
	r = hire(c.application, staff.hr, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	/* an Idempotency-Key makes a retried hire return the first response */
	struct applied k = candidate_at(o, "offer");
	char key[64], number2[48];
	snprintf(key, sizeof(key), "Idempotency-Key: hire-%d-%d", (int)getpid(), ++seq);
	snprintf(number2, sizeof(number2), "E-%d-%d", (int)getpid(), ++seq);
	char *kbody =
	    xasprintf("{\"start_date\":\"2027-03-01\",\"employee_number\":\"%s\"}", number2);
	char *kpath = xasprintf("/v1/applications/%s/hire", k.application);
	const char *kh[] = {key, NULL};
	struct resp *first = http("POST", kpath, staff.hr, "application/json", kbody, kh);
	struct resp *again = http("POST", kpath, staff.hr, "application/json", kbody, kh);
	assert_int_equal(first->status, 201);
	assert_int_equal(again->status, 201);
	assert_string_equal(first->body, again->body);
	expect_db_value("SELECT count(*) FROM employees WHERE applicant_id = $1", k.applicant, "1");
	resp_free(first);
	resp_free(again);
	free(kbody);
	free(kpath);
	applied_free(&k);
	/* the same employee number again is refused */
	struct applied d = candidate_at(o, "offer");
	r = hire(d.application, staff.hr, body);
	assert_problem(r, 409, "employee-number-taken");
	resp_free(r);
	free(body);
	free(audit_before);
	free(hist_before);
	free(events_before);
	applied_free(&c);
	applied_free(&d);
	free(o);
}

/*
 * A transfer whose record is not there to delete (a trigger this test
 * installs keeps the row) leaves no tombstone and no transfer entry: the
 * hire is refused (409) and nothing of it stays.
 */
static void
test_record_not_removed_no_tombstone(void **state)
{
	(void)state;
	char *o = new_opening();
	struct applied c = candidate_at(o, "offer");
	char *sql = xasprintf(
	    "CREATE OR REPLACE FUNCTION test_keep_applicant() RETURNS trigger LANGUAGE plpgsql AS "
	    "$$ BEGIN IF OLD.id = '%s' THEN RETURN NULL; END IF; RETURN OLD; END $$; "
	    "DROP TRIGGER IF EXISTS test_keep_applicant ON applicants; "
	    "CREATE TRIGGER test_keep_applicant BEFORE DELETE ON applicants FOR EACH ROW EXECUTE "
	    "FUNCTION test_keep_applicant()",
	    c.applicant);
	PGresult *res = PQexec(test_db(), sql);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	free(sql);
	char number[48];
	snprintf(number, sizeof(number), "E-%d-%d", (int)getpid(), ++seq);
	char *body =
	    xasprintf("{\"start_date\":\"2027-01-04\",\"employee_number\":\"%s\"}", number);

	struct resp *r = hire(c.application, staff.hr, body);
	res = PQexec(test_db(), "DROP TRIGGER test_keep_applicant ON applicants; "
	                        "DROP FUNCTION test_keep_applicant()");
	PQclear(res);
	assert_problem(r, 409, "conflict");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applicant_tombstones WHERE applicant_id = $1",
	                c.applicant, "0");
	expect_db_value("SELECT count(*) FROM audit_log WHERE applicant_id = $1 AND action = "
	                "'applicant.transfer'",
	                c.applicant, "0");
	expect_db_value("SELECT count(*) FROM employees WHERE applicant_id = $1", c.applicant, "0");
	expect_db_value("SELECT stage FROM applications WHERE id = $1", c.application, "offer");
	r = http_json("GET", "/v1/me", c.token, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* the row can go: the hire goes through, with its tombstone */
	r = hire(c.application, staff.hr, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	expect_db_value("SELECT disposition FROM applicant_tombstones WHERE applicant_id = $1",
	                c.applicant, "transferred");
	free(body);
	applied_free(&c);
	free(o);
}

/*
 * A record of four 8 MiB documents: the hire streams them, a slice at a
 * time, so the server's peak memory during the hire grows by less than twice
 * the largest document (it held all of them, and the archive, before).
 */
static void
test_hire_memory_stays_small(void **state)
{
	(void)state;
	enum { DOCS = 4 };
	size_t big = 8u << 20;
	char *o = new_opening();
	struct applied c = candidate_at(o, "offer");
	struct blob pdf = fixture_pdf(big);
	char *path = xasprintf("/v1/applicants/%s/documents", c.applicant);
	uint32_t x = 2463534242u;
	for (int i = 0; i < DOCS; i++) {
		fixture_noise(&pdf, &x); /* incompressible */
		struct part parts[] = {
		    {.name = "file", .data = pdf.data, .len = pdf.len, .filename = "big.pdf"},
		    {.name = NULL}};
		struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
		assert_int_equal(r->status, 201);
		resp_free(r);
	}
	api_reset_peak();
	long before = api_status_kb("VmRSS");
	char *body =
	    xasprintf("{\"start_date\":\"2027-02-01\",\"employee_number\":\"E-BIG-%d-%d\"}",
	              (int)getpid(), ++seq);
	struct resp *r = hire(c.application, staff.hr, body);
	free(body);
	assert_int_equal(r->status, 201);
	long peak = api_status_kb("VmHWM");
	json_int_t size =
	    json_integer_value(json_object_get(json_object_get(r->json, "archive"), "size"));
	assert_true(size > (json_int_t)(DOCS * big)); /* incompressible: all four are in it */
	resp_free(r);
#ifndef __SANITIZE_ADDRESS__ /* ASan keeps freed memory in quarantine: no peak to judge */
	fprintf(stderr, "hire of %d x %zu kB: peak grew %ld kB, archive %lld bytes\n", DOCS,
	        big / 1024, peak - before, (long long)size);
	if (peak - before >= (long)(2 * big / 1024))
		fail_msg("the hire grew the server by %ld kB (documents of %zu kB)", peak - before,
		         big / 1024);
#else
	(void)peak;
	(void)before;
#endif
	free(path);
	free(pdf.data);
	free(o);
	applied_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_funnel_unchanged_by_transfer),
	    cmocka_unit_test(test_failure_after_the_archive_changes_nothing),
	    cmocka_unit_test(test_record_not_removed_no_tombstone),
	    cmocka_unit_test(test_hire_memory_stays_small),
	};
	return cmocka_run_group_tests_name("api hire effects", tests, setup, teardown);
}
