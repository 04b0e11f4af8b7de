/*
 * HR's /staff/audit: the log filtered by record, actor and date, older pages,
 * the CSV download (text a spreadsheet would run written as text), each view
 * and download itself logged; a recruiter refused; bad filters dropped and
 * said, never a 500.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

static char *
member(const char *role, char **id_out)
{
	char *email = unique_email(role);
	char *id = add_member(email, role);
	char *cookie = sign_in(email);
	free(email);
	if (id_out)
		*id_out = id;
	else
		free(id);
	return cookie;
}

static void
test_audit_page_and_csv(void **state)
{
	(void)state;
	char *me, *hr = member("hr", &me), *actor = xasprintf("member:%s", me);
	char *record = db_value("SELECT gen_random_uuid()::text", NULL);
	/* entries about a record of the test's own, one of them with an actor a spreadsheet runs */
	db_exec_sql("INSERT INTO audit_log (actor, action, applicant_id, target) VALUES "
	            "('=HYPERLINK(\"http://x\")', 'applicant.read', $1::uuid, 'applicant'), "
	            "('test-key', 'applicant.update', $1::uuid, 'applicant:full_name')",
	            record);
	char *path = xasprintf("/staff/audit?applicant_id=%s", record);
	struct resp *r = get_page(path, hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "applicant.update"));
	assert_non_null(strstr(r->body, "applicant.read"));
	assert_null(strstr(r->body, "staff.create")); /* another record's entries are left out */
	resp_free(r);
	free(path);
	/* the view itself is logged, by the member */
	expect_db_value("SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'audit.read'",
	                actor, "1");

	/* the CSV: every entry of the filter, quoted, the formula made text, the download logged */
	path = xasprintf("/staff/audit.csv?applicant_id=%s", record);
	r = get_page(path, hr);
	assert_int_equal(r->status, 200);
	char *type = resp_header(r, "Content-Type");
	assert_non_null(strstr(type, "text/csv"));
	free(type);
	char *disposition = resp_header(r, "Content-Disposition");
	assert_non_null(strstr(disposition, "attachment"));
	free(disposition);
	assert_true(strncmp(r->body, "at,actor,action,applicant_id,target,request_id\r\n", 48) ==
	            0);
	assert_non_null(strstr(r->body, "\"'=HYPERLINK(\"\"http://x\"\")\""));
	assert_non_null(strstr(r->body, "\"applicant.update\""));
	resp_free(r);
	free(path);
	expect_db_value(
	    "SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'audit.export'", actor,
	    "1");

	/* by actor and date; a bad filter is dropped and said */
	r = get_page("/staff/audit?actor=test-key&since=2000-01-01", hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "applicant.update"));
	resp_free(r);
	r = get_page("/staff/audit?applicant_id=not-an-id&since=yesterday", hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "role=\"alert\""));
	resp_free(r);

	/* a recruiter: refused, and nothing logged as their read */
	char *rec = member("recruiter", NULL);
	r = get_page("/staff/audit", rec);
	assert_int_equal(r->status, 403);
	resp_free(r);
	r = get_page("/staff/audit.csv", rec);
	assert_int_equal(r->status, 403);
	resp_free(r);
	free(rec);
	free(record);
	free(actor);
	free(me);
	free(hr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_audit_page_and_csv),
	};
	return cmocka_run_group_tests_name("api console audit", tests, api_start, api_stop);
}
