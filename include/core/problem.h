/*
 * problem: RFC 9457 problem details. A failure that reaches a client is
 * described once, where it is detected, in a struct problem; the HTTP edge
 * sends it as application/problem+json. Types are "/problems/<slug>", one per
 * status unless a more precise slug is set. Not thread-safe (one per request).
 */
#ifndef RECRUITD_PROBLEM_H
#define RECRUITD_PROBLEM_H

#include <jansson.h>
#include <stdbool.h>

struct problem {
	unsigned status;  /* 0 while there is no problem */
	const char *slug; /* type slug, static storage; NULL: derived from status */
	char detail[320];
	json_t *errors; /* [{field, message}] or NULL */
	json_t *extra;  /* extension members (existing_id, disposition, ...) or NULL */
	bool retry;     /* a transaction lost a race in the database: run the request again */
};

void problem_init(struct problem *p);
void problem_fini(struct problem *p);

/* Set status and a formatted detail (never personal data). Returns -1 for `return
 * problem_set(...)`. */
int problem_set(struct problem *p, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add one field error; the status becomes 422 when send time comes, unless set otherwise. */
void problem_field(struct problem *p, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether any field error has been collected. */
bool problem_has_fields(const struct problem *p);

/* Add an extension member; value is stolen. */
void problem_extra(struct problem *p, const char *key, json_t *value);

/* The type URI slug and title for a status, e.g. 404 -> "not-found", "Not Found". */
const char *problem_slug(unsigned status);
const char *problem_title(unsigned status);

/* The problem document; a new reference. */
json_t *problem_to_json(const struct problem *p);

#endif
