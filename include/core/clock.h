/* clock: time for deadlines, from the monotonic clock. Thread-safe. */
#ifndef RECRUITD_CORE_CLOCK_H
#define RECRUITD_CORE_CLOCK_H

/* Milliseconds on the monotonic clock (deadlines, durations; not the time of day). */
long long clock_ms(void);

#endif
