/*
 * schedule: when a scheduled job is due, as pure arithmetic on instants
 * (jobs/scheduler.c keeps the rest: the clock, the leases, the runs).
 *
 * A job's schedule names its *slots*, the instants at which it falls due:
 * every `seconds` counted from 1970-01-01T00:00:00Z, or each day (or each
 * business day) at `seconds` into the local day of the company's zone. A
 * job is due at instant now when the latest slot at or before now has not
 * been done yet; a run records the slot it did, so each slot is done once,
 * a slot missed while no instance ran is done late (once, however many
 * were missed), and a job whose slot has not come does nothing.
 *
 * Local times follow core/zone.h: as summer time begins, a time the clock
 * skips falls as far past the jump as it is past its start (02:30 on the
 * day clocks go from 02:00 to 03:00 is 03:30); as it ends, a time the clock
 * shows twice is the earlier. So a daily job runs once on every local day,
 * whatever the day's length. Pure and thread-safe.
 */
#ifndef RECRUITD_DOMAIN_SCHEDULE_H
#define RECRUITD_DOMAIN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct zone;

enum schedule_kind {
	SCHEDULE_OFF,          /* never due (RECRUITD_PURGE_AT=off: cron does it) */
	SCHEDULE_EVERY,        /* every `seconds` (at least 1) */
	SCHEDULE_DAILY,        /* each local day at `seconds` into it */
	SCHEDULE_BUSINESS_DAY, /* each business day (not Saturday, Sunday or a holiday) at `seconds`
	                        */
};

struct schedule {
	enum schedule_kind kind;
	long seconds;
};

/* The calendar a daily schedule reads: the company's zone (NULL: UTC) and its holidays. */
struct calendar {
	const struct zone *zone;
	const long *holidays; /* sorted day numbers (clock_day_of_date), not business days */
	size_t nholidays;
};

/*
 * The latest slot of s at or before now; -1 when s is off (or has no slot
 * yet, which only an instant before 1970 could give).
 */
time_t schedule_slot(const struct schedule *s, const struct calendar *cal, time_t now);

/* The first slot of s after now; -1 when s is off. */
time_t schedule_next(const struct schedule *s, const struct calendar *cal, time_t now);

/* Whether local day `day` (a day number) is a business day of cal. */
bool schedule_is_business_day(const struct calendar *cal, long day);

#endif
