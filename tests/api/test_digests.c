/*
 * The morning digests (DESIGN, "Scheduler and notifications"), on the
 * scheduler's test clock: HR gets the privacy requests due within 7 days,
 * overdue or waiting on HR, with masked addresses only and links to the
 * console, on business mornings only, and no e-mail when nothing is due; a
 * recruiter who opted in gets the new applications on the openings they
 * own, and one who did not gets nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

#define DIGEST_AT (8 * 3600) /* RECRUITD_DIGEST_AT's default, in UTC here */

/* The first Friday's digest after t, plus a minute. */
static time_t
next_friday_digest(time_t t)
{
	time_t day = t - t % 86400;
	for (;;) {
		long weekday = ((day / 86400) + 4) % 7; /* 1970-01-01 was a Thursday */
		if (weekday == 5 && day + DIGEST_AT > t)
			return day + DIGEST_AT + 60;
		day += 86400;
	}
}

static long
job_runs(const char *job)
{
	char *v = db_value("SELECT runs::text FROM scheduler_jobs WHERE name = $1", job);
	long n = v ? atol(v) : 0;
	free(v);
	return n;
}

static char *
job_detail(void)
{
	return db_value("SELECT last_detail FROM scheduler_jobs WHERE name = $1", "digests");
}

/* The jobs forgotten and seen at the real time: the digests wait for their next morning. */
static time_t
fresh_jobs(void)
{
	time_t now = time(NULL);
	db_exec_sql("DELETE FROM scheduler_jobs", NULL);
	api_clock_set(now);
	api_scheduler_tick(0);
	return now;
}

