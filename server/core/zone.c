/*
 * zone: a time zone's offsets, learnt once from the C library. See zone.h.
 *
 * zone_load samples the zone with localtime_r every STEP from 1970 to 2100
 * and finds each change of offset to the second by bisection; no zone
 * changes its offset twice within STEP. Past 2100 the last offset holds.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/zone.h"

#define FIRST ((time_t)0)
#define LAST ((time_t)4102444800) /* 2100-01-01 */
#define STEP ((time_t)12 * 3600)
#define DAY 86400

struct zone {
	char *name;
	long first_offset; /* before at[0] */
	time_t *at;        /* the instants the offset changes, ascending */
	long *offset;      /* the offset from at[i] on */
	size_t n, cap;
};

/* An IANA name: letters, digits and -_+./ in parts, none of them empty, "." or "..". */
static bool
is_zone_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 200 || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") != NULL)
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && strchr("-_+./", *c) == NULL)
			return false;
	for (const char *part = s;;) {
		const char *slash = strchr(part, '/');
		if (part[0] == '.')
			return false;
		if (slash == NULL)
			return true;
		part = slash + 1;
	}
}

/* Whether path is a compiled zone file (it starts with "TZif"). */
static bool
is_tzfile(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	          memcmp(magic, "TZif", 4) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The offset of instant t in the zone TZ names now. */
static long
sampled(time_t t)
{
	struct tm tm;

	return localtime_r(&t, &tm) != NULL ? tm.tm_gmtoff : 0;
}

static void
add_change(struct zone *z, time_t at, long offset)
{
	if (z->n == z->cap) {
		z->cap = z->cap ? 2 * z->cap : 256;
		z->at = xrealloc(z->at, z->cap * sizeof(*z->at));
		z->offset = xrealloc(z->offset, z->cap * sizeof(*z->offset));
	}
	z->at[z->n] = at;
	z->offset[z->n++] = offset;
}

/* Sample the zone of file path (TZ set for the time it takes, then put back). */
static void
learn(struct zone *z, const char *path)
{
	const char *was = getenv("TZ");
	char *old = was ? xstrdup(was) : NULL, *spec = xasprintf(":%s", path);

	setenv("TZ", spec, 1);
	tzset();
	long prev = z->first_offset = sampled(FIRST);
	for (time_t t = FIRST + STEP; t <= LAST; t += STEP) {
		long now = sampled(t);
		if (now == prev)
			continue;
		time_t lo = t - STEP, hi = t; /* prev at lo, now at hi: the first second of now */
		while (hi - lo > 1) {
			time_t mid = lo + (hi - lo) / 2;
			if (sampled(mid) == prev)
				lo = mid;
			else
				hi = mid;
		}
		add_change(z, hi, now);
		prev = now;
	}
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	free(spec);
}

struct zone *
zone_load(const char *name, char *err, size_t errlen)
{
	struct zone *z;

	if (name == NULL || !is_zone_name(name)) {
		snprintf(err, errlen,
		         "must be an IANA time zone name, such as America/Los_Angeles");
		return NULL;
	}
	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(name);
	if (strcmp(name, "UTC") == 0)
		return z;
	const char *dir = getenv("TZDIR");
	char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	if (!is_tzfile(path)) {
		snprintf(err, errlen,
		         "no time zone of that name in the system's tzdata (Debian's tzdata "
		         "package), such as America/Los_Angeles or UTC");
		free(path);
		zone_free(z);
		return NULL;
	}
	learn(z, path);
	free(path);
	return z;
}

void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->at);
	free(z->offset);
	free(z);
}

const char *
zone_name(const struct zone *z)
{
	return z != NULL ? z->name : "UTC";
}

long
zone_offset(const struct zone *z, time_t t)
{
	size_t lo = 0, hi;

	if (z == NULL)
		return 0;
	hi = z->n; /* the first change after t */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? z->first_offset : z->offset[lo - 1];
}

/* floor(a / b) for b > 0 */
static long
floor_div(long long a, long b)
{
	return (long)(a / b - (a % b < 0));
}

long
zone_day(const struct zone *z, time_t t)
{
	return floor_div((long long)t + zone_offset(z, t), DAY);
}

time_t
zone_instant(const struct zone *z, long day, long seconds)
{
	time_t local = (time_t)day * DAY + seconds;
	long before = zone_offset(z, local - DAY), after = zone_offset(z, local + DAY);
	time_t a = local - before, b = local - after;
	bool a_ok = zone_offset(z, a) == before, b_ok = zone_offset(z, b) == after;

	if (a_ok && b_ok)
		return a < b ? a : b;
	if (a_ok || b_ok)
		return a_ok ? a : b;
	return a; /* skipped: the clock read `before` until the jump */
}

void
zone_date(const struct zone *z, time_t t, char out[11])
{
	time_t midnight = (time_t)zone_day(z, t) * DAY;
	struct tm tm;

	gmtime_r(&midnight, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
