/*
 * idtoken: an OpenID Connect ID token judged (DESIGN "Staff console",
 * sign-in): its signature checked against the issuer's JWKS with libcjose
 * (RS256 with an RSA key, ES256 with a P-256 key; every other algorithm,
 * "none" and HMAC among them, refused), then its claims: iss, aud (and azp
 * when aud names several), exp, nbf, iat and nonce. Pure: the JWKS is given
 * (fetched and cached by flows/sso.c). Thread-safe.
 */
#ifndef RECRUITD_DOMAIN_IDTOKEN_H
#define RECRUITD_DOMAIN_IDTOKEN_H

#include <jansson.h>
#include <time.h>

#include "core/xalloc.h"

/* What the token must say. */
struct idtoken_expect {
	const char *issuer;   /* the discovery document's issuer, compared exactly */
	const char *audience; /* our client id */
	const char *nonce;    /* the one this sign-in sent */
	time_t now;
	long leeway_s; /* clock skew allowed on exp, nbf and iat */
};

enum idtoken_verdict {
	IDTOKEN_OK = 0,
	IDTOKEN_UNKNOWN_KID = 1, /* no key of the JWKS has the token's kid: fetch it again, once */
	IDTOKEN_REFUSED = -1,    /* malformed, bad signature or algorithm, or a claim that fails */
};

/*
 * Judge the compact-serialised token against jwks ({"keys": [...]},
 * borrowed). IDTOKEN_OK with *claims (a new reference); otherwise *why
 * says what failed (static text, never a value of the token).
 */
enum idtoken_verdict idtoken_verify(const char *token, const json_t *jwks,
                                    const struct idtoken_expect *e, json_t **claims,
                                    const char **why) WARN_UNUSED;

#endif
