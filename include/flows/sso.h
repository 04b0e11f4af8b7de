/*
 * sso: staff sign-in through the company's OpenID Connect provider, when
 * RECRUITD_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET_FILE are set: the
 * authorization code flow with PKCE (S256), a state and a nonce. The
 * provider's discovery document and JWKS are fetched with libcurl and kept
 * (the JWKS fetched again, once, when a token names a kid it lacks); the ID
 * token is judged by domain/idtoken.c (RS256 or ES256 against the JWKS;
 * iss, aud, exp, nonce). The member is the directory's at the token's
 * verified address, or, when there is none, one made there and then with
 * the role the provider's claim (RECRUITD_OIDC_ROLE_CLAIM) maps to through
 * RECRUITD_OIDC_HR_VALUES and RECRUITD_OIDC_RECRUITER_VALUES: no mapped
 * role, no entry; an inactive member, no entry. Each function follows
 * flows/flow.h: 0 with its outputs, or -1 with the problem set.
 * Thread-safe (the cache has its own lock).
 */
#ifndef RECRUITD_FLOWS_SSO_H
#define RECRUITD_FLOWS_SSO_H

#include <stdbool.h>

#include "core/token.h"
#include "core/xalloc.h"

struct config;
struct flow;

/* Whether single sign-on is configured. */
bool sso_is_configured(const struct config *cfg);

/* The redirect URI recruitd registers with the provider: {PUBLIC_URL}/staff/sign-in/callback. */
#define SSO_CALLBACK_PATH "/staff/sign-in/callback"

/*
 * Begin a sign-in: *location (new string) is the provider's authorization
 * URL to send the browser to, and state (CODE_LEN + 1 bytes) the value the
 * browser must bring back (the caller keeps it in a cookie, binding the
 * sign-in to that browser). 503 when the provider cannot be reached.
 */
int sso_start(const struct flow *f, char **location, char *state) WARN_UNUSED;

/*
 * Finish a sign-in from the provider's redirect: state and code from the
 * query, cookie_state from the browser's cookie. 0 with a session's cookie
 * token (TOKEN_MAX_LEN bytes); 403 sign-in-refused for anything wrong (a
 * state unknown, used, expired or not this browser's; a token refused; no
 * verified address; no member and no mapped role; an inactive member), the
 * reason logged without any value of the token; 503 when the provider
 * cannot be reached.
 */
int sso_finish(const struct flow *f, const char *state, const char *code, const char *cookie_state,
               char *token) WARN_UNUSED;

/* Forget the cached discovery document and JWKS (tests). */
void sso_forget(void);

#endif
