/*
 * ID tokens judged (domain/idtoken.c): tokens signed here with keys made here (RS256, ES256),
 * checked against the public JWKS, and every way a token can be wrong refused: another key,
 * a changed payload, another issuer or audience, expired, not yet valid, another nonce, an
 * unknown kid (fetch again), a key of the wrong kind, alg none and HS256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/cjose.h>
#include <openssl/evp.h>

#include "../unit/cm.h"
#include "core/xalloc.h"
#include "domain/idtoken.h"

#define ISSUER "https://idp.example.test"
#define CLIENT "recruitd-console"
#define NOW 1800000000L

static cjose_jwk_t *rsa, *ec, *other_rsa;
static json_t *jwks;

static cjose_jwk_t *
named(cjose_jwk_t *k, const char *kid)
{
	assert_non_null(k);
	assert_true(cjose_jwk_set_kid(k, kid, strlen(kid), NULL));
	return k;
}

/* A public JWK as the issuer publishes it. */
static json_t *
public_jwk(const cjose_jwk_t *k, const char *alg)
{
	char *text = cjose_jwk_to_json(k, false, NULL);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	json_object_set_new(j, "use", json_string("sig"));
	json_object_set_new(j, "alg", json_string(alg));
	return j;
}

/* The claims of a good token, to change one at a time. */
static json_t *
good_claims(void)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b}", "iss", ISSUER, "aud", CLIENT,
	                 "sub", "user-1", "iat", (json_int_t)NOW - 10, "exp", (json_int_t)NOW + 300,
	                 "nonce", "n-123", "email", "hr@example.test", "email_verified", 1);
}

/* Sign claims (stolen) with key under alg and kid: the compact token (new string). */
static char *
sign(const cjose_jwk_t *key, const char *alg, const char *kid, json_t *claims)
{
	cjose_header_t *h = cjose_header_new(NULL);
	assert_true(cjose_header_set(h, CJOSE_HDR_ALG, alg, NULL));
	if (kid)
		assert_true(cjose_header_set(h, CJOSE_HDR_KID, kid, NULL));
	char *payload = json_dumps(claims, JSON_COMPACT);
	cjose_jws_t *jws = cjose_jws_sign(key, h, (const uint8_t *)payload, strlen(payload), NULL);
	assert_non_null(jws);
	const char *ser;
	assert_true(cjose_jws_export(jws, &ser, NULL));
	char *out = xstrdup(ser);
	cjose_jws_release(jws);
	cjose_header_release(h);
	free(payload);
	json_decref(claims);
	return out;
}

/* base64url without padding (new string). */
static char *
b64url(const char *text)
{
	size_t n = strlen(text);
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (char *p = out; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	return out;
}

static enum idtoken_verdict
judge(const char *token, const char **why)
{
	struct idtoken_expect e = {
	    .issuer = ISSUER, .audience = CLIENT, .nonce = "n-123", .now = NOW, .leeway_s = 60};
	json_t *claims = NULL;
	enum idtoken_verdict v = idtoken_verify(token, jwks, &e, &claims, why);
	if (v == IDTOKEN_OK) {
		assert_string_equal(json_string_value(json_object_get(claims, "sub")), "user-1");
		json_decref(claims);
	} else {
		assert_null(claims);
		assert_non_null(*why);
	}
	return v;
}

static void
expect(char *token, enum idtoken_verdict want)
{
	const char *why = NULL;
	enum idtoken_verdict got = judge(token, &why);
	if (got != want)
		fail_msg("verdict %d, want %d (%s)", got, want, why ? why : "-");
	free(token);
}

static void
test_good_tokens(void **state)
{
	(void)state;
	expect(sign(rsa, "RS256", "rsa-1", good_claims()), IDTOKEN_OK);
	expect(sign(ec, "ES256", "ec-1", good_claims()), IDTOKEN_OK);
	/* aud as a list naming only us */
	json_t *c = good_claims();
	json_object_set_new(c, "aud", json_pack("[s]", CLIENT));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_OK);
	/* several audiences: azp must be us */
	c = good_claims();
	json_object_set_new(c, "aud", json_pack("[s, s]", "someone-else", CLIENT));
	json_object_set_new(c, "azp", json_string(CLIENT));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_OK);
	/* a little clock skew */
	c = good_claims();
	json_object_set_new(c, "exp", json_integer(NOW - 30));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_OK);
}

