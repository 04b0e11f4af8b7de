/* The scheduler's slots: every N seconds, daily at a local time across both changes of summer
 * time (once a local day, whatever its length), business days with weekends and holidays. */
#include <stdlib.h>

#include "../unit/cm.h"
#include "core/clock.h"
#include "core/zone.h"
#include "domain/schedule.h"

static time_t
at(const char *rfc3339)
{
	time_t t;
	assert_int_equal(clock_parse_rfc3339(rfc3339, &t), 0);
	return t;
}

static void
test_every(void **state)
{
	(void)state;
	struct schedule minute = {SCHEDULE_EVERY, 60}, quarter = {SCHEDULE_EVERY, 900};
	assert_int_equal(schedule_slot(&minute, NULL, at("2026-12-07T12:00:30Z")),
	                 at("2026-12-07T12:00:00Z"));
	assert_int_equal(schedule_slot(&minute, NULL, at("2026-12-07T12:00:00Z")),
	                 at("2026-12-07T12:00:00Z"));
	assert_int_equal(schedule_next(&minute, NULL, at("2026-12-07T12:00:00Z")),
	                 at("2026-12-07T12:01:00Z"));
	assert_int_equal(schedule_slot(&quarter, NULL, at("2026-12-07T12:14:59Z")),
	                 at("2026-12-07T12:00:00Z"));
	struct schedule off = {SCHEDULE_OFF, 0}, never = {SCHEDULE_EVERY, 0};
	assert_int_equal(schedule_slot(&off, NULL, at("2026-12-07T12:00:00Z")), -1);
	assert_int_equal(schedule_next(&off, NULL, at("2026-12-07T12:00:00Z")), -1);
	assert_int_equal(schedule_slot(&never, NULL, at("2026-12-07T12:00:00Z")), -1);
}

/* The slots of a daily schedule from..to, one a step: how many distinct ones were seen. */
static int
distinct_slots(const struct schedule *s, const struct calendar *cal, time_t from, time_t to)
{
	time_t last = -1;
	int n = 0;
	for (time_t t = from; t <= to; t += 60) {
		time_t slot = schedule_slot(s, cal, t);
		assert_true(slot <= t);
		if (slot != last)
			n++;
		last = slot;
	}
	return n;
}

static void
test_daily_across_summer_time(void **state)
{
	(void)state;
	char err[200];
	struct zone *la = zone_load("America/Los_Angeles", err, sizeof(err));
	assert_non_null(la);
	struct calendar cal = {.zone = la};
	struct schedule purge = {SCHEDULE_DAILY, 2 * 3600 + 1800}; /* 02:30 */

	/* a plain day: 02:30 PST is 10:30 UTC */
	assert_int_equal(schedule_slot(&purge, &cal, at("2026-03-07T10:29:00Z")),
	                 at("2026-03-06T10:30:00Z"));
	assert_int_equal(schedule_slot(&purge, &cal, at("2026-03-07T10:31:00Z")),
	                 at("2026-03-07T10:30:00Z"));
	/* 2026-03-08: clocks go from 02:00 to 03:00, so 02:30 is 03:30 PDT, 10:30 UTC again */
	assert_int_equal(schedule_slot(&purge, &cal, at("2026-03-08T10:29:00Z")),
	                 at("2026-03-07T10:30:00Z"));
	assert_int_equal(schedule_slot(&purge, &cal, at("2026-03-08T10:31:00Z")),
	                 at("2026-03-08T10:30:00Z"));
	assert_int_equal(schedule_next(&purge, &cal, at("2026-03-08T10:31:00Z")),
	                 at("2026-03-09T09:30:00Z")); /* 02:30 PDT: a day of 23 hours */
	/* 2026-11-01: 01:30 happens twice; a 01:30 job runs at the first, and not again */
	struct schedule early = {SCHEDULE_DAILY, 3600 + 1800};
	assert_int_equal(schedule_slot(&early, &cal, at("2026-11-01T08:31:00Z")),
	                 at("2026-11-01T08:30:00Z"));
	assert_int_equal(schedule_slot(&early, &cal, at("2026-11-01T09:31:00Z")),
	                 at("2026-11-01T08:30:00Z"));
	assert_int_equal(schedule_next(&early, &cal, at("2026-11-01T08:30:00Z")),
	                 at("2026-11-02T09:30:00Z")); /* a day of 25 hours */
	/* one slot a local day, whatever the day's length: a week around each change */
	assert_int_equal(
	    distinct_slots(&purge, &cal, at("2026-03-05T11:00:00Z"), at("2026-03-11T11:00:00Z")),
	    7);
	assert_int_equal(
	    distinct_slots(&early, &cal, at("2026-10-29T10:00:00Z"), at("2026-11-04T10:00:00Z")),
	    7);
	zone_free(la);
}

static void
test_business_days(void **state)
{
	(void)state;
	struct schedule digest = {SCHEDULE_BUSINESS_DAY, 8 * 3600};
	/* Saturday and Sunday: Friday's slot stands */
	assert_int_equal(schedule_slot(&digest, NULL, at("2026-12-05T10:00:00Z")),
	                 at("2026-12-04T08:00:00Z"));
	assert_int_equal(schedule_slot(&digest, NULL, at("2026-12-07T07:59:00Z")),
	                 at("2026-12-04T08:00:00Z"));
	assert_int_equal(schedule_slot(&digest, NULL, at("2026-12-07T08:00:00Z")),
	                 at("2026-12-07T08:00:00Z"));
	assert_int_equal(schedule_next(&digest, NULL, at("2026-12-04T09:00:00Z")),
	                 at("2026-12-07T08:00:00Z"));
	/* a holiday on Monday: Tuesday next */
	long holidays[] = {clock_day_of_date("2026-12-07")};
	struct calendar cal = {.holidays = holidays, .nholidays = 1};
	assert_int_equal(schedule_slot(&digest, &cal, at("2026-12-07T12:00:00Z")),
	                 at("2026-12-04T08:00:00Z"));
	assert_int_equal(schedule_next(&digest, &cal, at("2026-12-04T09:00:00Z")),
	                 at("2026-12-08T08:00:00Z"));
	assert_false(schedule_is_business_day(&cal, clock_day_of_date("2026-12-07")));
	assert_false(schedule_is_business_day(NULL, clock_day_of_date("2026-12-06")));
	assert_true(schedule_is_business_day(NULL, clock_day_of_date("2026-12-07")));
	/* every day of a daily schedule, weekends too */
	struct schedule daily = {SCHEDULE_DAILY, 8 * 3600};
	assert_int_equal(schedule_slot(&daily, NULL, at("2026-12-05T10:00:00Z")),
	                 at("2026-12-05T08:00:00Z"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every),
	    cmocka_unit_test(test_daily_across_summer_time),
	    cmocka_unit_test(test_business_days),
	};
	return cmocka_run_group_tests_name("unit schedule", tests, NULL, NULL);
}
