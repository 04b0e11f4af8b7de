/*
 * html: how the staff console's pages are written. A page's body is built
 * in a struct html; every value that is not a literal of the code goes
 * through html_text, which escapes it for element content and quoted
 * attributes alike, so a title "<script>" or a name "\"><img ...>" is shown
 * as text. The frame (server/static/staff.html) puts the body in the
 * console's layout with its navigation and sign-out form. Every page
 * carries the same strict Content-Security-Policy as the applicant's pages
 * (no inline script or style), Referrer-Policy: same-origin (no-referrer would
 * make the browser post forms with "Origin: null"), and
 * Cache-Control: no-store (a record's page is not kept by the browser).
 * Not thread-safe (one per request).
 */
#ifndef RECRUITD_PAGES_HTML_H
#define RECRUITD_PAGES_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

struct req;

struct html {
	struct buf b;
};

void html_init(struct html *h);
void html_fini(struct html *h);

/* A literal of the code's own (trusted markup). */
void html_lit(struct html *h, const char *s);

/* A value, escaped (NULL: nothing). */
void html_text(struct html *h, const char *s);

/* A number. */
void html_long(struct html *h, long n);

/* A hidden input name=value (value escaped). */
void html_hidden(struct html *h, const char *name, const char *value);

/* What the frame shows around a body. */
struct html_frame {
	const char *title; /* escaped */
	const char *nav;   /* which navigation item is current: "home", "openings", "applicants" */
	const char *csrf;  /* the session's token for the sign-out form; NULL: signed out */
	const char *role;  /* the member's role, shown beside sign-out; NULL when signed out */
};

/* Send body in the frame with status (the body is taken). Returns 0. */
int html_send(struct req *r, unsigned status, const struct html_frame *fr, struct html *body);

/* 303 See Other to location (a path of our own). Returns 0. */
int html_redirect(struct req *r, const char *location);

/*
 * A page that says what happened: title and text (escaped), and a link
 * back (href and label). Returns 0.
 */
int html_message(struct req *r, unsigned status, const struct html_frame *fr, const char *title,
                 const char *text, const char *back, const char *back_label);

#endif
