/*
 * API: privacy requests' deadlines in the company's zone
 * (RECRUITD_TIMEZONE=America/Los_Angeles here), whatever the database
 * session's TimeZone (PGTZ=Asia/Tokyo for the server's connections):
 * confirm_by the end of the 10th business day there, due_at and
 * extended_due_at received plus 45 and 90 days there, across summer time;
 * instants shown in UTC; the receipt's date is the local one. The
 * scheduler's daily purge and business mornings' digest at their local
 * times there, across summer time. An unknown zone keeps recruitd from
 * starting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/xalloc.h"
#include "harness.h"

/* HR records a delete request received at `received` (RFC 3339) for a new applicant. */
static struct resp *
received_at(const char *received, char **applicant)
{
	*applicant = new_staff_applicant("zone", "Zoe Zoned");
	char *body = xasprintf("{\"type\":\"delete\",\"channel\":\"phone\",\"applicant_id\":\"%s\","
	                       "\"received_at\":\"%s\"}",
	                       *applicant, received);
	struct resp *r = http_json("POST", "/v1/privacy-requests", staff.hr, body);
	free(body);
	assert_int_equal(r->status, 201);
	return r;
}

/*
 * Sunday 1 March 2026, 20:00 PST (Monday 04:00 UTC): the 10th business day
 * is Friday 13 March, after the move to PDT on the 8th, so confirm_by is
 * 23:59:59 PDT that day; due_at is 15 April 20:00 PDT; the extension 30 May
 * 20:00 PDT. In UTC they would be Monday 16 March and 04:00.
 */