static void
test_bad_signatures_and_algorithms(void **state)
{
	(void)state;
	/* signed by a key the issuer does not publish, under a kid it does */
	expect(sign(other_rsa, "RS256", "rsa-1", good_claims()), IDTOKEN_REFUSED);
	/* the payload changed after signing */
	char *t = sign(rsa, "RS256", "rsa-1", good_claims());
	char *dot = strchr(t, '.') + 1;
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	expect(t, IDTOKEN_REFUSED);
	/* an RSA kid under ES256: no EC key of that kid */
	expect(sign(rsa, "RS256", "ec-1", good_claims()), IDTOKEN_REFUSED);
	/* alg none: header {"alg":"none"}, the claims, no signature */
	char *h64 = b64url("{\"alg\":\"none\",\"kid\":\"rsa-1\"}");
	json_t *c = good_claims();
	char *payload = json_dumps(c, JSON_COMPACT);
	char *p64 = b64url(payload);
	expect(xasprintf("%s.%s.", h64, p64), IDTOKEN_REFUSED);
	free(payload);
	free(h64);
	free(p64);
	json_decref(c);
	/* HS256 with a secret: HMAC is never taken, whatever the key */
	cjose_jwk_t *oct = named(cjose_jwk_create_oct_random(32, NULL), "rsa-1");
	expect(sign(oct, "HS256", "rsa-1", good_claims()), IDTOKEN_REFUSED);
	cjose_jwk_release(oct);
	/* not a token at all */
	expect(xstrdup("not.a.token"), IDTOKEN_REFUSED);
	expect(xstrdup(""), IDTOKEN_REFUSED);
}

static void
test_bad_claims(void **state)
{
	(void)state;
	json_t *c;
	c = good_claims();
	json_object_set_new(c, "iss", json_string("https://evil.example.test"));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_set_new(c, "aud", json_string("another-client"));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_set_new(c, "aud", json_pack("[s, s]", "someone-else", CLIENT));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED); /* several, and no azp */
	c = good_claims();
	json_object_set_new(c, "exp", json_integer(NOW - 61));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_del(c, "exp");
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_set_new(c, "nbf", json_integer(NOW + 600));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_set_new(c, "iat", json_integer(NOW + 600));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_set_new(c, "nonce", json_string("n-999"));
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
	c = good_claims();
	json_object_del(c, "nonce");
	expect(sign(rsa, "RS256", "rsa-1", c), IDTOKEN_REFUSED);
}

static void
test_unknown_kid_asks_for_the_keys_again(void **state)
{
	(void)state;
	cjose_jwk_t *rotated = named(cjose_jwk_create_RSA_random(2048, NULL, 0, NULL), "rsa-2");
	expect(sign(rotated, "RS256", "rsa-2", good_claims()), IDTOKEN_UNKNOWN_KID);
	/* once the issuer's keys are fetched again, the rotated key verifies */
	json_array_append_new(json_object_get(jwks, "keys"), public_jwk(rotated, "RS256"));
	expect(sign(rotated, "RS256", "rsa-2", good_claims()), IDTOKEN_OK);
	json_array_remove(json_object_get(jwks, "keys"),
	                  json_array_size(json_object_get(jwks, "keys")) - 1);
	cjose_jwk_release(rotated);
}

static int
setup(void **state)
{
	(void)state;
	rsa = named(cjose_jwk_create_RSA_random(2048, NULL, 0, NULL), "rsa-1");
	other_rsa = named(cjose_jwk_create_RSA_random(2048, NULL, 0, NULL), "rsa-1");
	ec = named(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, NULL), "ec-1");
	jwks = json_pack("{s:[o, o]}", "keys", public_jwk(rsa, "RS256"), public_jwk(ec, "ES256"));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cjose_jwk_release(rsa);
	cjose_jwk_release(other_rsa);
	cjose_jwk_release(ec);
	json_decref(jwks);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_tokens),
	    cmocka_unit_test(test_bad_signatures_and_algorithms),
	    cmocka_unit_test(test_bad_claims),
	    cmocka_unit_test(test_unknown_kid_asks_for_the_keys_again),
	};
	return cmocka_run_group_tests_name("idtoken", tests, setup, teardown);
}
