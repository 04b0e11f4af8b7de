/*
 * log: single-line events on stderr, each written with one write(2) so
 * lines from different threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static enum log_level threshold = LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
log_set_level(enum log_level level)
{
	threshold = level;
}

int
log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

static void
now_rfc3339(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static void
emit(char *line, int n, size_t size)
{
	if (n < 0)
		return;
	if ((size_t)n >= size - 1)
		n = (int)size - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
log_msg(enum log_level level, const char *msg, const char *fmt, ...)
{
	char line[1024], t[32];
	va_list ap;
	int n;

	if (level > threshold)
		return;
	now_rfc3339(t);
	n = snprintf(line, sizeof(line), "time=%s level=%s msg=\"%s\" ", t, level_names[level],
	             msg);
	if (n > 0 && (size_t)n < sizeof(line)) {
		va_start(ap, fmt);
		int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
		n = m < 0 ? n : n + m;
	}
	emit(line, n, sizeof(line));
}

/* Values in request lines are ids, methods and patterns; refuse anything needing escapes. */
static const char *
safe(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ||
		    (unsigned char)*p >= 0x7f)
			return "-";
	return s;
}

void
log_request(const char *request_id, const char *method, const char *route, unsigned status,
            double duration_ms, const char *actor)
{
	char line[512], t[32];
	int n;

	if (threshold < LOG_INFO)
		return;
	now_rfc3339(t);
	n = snprintf(line, sizeof(line),
	             "{\"time\":\"%s\",\"request_id\":\"%s\",\"method\":\"%s\",\"route\":\"%s\","
	             "\"status\":%u,\"duration_ms\":%.3f,\"actor\":\"%s\"}",
	             t, safe(request_id), safe(method), safe(route), status, duration_ms,
	             safe(actor));
	emit(line, n, sizeof(line));
}
