/*
 * idempotency: an Idempotency-Key read off a request. See idempotency.h. The
 * key is kept only as SHA-256 of the caller and the key; the request's
 * fingerprint is SHA-256 of the endpoint, its path parameter and the body
 * (or, for a form, the digest of its parts): the same key with another
 * request is refused by the flow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/idempotency.h"
#include "core/digest.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"

static const char *
key_of(struct req *r)
{
	return req_header(r, "Idempotency-Key");
}

static const char *
actor_of(struct req *r)
{
	const struct actor *a = req_actor(r);
	return a->role == ROLE_NONE ? "public" : a->name;
}

static void
hash_hex(const char *prefix, const char *a, const char *b, size_t blen,
         char hex[2 * SHA256_LEN + 1], unsigned char raw[SHA256_LEN])
{
	unsigned char h[SHA256_LEN];
	size_t plen = strlen(prefix), alen = strlen(a);
	char *all = xmalloc(plen + alen + blen + 2);

	memcpy(all, prefix, plen);
	memcpy(all + plen, a, alen);
	all[plen + alen] = '|';
	if (blen)
		memcpy(all + plen + alen + 1, b, blen);
	sha256(all, plen + alen + 1 + blen, h);
	free(all);
	if (hex)
		hex_encode(h, SHA256_LEN, hex);
	if (raw)
		memcpy(raw, h, SHA256_LEN);
}

/* What makes two requests "the same": the endpoint, its path parameter and the body (or form). */
static void
fingerprint(struct req *r, const char *scope, char hex[2 * SHA256_LEN + 1])
{
	size_t len;
	unsigned char parts[SHA256_LEN];
	const char *body = req_body(r, &len);
	const char *p0 = req_param(r, 0);
	char *head = xasprintf("%s|%s", scope, p0 ? p0 : "");

	if (req_form(r) != NULL) {
		form_digest(req_form(r), parts);
		body = (const char *)parts;
		len = SHA256_LEN;
	}

	hash_hex("request|", head, body, len, hex, NULL);
	free(head);
}

static int
valid_key(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 200)
		return 0;
	for (; *k; k++)
		if (*k < 0x21 || *k > 0x7e)
			return 0;
	return 1;
}

int
idem_of(struct req *r, const char *scope, struct idem *k)
{
	const char *key = key_of(r);

	if (key == NULL)
		return 0;
	if (!valid_key(key))
		return req_fail(r, 400,
		                "Idempotency-Key must be 1 to 200 visible ASCII characters");
	memset(k, 0, sizeof(*k));
	k->scope = scope;
	snprintf(k->actor, sizeof(k->actor), "%s", actor_of(r));
	hash_hex("key|", key, NULL, 0, k->key_sha256, NULL);
	fingerprint(r, scope, k->request_sha256);
	return 1;
}

void
idem_replayed(struct req *r)
{
	reply_header(r, "Idempotent-Replayed", "true");
}
