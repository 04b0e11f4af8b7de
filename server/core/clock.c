/* clock: time for deadlines. See clock.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

long long
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

long
clock_day_of_date(const char *s)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, m, d;
	char tail;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || y < 1970 || m < 1 || m > 12 ||
	    d < 1 || d > mdays[m - 1])
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return -1;
	return days_from_civil((long)y, m, d);
}

int
clock_parse_rfc3339(const char *s, time_t *out)
{
	char date[11];
	unsigned h, m, sec;
	long day;
	const char *p;

	if (s == NULL || strlen(s) < 20 || (s[10] != 'T' && s[10] != 't'))
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if ((day = clock_day_of_date(date)) < 0)
		return -1;
	for (int i = 11; i < 19; i++)
		if ((i == 13 || i == 16) ? s[i] != ':' : !isdigit((unsigned char)s[i]))
			return -1;
	h = (unsigned)((s[11] - '0') * 10 + (s[12] - '0'));
	m = (unsigned)((s[14] - '0') * 10 + (s[15] - '0'));
	sec = (unsigned)((s[17] - '0') * 10 + (s[18] - '0'));
	if (h > 23 || m > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	long offset = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		offset = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && isdigit((unsigned char)p[1]) &&
	           isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
	           isdigit((unsigned char)p[5])) {
		long oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
		if (oh > 23 || om > 59)
			return -1;
		offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = (time_t)day * 86400 + h * 3600 + m * 60 + sec - offset;
	return 0;
}

void
clock_pace(long long since, long floor_ms)
{
	long long left = since + floor_ms - clock_ms();

	if (left > 0) {
		struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
		while (nanosleep(&ts, &ts) != 0)
			;
	}
}
