/* clock: time for deadlines, from the monotonic clock. Thread-safe. */
#ifndef RECRUITD_CORE_CLOCK_H
#define RECRUITD_CORE_CLOCK_H

#include <time.h>

/* Milliseconds on the monotonic clock (deadlines, durations; not the time of day). */
long long clock_ms(void);

/*
 * Wait until floor_ms after since (clock_ms), if that is still ahead: an
 * answer that must not tell by its time which way it went (a sign-in link
 * sent to a member, or to nobody) takes at least that long either way.
 */
void clock_pace(long long since, long floor_ms);

/* Days since 1970-01-01 of a YYYY-MM-DD date; -1 when it is not a real date. */
long clock_day_of_date(const char *date);

/* An RFC 3339 time (seconds, optional fraction, Z or an offset) to epoch seconds: 0, or -1. */
int clock_parse_rfc3339(const char *s, time_t *out);

#endif
