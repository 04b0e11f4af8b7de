/* schedule: a job's slots. See schedule.h. */
#include "domain/schedule.h"
#include "core/zone.h"

/* Days a daily schedule looks back for a business day: past any run of holidays. */
#define LOOKBACK_DAYS 62

bool
schedule_is_business_day(const struct calendar *cal, long day)
{
	long weekday = ((day % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday (4); 0 Sunday */
	size_t lo = 0, hi = cal ? cal->nholidays : 0;

	if (weekday == 0 || weekday == 6)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->holidays[mid] == day)
			return false;
		if (cal->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return true;
}

/* Whether a daily schedule has a slot on local day `day`. */
static bool
has_slot_on(const struct schedule *s, const struct calendar *cal, long day)
{
	return s->kind == SCHEDULE_DAILY || schedule_is_business_day(cal, day);
}

time_t
schedule_slot(const struct schedule *s, const struct calendar *cal, time_t now)
{
	const struct zone *z = cal ? cal->zone : NULL;

	switch (s->kind) {
	case SCHEDULE_EVERY:
		if (s->seconds < 1 || now < 0)
			return -1;
		return now - now % s->seconds;
	case SCHEDULE_DAILY:
	case SCHEDULE_BUSINESS_DAY:
		/* from the local day now falls on, back to the first day with a slot at or before
		 * now
		 */
		for (long day = zone_day(z, now), i = 0; i <= LOOKBACK_DAYS; day--, i++) {
			time_t at = zone_instant(z, day, s->seconds);
			if (at <= now && has_slot_on(s, cal, day))
				return at;
		}
		return -1;
	case SCHEDULE_OFF:
	default:
		return -1;
	}
}

time_t
schedule_next(const struct schedule *s, const struct calendar *cal, time_t now)
{
	const struct zone *z = cal ? cal->zone : NULL;

	switch (s->kind) {
	case SCHEDULE_EVERY:
		if (s->seconds < 1 || now < 0)
			return -1;
		return now - now % s->seconds + s->seconds;
	case SCHEDULE_DAILY:
	case SCHEDULE_BUSINESS_DAY:
		for (long day = zone_day(z, now), i = 0; i <= LOOKBACK_DAYS; day++, i++) {
			time_t at = zone_instant(z, day, s->seconds);
			if (at > now && has_slot_on(s, cal, day))
				return at;
		}
		return -1;
	case SCHEDULE_OFF:
	default:
		return -1;
	}
}
