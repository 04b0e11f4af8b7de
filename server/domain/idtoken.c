/*
 * idtoken: judging an ID token. See idtoken.h. The signature is libcjose's;
 * what this file adds is the choice of key (by kid, and of the kind the
 * algorithm needs: an RSA key never verifies an ES256 token, no key verifies
 * an HS256 one, whatever the token's header asks) and the claims.
 */
#include <string.h>

#include <cjose/cjose.h>

#include "domain/idtoken.h"

#define TOKEN_MAX 16384

static const char *
text_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* A base64url value libcjose can decode: its alphabet, and a length an encoding can have. */
static int
is_b64url(const char *v, size_t max)
{
	size_t n = v ? strlen(v) : 0;

	return n > 0 && n <= max && n % 4 != 1 &&
	       strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/*
 * The public key k (an RSA or EC member of the JWKS) imported by libcjose,
 * from only the members a public key has, each checked first (libcjose's
 * decoder asserts on a length no encoding has: found by fuzzing). NULL when
 * it is not one.
 */
static cjose_jwk_t *
import_public(const json_t *k, const char *kty)
{
	json_t *pub;

	if (strcmp(kty, "RSA") == 0) {
		const char *n = json_string_value(json_object_get(k, "n"));
		const char *e = json_string_value(json_object_get(k, "e"));
		if (!is_b64url(n, 2048) || !is_b64url(e, 16))
			return NULL;
		pub = json_pack("{s:s, s:s, s:s}", "kty", "RSA", "n", n, "e", e);
	} else {
		const char *x = json_string_value(json_object_get(k, "x"));
		const char *y = json_string_value(json_object_get(k, "y"));
		if (!is_b64url(x, 64) || !is_b64url(y, 64))
			return NULL;
		pub =
		    json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x, "y", y);
	}
	char *text = json_dumps(pub, JSON_COMPACT);
	cjose_jwk_t *jwk = cjose_jwk_import(text, strlen(text), NULL);
	free(text);
	json_decref(pub);
	return jwk;
}

/* The key the token names, of the kind its algorithm needs: imported (free it), or NULL. */
static cjose_jwk_t *
key_for(const json_t *jwks, const char *kid, const char *alg, int *seen_kid)
{
	const char *kty = strcmp(alg, "RS256") == 0 ? "RSA" : "EC";
	json_t *keys = json_object_get(jwks, "keys"), *k;
	size_t i;

	*seen_kid = 0;
	json_array_foreach(keys, i, k)
	{
		const char *id = json_string_value(json_object_get(k, "kid"));
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *kalg = json_string_value(json_object_get(k, "alg"));
		if (kid != NULL && (id == NULL || strcmp(id, kid) != 0))
			continue;
		*seen_kid = 1;
		if (strcmp(text_of(k, "kty"), kty) != 0 ||
		    (use != NULL && strcmp(use, "sig") != 0) ||
		    (kalg != NULL && strcmp(kalg, alg) != 0))
			continue;
		if (strcmp(kty, "EC") == 0 && strcmp(text_of(k, "crv"), "P-256") != 0)
			continue;
		cjose_jwk_t *jwk = import_public(k, kty);
		if (jwk != NULL)
			return jwk;
	}
	return NULL;
}

/*
 * A compact JWS before libcjose sees it: three base64url segments, none of a
 * length no encoding has (libcjose's decoder asserts on one: an abort, found
 * by fuzzing). 1 well formed, 0 not.
 */
static int
well_formed(const char *token, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t start = 0, dots = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && token[i] != '.') {
			if (strchr(alphabet, token[i]) == NULL || token[i] == '\0')
				return 0;
			continue;
		}
		if ((i - start) % 4 == 1 || (dots < 2 && i == start))
			return 0; /* an impossible length, or an empty header or payload */
		dots += i < len;
		start = i + 1;
	}
	return dots == 2;
}