static void
test_deadlines_in_the_company_zone(void **state)
{
	(void)state;
	char *applicant;
	struct resp *r = received_at("2026-03-02T04:00:00Z", &applicant);
	assert_string_equal(sget(r->json, "received_at"), "2026-03-02T04:00:00.000000Z");
	assert_string_equal(sget(r->json, "confirm_by"), "2026-03-14T06:59:59.000000Z");
	assert_string_equal(sget(r->json, "due_at"), "2026-04-16T03:00:00.000000Z");
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	/* the receipt names the local date it is due */
	char *email = record_field(applicant, "email");
	char *receipt = mail_find(email, "2026-04-15");
	assert_non_null(receipt);
	free(receipt);

	/* an extension before its due date (moved into the future: the test's clock) */
	db_exec_sql("UPDATE privacy_requests SET due_at = now() + interval '1 day' WHERE id = $1",
	            id);
	char *ext = xasprintf("/v1/privacy-requests/%s/extension", id);
	r = http_json("POST", ext, staff.hr, "{\"reason\":\"The records are kept off site.\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "extended_due_at"), "2026-05-31T03:00:00.000000Z");
	resp_free(r);
	char *letter = mail_find(email, "2026-05-30");
	assert_non_null(letter);
	free(letter);
	free(ext);
	free(email);
	free(id);
	free(applicant);
}

/*
 * Sunday 25 October 2026, 20:00 PDT (Monday 03:00 UTC), PST from 1 November:
 * confirm_by is Friday 6 November, 23:59:59 PST; due_at 9 December 20:00 PST.
 * A request received on a business day counts from the next one, and a
 * holiday (RECRUITD_HOLIDAYS, a local date) is skipped.
 */
static void
test_deadlines_as_summer_time_ends(void **state)
{
	(void)state;
	char *applicant;
	struct resp *r = received_at("2026-10-26T03:00:00Z", &applicant);
	assert_string_equal(sget(r->json, "confirm_by"), "2026-11-07T07:59:59.000000Z");
	assert_string_equal(sget(r->json, "due_at"), "2026-12-10T04:00:00.000000Z");
	resp_free(r);
	free(applicant);
	/* Monday 26 October 09:00 PDT: from Tuesday, with Wednesday 11 November a holiday */
	r = received_at("2026-10-26T16:00:00Z", &applicant);
	assert_string_equal(sget(r->json, "confirm_by"), "2026-11-10T07:59:59.000000Z");
	assert_string_equal(sget(r->json, "due_at"), "2026-12-10T17:00:00.000000Z");
	resp_free(r);
	free(applicant);
	r = received_at("2026-11-02T16:00:00Z", &applicant); /* Monday 2 November 08:00 PST */
	assert_string_equal(sget(r->json, "confirm_by"), "2026-11-18T07:59:59.000000Z");
	resp_free(r);
	free(applicant);
}

static time_t
utc(const char *rfc3339)
{
	struct tm tm = {0};
	assert_non_null(strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return timegm(&tm);
}

static long
runs_of(const char *job)
{
	char *v = db_value("SELECT runs::text FROM scheduler_jobs WHERE name = $1", job);
	long n = v ? atol(v) : -1;
	free(v);
	return n;
}

/* The scheduler's clock (the test's) set to t, then one look. */
static void
look_at(const char *t)
{
	api_clock_set(utc(t));
	api_scheduler_tick(0);
}

/*
 * The scheduler's times are the company's (DESIGN, "Scheduler and
 * notifications"): the daily purge at 02:30 and the digests at 08:00 in
 * Los Angeles, once a local day across the move to summer time on Sunday
 * 14 March 2027 (02:30 does not exist that day: it runs at 03:30 PDT), and
 * the digest on business days only. In UTC the purge would run at 02:30Z.
 */
static void
test_scheduled_in_the_company_zone(void **state)
{
	(void)state;
	db_exec_sql("DELETE FROM scheduler_jobs", NULL);
	look_at("2027-03-12T20:00:00Z"); /* Friday 12:00 PST: today's slots are past, not run */
	assert_int_equal(runs_of("purge"), 0);
	assert_int_equal(runs_of("digests"), 0);

	look_at("2027-03-13T10:29:00Z"); /* Saturday 02:29 PST */
	assert_int_equal(runs_of("purge"), 0);
	look_at("2027-03-13T10:31:00Z"); /* 02:31 PST */
	assert_int_equal(runs_of("purge"), 1);
	look_at("2027-03-14T10:29:00Z"); /* Sunday 03:29 PDT, the day of the change */
	assert_int_equal(runs_of("purge"), 1);
	look_at("2027-03-14T10:31:00Z"); /* 03:31 PDT: the skipped 02:30, as far past the jump */
	assert_int_equal(runs_of("purge"), 2);
	look_at("2027-03-15T09:29:00Z"); /* Monday 02:29 PDT */
	assert_int_equal(runs_of("purge"), 2);
	look_at("2027-03-15T09:31:00Z"); /* 02:31 PDT */
	assert_int_equal(runs_of("purge"), 3);
	look_at("2027-03-15T14:59:00Z"); /* 07:59 PDT: no digest over the weekend, nor yet */
	assert_int_equal(runs_of("digests"), 0);
	look_at("2027-03-15T15:01:00Z"); /* 08:01 PDT, a business morning */
	assert_int_equal(runs_of("digests"), 1);
	assert_int_equal(runs_of("purge"), 3);
}

/* A zone the machine does not know: recruitd refuses to start, and says which setting. */
static void
test_unknown_zone_refuses_to_start(void **state)
{
	(void)state;
	char *cmd = xasprintf("RECRUITD_TIMEZONE=Nowhere/Atlantis RECRUITD_LISTEN=127.0.0.1:1 "
	                      "timeout 20 %s 2>&1",
	                      getenv("RECRUITD_TEST_BIN"));
	FILE *p = popen(cmd, "r");
	char out[1024];
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(out, "RECRUITD_TIMEZONE"));
	free(cmd);
}

static int
setup(void **state)
{
	static const char *const settings[] = {"RECRUITD_TIMEZONE=America/Los_Angeles",
	                                       "RECRUITD_HOLIDAYS=2026-11-11", "PGTZ=Asia/Tokyo",
	                                       NULL};
	(void)state;
	return api_start_with(settings);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadlines_in_the_company_zone),
	    cmocka_unit_test(test_deadlines_as_summer_time_ends),
	    cmocka_unit_test(test_scheduled_in_the_company_zone),
	    cmocka_unit_test(test_unknown_zone_refuses_to_start),
	};
	return cmocka_run_group_tests_name("api deadlines", tests, setup, api_stop);
}
