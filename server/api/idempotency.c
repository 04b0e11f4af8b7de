/*
 * idempotency: stored first responses keyed by (actor, SHA-256 of the
 * Idempotency-Key). The body is encrypted with AES-256-GCM under a key
 * derived from the Idempotency-Key, which is itself never stored: only the
 * client that made the request can have its response replayed, and the
 * table alone reveals neither personal data nor applicant tokens. The
 * request fingerprint is SHA-256 of the endpoint, its parameter and the body.
 * Rows older than 24 hours (IDEM_TTL, store/idempotency.c) are not replayed; the purge run
 * deletes them. Twins with one key are serialised by an advisory lock on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/idempotency.h"
#include "api/rest.h"
#include "core/digest.h"
#include "core/seal.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/db.h"
#include "store/idempotency.h"

static const char *
key_of(struct req *r)
{
	return req_header(r, "Idempotency-Key");
}

int
idem_wanted(struct req *r)
{
	return key_of(r) != NULL;
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

/* AES-256-GCM under a key only the client's Idempotency-Key gives. seal: len + 28 bytes out. */
static void
body_key(struct req *r, unsigned char key[SHA256_LEN])
{
	const char *k = key_of(r);
	hash_hex("body-key|", actor_of(r), k, strlen(k), NULL, key);
}

static unsigned char *
seal(struct req *r, const char *body, size_t len, size_t *out_len)
{
	unsigned char key[SHA256_LEN], *out;

	body_key(r, key);
	out = seal_value(key, NULL, 0, body, len, out_len);
	explicit_bzero(key, sizeof(key));
	return out;
}

static char *
open_sealed(struct req *r, const unsigned char *in, size_t len, size_t *out_len)
{
	unsigned char key[SHA256_LEN], *out;

	body_key(r, key);
	out = seal_open(key, NULL, 0, in, len, out_len);
	explicit_bzero(key, sizeof(key));
	return (char *)out;
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

static void
release_free(void *p)
{
	free(p);
}

/* Reply with the stored row: 1, or -1 when it was made for another request. */
static int
replay(struct req *r, const PGresult *res, const char *scope)
{
	char hex[2 * SHA256_LEN + 1];
	size_t blen, len;
	unsigned char *sealed;
	char *body;

	fingerprint(r, scope, hex);
	if (strcmp(PQgetvalue(res, 0, 0), scope) != 0 || strcmp(PQgetvalue(res, 0, 1), hex) != 0)
		return req_fail(r, 422, "this Idempotency-Key was used for a different request");
	sealed = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 3), &blen);
	body = sealed ? open_sealed(r, sealed, blen, &len) : NULL;
	PQfreemem(sealed);
	if (body == NULL)
		return req_fail(r, 422, "this Idempotency-Key was used for a different request");
	if (!PQgetisnull(res, 0, 4))
		reply_header(r, "Location", PQgetvalue(res, 0, 4));
	reply_header(r, "Idempotent-Replayed", "true");
	/* the first response's ETag was its version */
	json_t *doc = json_loadb(body, len, 0, NULL);
	if (json_is_integer(json_object_get(doc, "version")))
		reply_etag_version(r, (long)json_integer_value(json_object_get(doc, "version")));
	json_decref(doc);
	reply_owned(r, (unsigned)atoi(PQgetvalue(res, 0, 2)), "application/json", body, len,
	            release_free, body);
	return 1;
}

int
idem_replay(struct req *r, struct db *db, const char *scope)
{
	const char *key = key_of(r);
	char key_hex[2 * SHA256_LEN + 1];
	PGresult *res;
	int rc = 0;

	if (key == NULL)
		return 0;
	if (!valid_key(key))
		return req_fail(r, 400,
		                "Idempotency-Key must be 1 to 200 visible ASCII characters");
	hash_hex("key|", key, NULL, 0, key_hex, NULL);
	const char *params[2] = {actor_of(r), key_hex};
	/*
	 * The key is taken first, in the transaction the request will write in:
	 * a twin arriving while this one is in flight waits here, then replays
	 * its response, instead of racing it to a unique index (and a 409).
	 */
	if (db_begin(db) != 0 || db_do(db, &idempotency_lock, 2, params) != 0 ||
	    (res = db_run(db, &idempotency_find_stored, 2, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 1) {
		rc = replay(r, res, scope);
		db_rollback(db); /* nothing to write: the lock goes */
	}
	PQclear(res);
	return rc;
}

int
idem_store(struct req *r, struct db *db, const char *scope, unsigned status, const char *body,
           const char *location, const char *applicant_id)
{
	char hex[2 * SHA256_LEN + 1], key_hex[2 * SHA256_LEN + 1], st[8];
	const char *params[8];
	int lengths[8] = {0}, formats[8] = {0};
	size_t sealed_len;
	unsigned char *sealed = seal(r, body, strlen(body), &sealed_len);
	PGresult *res;

	if (sealed == NULL)
		return -1;
	if (!db_fits(db, sealed_len)) {
		free(sealed);
		return -1;
	}
	fingerprint(r, scope, hex);
	hash_hex("key|", key_of(r), NULL, 0, key_hex, NULL);
	snprintf(st, sizeof(st), "%u", status);
	params[0] = actor_of(r);
	params[1] = key_hex;
	params[2] = scope;
	params[3] = hex;
	params[4] = st;
	params[5] = (const char *)sealed;
	lengths[5] = (int)sealed_len;
	formats[5] = 1;
	params[6] = location;
	params[7] = applicant_id;
	res = db_run_binary(db, &idempotency_store, 8, params, lengths, formats, 0);
	free(sealed);
	PQclear(res);
	return res ? 0 : -1; /* expired rows go in the purge run's sweeps, not here */
}

int
idem_commit(struct req *r, struct db *db, const char *scope, unsigned status, const char *body,
            const char *location, const char *applicant_id)
{
	if (idem_store(r, db, scope, status, body, location, applicant_id) != 0)
		return -1;
	return db_exec(db, "COMMIT");
}

int
idem_lost_race(struct req *r, struct db *db, const char *scope)
{
	if (db_failure(db) != DB_UNIQUE || strcmp(db_constraint(db), "idempotency_keys_pkey") != 0)
		return rest_fail_db(r, db);
	db_rollback(db);
	return idem_replay(r, db, scope) > 0 ? 0 : -1;
}
