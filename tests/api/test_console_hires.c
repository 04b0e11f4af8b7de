/*
 * HR's /staff/hires: the applications at offer, a hire from the page (the
 * same move into the employee archive as the API's), refused without the
 * session's token or with a bad date and changing nothing; the employee's
 * page verifies the archive's bytes against the hash kept at the hire, and
 * says so when they do not match; a recruiter is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

static char *
created(const char *path, const char *body)
{
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	if (r->status != 201)
		fail_msg("POST %s: %ld %s", path, r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return id;
}

static void
test_hire_from_the_page(void **state)
{
	(void)state;
	char *email = unique_email("hirer"), *applicant_email = unique_email("hiree");
	free(add_member(email, "hr"));
	char *hr = sign_in(email), *csrf = csrf_of(hr);
	char *opening = created("/v1/openings", "{\"title\":\"Console Hire\",\"country\":\"US\"}");
	char *body = xasprintf("{\"full_name\":\"Hugo Hired\",\"email\":\"%s\"}", applicant_email);
	forbid_in_log("Hugo Hired");
	char *who = created("/v1/applicants", body);
	free(body);
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	char *app = created(path, body);
	free(body);
	free(path);
	path = xasprintf("/v1/applications/%s/transitions", app);
	struct resp *r = http_json("POST", path, staff.recruiter, "{\"to\":\"offer\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(path);

	r = get_page("/staff/hires", hr);
	assert_int_equal(r->status, 200);
	char *action = xasprintf("action=\"/staff/hires/%s\"", app);
	assert_non_null(strstr(r->body, action));
	resp_free(r);
	free(action);

	char *post = xasprintf("/staff/hires/%s", app), number[48];
	snprintf(number, sizeof(number), "E-%d-%ld", (int)getpid(), (long)time(NULL));
	body = xasprintf("start_date=2027-01-04&employee_number=%s", number);
	r = post_form(post, body, hr, TEST_PUBLIC_URL); /* no token */
	assert_int_equal(r->status, 403);
	resp_free(r);
	free(body);
	body = xasprintf("csrf=%s&start_date=soon&employee_number=%s", csrf, number);
	r = post_form(post, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);
	expect_db_value("SELECT stage FROM applications WHERE id = $1", app, "offer");

	body = xasprintf("csrf=%s&start_date=2027-01-04&employee_number=%s", csrf, number);
	r = post_form(post, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	char *loc = resp_header(r, "Location");
	assert_non_null(loc);
	assert_true(strncmp(loc, "/staff/employees/", 17) == 0);
	resp_free(r);
	free(body);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", who, "0");
	expect_db_value("SELECT disposition FROM applicant_tombstones WHERE applicant_id = $1", who,
	                "transferred");

	/* the archive verified; and not, once the kept hash no longer matches its bytes */
	r = get_page(loc, hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Archive verified"));
	assert_null(strstr(r->body, "Hugo Hired"));
	resp_free(r);
	db_exec_sql("UPDATE employees SET archive_sha256 = repeat('0', 64) WHERE id = $1::uuid",
	            loc + 17);
	r = get_page(loc, hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "does not verify"));
	resp_free(r);

	/* a recruiter: refused */
	char *rec_email = unique_email("rechire");
	free(add_member(rec_email, "recruiter"));
	char *rec = sign_in(rec_email);
	r = get_page("/staff/hires", rec);
	assert_int_equal(r->status, 403);
	resp_free(r);
	r = get_page(loc, rec);
	assert_int_equal(r->status, 403);
	resp_free(r);
	free(rec);
	free(rec_email);
	free(loc);
	free(post);
	free(app);
	free(who);
	free(opening);
	free(csrf);
	free(hr);
	free(email);
	free(applicant_email);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hire_from_the_page),
	};
	return cmocka_run_group_tests_name("api console hires", tests, api_start, api_stop);
}
