/*
 * console: the staff console's pages (DESIGN "Staff console"), served
 * under /staff. A page parses its query or form, calls the same flow as
 * the API (the same roles, restriction rules, audit entries, idempotency
 * and versions), and renders HTML (pages/html.h) that works without
 * JavaScript.
 *
 * Who is signed in is a session cookie (flows/signing.h): __Host-recruitd,
 * Secure, when the public URL is https; recruitd over plain http. A page
 * without a good session sends the browser to /staff/sign-in. Every post
 * must come from the public URL's origin (Origin) and, once signed in,
 * carry the session's CSRF token in a hidden field `csrf`: a post without
 * either is refused with 403 and changes nothing. A successful post answers
 * 303 to the page that shows its result. Cookies never authorize /v1.
 */
#ifndef RECRUITD_PAGES_CONSOLE_H
#define RECRUITD_PAGES_CONSOLE_H

#include <stdbool.h>

#include "core/token.h"
#include "edge/router.h"
#include "flows/flow.h"
#include "pages/html.h"

struct req;

/* The console's routes (main serves them beside api/routes.h's). */
extern const struct route console_routes[];
extern const size_t console_routes_count;

/* A signed-in request: its flow, who acts, and the session's CSRF token. */
struct console {
	struct req *r;
	struct flow f;
	struct actor who;
	char member_id[37];
	char csrf[2 * SHA256_LEN + 1];
	struct html_frame frame;
};

/*
 * Enter a console page (post: a form post, whose Origin and CSRF token are
 * checked): 0 with *c ready; 1 when the request was answered already (sent
 * to sign in, or 403); -1 with the request's problem set (503).
 */
int console_enter(struct req *r, struct console *c, bool post) WARN_UNUSED;

/*
 * Answer a flow's failure as a page: 404, 410, 409, 412 (the page was
 * changed by someone else: reload it), 422 (each field's message) and the
 * like in the console's frame; the database's 503 is left to the edge
 * (which retries a lost race). Returns what the handler returns.
 */
int console_fail(struct console *c, const char *back, const char *back_label);

/* A form field of a post (borrowed; NULL when absent or empty). */
const char *console_field(const struct console *c, const char *name);

/* The i-th value of a form field given several times, or NULL. */
const char *console_field_at(const struct console *c, const char *name, int i);

/*
 * A create's Idempotency-Key, from the hidden field idempotency_key a form
 * carries (console_idem_field): a form sent twice (a double click, a
 * reload) creates once. 1 with *k, 0 when the form has none.
 */
struct idem;
int console_idem(const struct console *c, const char *scope, struct idem *k);
void console_idem_field(struct html *h);

/* Whether the origin of a post is the public URL's (pages/console.c). */
bool console_same_origin(struct req *r);

/* The pages: console_auth.c */
int console_sign_in_page(struct req *r);
int console_sign_in_post(struct req *r);
int console_sessions_post(struct req *r);
int console_sign_out(struct req *r);
int console_sso_start(struct req *r);
int console_sso_callback(struct req *r);

/* console_home.c */
int console_home(struct req *r);

/* console_openings.c */
int console_openings(struct req *r);
int console_opening_create(struct req *r);
int console_opening(struct req *r);
int console_opening_change(struct req *r);
int console_move(struct req *r);

/* console_reject.c */
int console_rejections(struct req *r);

/* console_applicants.c */
int console_applicants(struct req *r);
int console_applicant(struct req *r);
int console_evaluate(struct req *r);
int console_document(struct req *r);

#endif
