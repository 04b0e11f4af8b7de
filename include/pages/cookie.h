/*
 * cookie: the console's session cookie, read and written. Its name is
 * __Host-recruitd with Secure when the public URL is https (a cookie no
 * other host or path can set), recruitd over plain http (development);
 * always HttpOnly, SameSite=Lax, Path=/.
 */
#ifndef RECRUITD_PAGES_COOKIE_H
#define RECRUITD_PAGES_COOKIE_H

#include <stdbool.h>

#include "core/token.h"

struct req;

/* The session token the request's cookie carries, into token: true when there is one. */
bool cookie_token(struct req *r, char token[TOKEN_MAX_LEN]);

/* Set the session cookie to token (valid for the session's longest life). */
void cookie_set(struct req *r, const char *token);

/* Tell the browser to forget the session cookie. */
void cookie_clear(struct req *r);

/*
 * The single sign-on's state, kept in a cookie of its own for the ten
 * minutes a sign-in may take (__Host-recruitd-sso / recruitd-sso, HttpOnly,
 * SameSite=Lax: it comes back on the provider's redirect): the callback
 * must bring back this browser's state, so nobody can finish a sign-in
 * begun elsewhere in someone else's browser.
 */
bool cookie_sso_state(struct req *r, char state[CODE_LEN + 1]);
void cookie_sso_set(struct req *r, const char *state);
void cookie_sso_clear(struct req *r);

#endif