/* A privacy request HR records as received by e-mail `days_ago` days ago: its id. */
static char *
request_received(const char *email, int days_ago)
{
	char at[32];
	time_t t = time(NULL) - (time_t)days_ago * 86400;
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	char *body = xasprintf(
	    "{\"type\":\"delete\",\"channel\":\"email\",\"email\":\"%s\",\"received_at\":\"%s\"}",
	    email, at);
	struct resp *r = http_json("POST", "/v1/privacy-requests", staff.hr, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

static void
test_hr_digest_on_business_mornings(void **state)
{
	(void)state;
	char *hr = unique_email("digesthr"), *soon = unique_email("soon"),
	     *late = unique_email("late"), *wait = unique_email("wait"),
	     *calm = unique_email("calm");
	free(add_member(hr, "hr"));
	forbid_in_log(soon);
	forbid_in_log(late);
	forbid_in_log(wait);
	forbid_in_log(calm);
	time_t now = fresh_jobs();
	char *due_soon = request_received(soon, 40); /* due in 5 days */
	char *overdue = request_received(late, 50);  /* due 5 days ago */
	/* due in 44 days, but in progress (its next step is HR's): waiting on HR */
	char *waiting = request_received(wait, 1);
	db_exec_sql("UPDATE privacy_requests SET status = 'in_progress' WHERE id = $1", waiting);
	/* due in 44 days and waiting on its requester: not in the digest */
	char *not_yet = request_received(calm, 1);
	db_exec_sql("UPDATE privacy_requests SET status = 'awaiting_verification' WHERE id = $1",
	            not_yet);
	long runs = job_runs("digests");

	time_t friday = next_friday_digest(now);
	api_clock_set(friday);
	api_scheduler_tick(0);
	assert_int_equal(job_runs("digests"), runs + 1);
	char *mail = mail_find(hr, "/staff/privacy/");
	assert_non_null(mail);
	char *link = xasprintf(TEST_PUBLIC_URL "/staff/privacy/%s", due_soon);
	assert_non_null(strstr(mail, link));
	free(link);
	link = xasprintf(TEST_PUBLIC_URL "/staff/privacy/%s", overdue);
	assert_non_null(strstr(mail, link));
	free(link);
	assert_non_null(strstr(mail, "OVERDUE"));
	link = xasprintf(TEST_PUBLIC_URL "/staff/privacy/%s", waiting);
	assert_non_null(strstr(mail, link));
	free(link);
	link = xasprintf(TEST_PUBLIC_URL "/staff/privacy/%s", not_yet);
	assert_null(strstr(mail, link));
	free(link);
	/* masked addresses only */
	assert_null(strstr(mail, soon));
	assert_null(strstr(mail, late));
	char masked[8];
	snprintf(masked, sizeof(masked), "%.1s***@", soon);
	assert_non_null(strstr(mail, masked));
	free(mail);

	/* Saturday and Sunday: no digest */
	api_clock_set(friday + 86400);
	api_scheduler_tick(0);
	api_clock_set(friday + 2 * 86400);
	api_scheduler_tick(0);
	assert_int_equal(job_runs("digests"), runs + 1);
	/* Monday: the next */
	api_clock_set(friday + 3 * 86400);
	api_scheduler_tick(0);
	assert_int_equal(job_runs("digests"), runs + 2);
	mail = mail_find(hr, "/staff/privacy/");
	assert_non_null(mail);
	free(mail);

	/* nothing due: the digest runs and sends HR nothing */
	db_exec_sql("UPDATE privacy_requests SET status = 'denied', outcome = 'denied', "
	            "completed_at = now() WHERE status IN ('awaiting_verification', 'in_progress')",
	            NULL);
	char *queued = db_value("SELECT count(*) FROM mail_outbox WHERE kind = 'hr_digest'", NULL);
	api_clock_set(friday + 4 * 86400);
	api_scheduler_tick(0);
	assert_int_equal(job_runs("digests"), runs + 3);
	expect_db_value("SELECT count(*) FROM mail_outbox WHERE kind = 'hr_digest'", NULL, queued);
	free(queued);
	char *detail = job_detail();
	assert_non_null(detail);
	assert_non_null(strstr(detail, "queued 0 to hr"));
	free(detail);
	free(due_soon);
	free(overdue);
	free(waiting);
	free(not_yet);
	free(hr);
	free(soon);
	free(late);
	free(wait);
	free(calm);
}

/* POST as hr: the new resource's id. */
static char *
created(const char *path, const char *body)
{
	struct resp *r = http_json("POST", path, staff.hr, body);
	if (r->status != 201)
		fail_msg("POST %s: %ld %s", path, r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return id;
}

static char *
member_with_digest(const char *email, bool digest)
{
	char *body = xasprintf("{\"email\":\"%s\",\"name\":\"Digest Reader\",\"role\":"
	                       "\"recruiter\",\"digest\":%s}",
	                       email, digest ? "true" : "false");
	char *id = created("/v1/staff", body);
	free(body);
	return id;
}

static void
apply_to(const char *opening, const char *name)
{
	char *email = unique_email("dapp");
	char *body = xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\"}", name, email);
	forbid_in_log(name);
	forbid_in_log(email);
	char *who = created("/v1/applicants", body);
	free(body);
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	free(created(path, body));
	free(body);
	free(path);
	free(who);
	free(email);
}

static void
test_recruiter_digest_opt_in(void **state)
{
	(void)state;
	char *reader = unique_email("reader"), *quiet = unique_email("quiet");
	char *a = member_with_digest(reader, true), *b = member_with_digest(quiet, false);
	time_t now = fresh_jobs();
	char *body = xasprintf("{\"title\":\"Digest Engineer\",\"recruiter_id\":\"%s\"}", a);
	char *mine = created("/v1/openings", body);
	free(body);
	body = xasprintf("{\"title\":\"Quiet Engineer\",\"recruiter_id\":\"%s\"}", b);
	char *theirs = created("/v1/openings", body);
	free(body);
	/* the owner is shown, and lists filter by it */
	char *path = xasprintf("/v1/openings?recruiter_id=%s", a);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(sget(json_array_get(items, 0), "id"), mine);
	assert_string_equal(sget(json_array_get(items, 0), "recruiter_id"), a);
	resp_free(r);
	free(path);
	/* not a member's id: refused */
	r = http_json("POST", "/v1/openings", staff.hr,
	              "{\"title\":\"X\",\"recruiter_id\":\"nope\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "recruiter_id");
	resp_free(r);
	apply_to(mine, "Dana Digest");
	apply_to(mine, "Dirk Digest");
	apply_to(theirs, "Quinn Quiet");

	api_clock_set(next_friday_digest(now));
	api_scheduler_tick(0);
	char *mail = mail_find(reader, "/staff/openings/");
	assert_non_null(mail);
	char *link = xasprintf(TEST_PUBLIC_URL "/staff/openings/%s", mine);
	assert_non_null(strstr(mail, link));
	assert_non_null(strstr(mail, "2 new applications"));
	assert_null(strstr(mail, "Dana Digest")); /* no names */
	assert_null(strstr(mail, theirs));
	free(link);
	free(mail);
	char *detail = job_detail();
	/* one: not the one who did not opt in */
	assert_non_null(strstr(detail, " to hr, 1 to recruiters"));
	free(detail);
	/* the console's openings, "mine" */
	char *cookie = sign_in(reader);
	r = get_page("/staff/openings?mine=1", cookie);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, mine));
	assert_null(strstr(r->body, theirs));
	resp_free(r);
	r = get_page("/staff/openings", cookie);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, theirs));
	resp_free(r);
	free(cookie);
	/* opted out again, so a later run of this suite counts only its own */
	path = xasprintf("/v1/staff/%s", a);
	r = http_json("PATCH", path, staff.hr, "{\"digest\":false}");
	if (r->status != 200)
		fail_msg("PATCH: %ld %s", r->status, r->body);
	assert_true(json_is_false(json_object_get(r->json, "digest")));
	resp_free(r);
	free(path);
	free(mine);
	free(theirs);
	free(a);
	free(b);
	free(reader);
	free(quiet);
}

static int
setup(void **state)
{
	return api_start(state);
}

static int
teardown(void **state)
{
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hr_digest_on_business_mornings),
	    cmocka_unit_test(test_recruiter_digest_opt_in),
	};
	return cmocka_run_group_tests_name("api digests", tests, setup, teardown);
}
