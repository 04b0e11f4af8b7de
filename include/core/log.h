/*
 * log: one line per event on stderr. Request lines are JSON; other events
 * are key=value. Callers never pass personal data: no names, emails, phones,
 * filenames or bodies. The level is checked before anything is formatted.
 * Thread-safe: each line is written with a single write(2).
 */
#ifndef RECRUITD_LOG_H
#define RECRUITD_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Set the threshold (default LOG_INFO). Call before threads start. */
void log_set_level(enum log_level level);

/* Parse "error", "warn", "info" or "debug"; -1 if unknown. */
int log_level_parse(const char *s);

/* One key=value line: time=... level=... msg=<msg> then the formatted rest. */
void log_msg(enum log_level level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * One JSON line for a finished request. route is the route pattern (never
 * the raw path, which may carry ids of people), actor a key name or a role.
 */
void log_request(const char *request_id, const char *method, const char *route, unsigned status,
                 double duration_ms, const char *actor);

#endif
