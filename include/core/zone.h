/*
 * zone: the company's time zone (RECRUITD_TIMEZONE, an IANA name such as
 * America/Los_Angeles) as a table of its UTC offsets and the instants they
 * change, read once from the system's tzdata through the C library.
 *
 * The C library converts in one zone per process, the one TZ names, and
 * changing TZ while threads run is a data race (getenv, localtime_r). So
 * zone_load sets TZ only while it samples the zone, before any thread
 * starts, puts it back, and keeps what it learnt; every function after that
 * reads the table alone: pure, and thread-safe.
 *
 * Days are numbered as clock_day_of_date numbers them (1970-01-01 is 0).
 */
#ifndef RECRUITD_CORE_ZONE_H
#define RECRUITD_CORE_ZONE_H

#include <stddef.h>
#include <time.h>

#include "core/xalloc.h"

struct zone;

/*
 * The zone named name ("UTC" needs no tzdata). NULL, with a message (that
 * names no path) in err, when name is not a zone installed here. Not
 * thread-safe: call it before any thread starts (it sets TZ for a moment).
 * The caller frees it with zone_free.
 */
struct zone *zone_load(const char *name, char *err, size_t errlen) WARN_UNUSED;
void zone_free(struct zone *z);

/* Its name, as given to zone_load. */
const char *zone_name(const struct zone *z);

/* Seconds east of UTC at instant t (NULL z: UTC). */
long zone_offset(const struct zone *z, time_t t);

/* The local date of instant t, as a day number (NULL z: UTC). */
long zone_day(const struct zone *z, time_t t);

/*
 * The instant at which the local clock reads `seconds` into local day `day`
 * (NULL z: UTC). A time the clock shows twice (as summer time ends) is the
 * earlier; a time it skips (as summer time begins) is as far past the jump
 * as the time is past its start (02:30 on the day clocks go from 02:00 to
 * 03:00 is 03:30).
 */
time_t zone_instant(const struct zone *z, long day, long seconds);

/* The local date of instant t as YYYY-MM-DD into out. */
void zone_date(const struct zone *z, time_t t, char out[11]);

#endif
