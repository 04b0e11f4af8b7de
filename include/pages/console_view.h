/*
 * console_view: small pieces the console's pages share: stages and dates
 * in words, form controls with their labels, and the hidden fields every
 * form of a session carries.
 */
#ifndef RECRUITD_PAGES_CONSOLE_VIEW_H
#define RECRUITD_PAGES_CONSOLE_VIEW_H

#include <jansson.h>

#include "pages/html.h"

struct console;

/* A stage's name in words ("background_check": "Background check"). */
const char *view_stage(const char *stage);

/* "today", "1 day", "N days". */
void view_days(struct html *h, long days);

/* The date of an RFC 3339 time (its first ten characters), escaped; "" for NULL. */
void view_date(struct html *h, const char *at);

/* The session's CSRF token as a hidden field. */
void view_csrf(struct html *h, const struct console *c);

/*
 * A labelled text input (type text unless type given), its value escaped:
 * <div class="field"><label for=id>label</label><input ...></div>.
 */
void view_input(struct html *h, const char *id, const char *name, const char *label,
                const char *value, const char *type, bool required);

/* A labelled textarea. */
void view_textarea(struct html *h, const char *id, const char *name, const char *label,
                   const char *value);

/* s percent-encoded for a query string (new string). */
char *view_url_encode(const char *s);

/* The string member k of o, or "" (never NULL). */
const char *view_str(const json_t *o, const char *k);

#endif
