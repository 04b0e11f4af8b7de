/*
 * ID tokens from an identity provider (or from whoever posts to the sign-in callback): the
 * input is split at its first newline into a JWKS document and a compact token, judged by
 * domain/idtoken.c. Nothing may crash, and only a signed token can be taken.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "domain/idtoken.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t jlen = nl ? (size_t)(nl - data) : 0;

	if (!ready) {
		xalloc_install_jansson();
		ready = 1;
	}
	json_t *jwks = json_loadb((const char *)data, jlen, 0, NULL);
	if (jwks == NULL)
		jwks = json_object();
	char *token =
	    strndup(nl ? (const char *)nl + 1 : (const char *)data, nl ? size - jlen - 1 : size);
	struct idtoken_expect e = {.issuer = "https://idp.example.test",
	                           .audience = "recruitd-console",
	                           .nonce = "n-123",
	                           .now = 1800000000,
	                           .leeway_s = 60};
	json_t *claims = NULL;
	const char *why = NULL;
	enum idtoken_verdict v = idtoken_verify(token, jwks, &e, &claims, &why);
	if ((v == IDTOKEN_OK) != (claims != NULL) || (v != IDTOKEN_OK && why == NULL))
		__builtin_trap();
	json_decref(claims);
	json_decref(jwks);
	free(token);
	return 0;
}