/* aud names us (and, when it names several, azp is us). */
static int
audience_ok(const json_t *claims, const char *audience)
{
	json_t *aud = json_object_get(claims, "aud"), *a;
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	size_t i;
	int found = 0;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), audience) == 0 &&
		       (azp == NULL || strcmp(azp, audience) == 0);
	if (!json_is_array(aud) || json_array_size(aud) == 0)
		return 0;
	json_array_foreach(aud, i, a) if (json_is_string(a) &&
	                                  strcmp(json_string_value(a), audience) == 0) found = 1;
	if (!found)
		return 0;
	return json_array_size(aud) == 1 ? azp == NULL || strcmp(azp, audience) == 0
	                                 : azp != NULL && strcmp(azp, audience) == 0;
}

static const char *
claims_fail(const json_t *c, const struct idtoken_expect *e)
{
	json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat"),
	       *nbf = json_object_get(c, "nbf");
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *nonce = json_string_value(json_object_get(c, "nonce"));

	if (iss == NULL || strcmp(iss, e->issuer) != 0)
		return "the token is from another issuer";
	if (!audience_ok(c, e->audience))
		return "the token is for another client";
	if (!json_is_integer(exp) || (time_t)json_integer_value(exp) + e->leeway_s <= e->now)
		return "the token has expired";
	if (!json_is_integer(iat) || (time_t)json_integer_value(iat) > e->now + e->leeway_s)
		return "the token was issued in the future";
	if (nbf != NULL &&
	    (!json_is_integer(nbf) || (time_t)json_integer_value(nbf) > e->now + e->leeway_s))
		return "the token is not valid yet";
	if (nonce == NULL || e->nonce == NULL || strcmp(nonce, e->nonce) != 0)
		return "the token answers another sign-in (nonce)";
	if (!json_is_string(json_object_get(c, "sub")))
		return "the token names no subject";
	return NULL;
}

enum idtoken_verdict
idtoken_verify(const char *token, const json_t *jwks, const struct idtoken_expect *e,
               json_t **claims, const char **why)
{
	size_t len = token ? strnlen(token, TOKEN_MAX + 1) : 0;
	cjose_jws_t *jws = len > 0 && len <= TOKEN_MAX && well_formed(token, len)
	                       ? cjose_jws_import(token, len, NULL)
	                       : NULL;
	enum idtoken_verdict v = IDTOKEN_REFUSED;
	cjose_jwk_t *jwk = NULL;
	uint8_t *payload;
	size_t plen;
	int seen_kid;

	*claims = NULL;
	*why = "the token is not a signed JWT";
	if (jws == NULL)
		return IDTOKEN_REFUSED;
	cjose_header_t *h = cjose_jws_get_protected(jws);
	const char *alg = h ? cjose_header_get(h, CJOSE_HDR_ALG, NULL) : NULL;
	const char *kid = h ? cjose_header_get(h, CJOSE_HDR_KID, NULL) : NULL;
	if (alg == NULL || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0)) {
		*why = "the token's algorithm is not RS256 or ES256";
	} else if ((jwk = key_for(jwks, kid, alg, &seen_kid)) == NULL) {
		v = kid != NULL && !seen_kid ? IDTOKEN_UNKNOWN_KID : IDTOKEN_REFUSED;
		*why = v == IDTOKEN_UNKNOWN_KID ? "no key of the issuer has the token's kid"
		                                : "no key of the issuer fits the token";
	} else if (!cjose_jws_verify(jws, jwk, NULL)) {
		*why = "the token's signature does not verify";
	} else if (!cjose_jws_get_plaintext(jws, &payload, &plen, NULL) ||
	           (*claims = json_loadb((const char *)payload, plen, JSON_REJECT_DUPLICATES,
	                                 NULL)) == NULL ||
	           !json_is_object(*claims)) {
		*why = "the token's claims are not a JSON object";
	} else if ((*why = claims_fail(*claims, e)) == NULL) {
		v = IDTOKEN_OK;
	}
	if (v != IDTOKEN_OK) {
		json_decref(*claims);
		*claims = NULL;
	}
	if (jwk != NULL)
		cjose_jwk_release(jwk);
	cjose_jws_release(jws);
	return v;
}
