/*
 * templates: the e-mail templates HR edits (a rejection, a stage change),
 * per language. Plain text, with three placeholders and no others:
 * {{name}} (the person's name), {{opening}} (the opening's title) and
 * {{company}} (RECRUITD_COMPANY_NAME). Pure: the API, the console's
 * preview and the message queued use these rules. Thread-safe.
 */
#ifndef RECRUITD_DOMAIN_TEMPLATES_H
#define RECRUITD_DOMAIN_TEMPLATES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct problem;

/* The kinds, NULL-terminated ("rejection", "stage_change"). */
extern const char *const templates_kinds[];

/* The language every kind must have, used when a message's own is missing. */
#define TEMPLATE_FALLBACK_LANGUAGE "en"

/*
 * Whether list is a valid set: an array of {kind, language, subject, body}
 * (language two lower-case letters; subject one line of 1..200 characters;
 * body 1..10000; placeholders only the three), each kind and language once,
 * every kind in TEMPLATE_FALLBACK_LANGUAGE. Every error goes to p, by path
 * ("[2].body"), never quoting the text.
 */
bool templates_validate(const json_t *list, struct problem *p);

/* What the placeholders stand for (each may be NULL: empty). */
struct template_values {
	const char *name, *opening, *company;
};

/* text with its placeholders filled: a new string. */
char *templates_render(const char *text, const struct template_values *v) WARN_UNUSED;

#endif
