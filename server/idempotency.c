/*
 * idempotency: stored first responses keyed by (actor, Idempotency-Key).
 * The request fingerprint is SHA-256 of the endpoint, its parameter and the body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "digest.h"
#include "http.h"
#include "idempotency.h"

static struct db_stmt find_stored = DB_STMT(
	"SELECT scope, request_sha256, status, body, location FROM idempotency_keys "
	"WHERE actor = $1 AND key = $2");

static struct db_stmt store = DB_STMT(
	"INSERT INTO idempotency_keys (actor, key, scope, request_sha256, status, body, location, applicant_id) "
	"VALUES ($1, $2, $3, $4, $5::int, $6, $7, $8::uuid)");

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

/* What makes two requests "the same": the endpoint, its path parameter and the body bytes. */
static void
fingerprint(struct req *r, const char *scope, char hex[2 * SHA256_LEN + 1])
{
	unsigned char h[SHA256_LEN];
	size_t len;
	const char *body = req_body(r, &len);
	const char *p0 = req_param(r, 0);
	char *head = xasprintf("%s|%s|", scope, p0 ? p0 : "");
	size_t hlen = strlen(head);
	char *all = xmalloc(hlen + len);

	memcpy(all, head, hlen);
	if (len)
		memcpy(all + hlen, body, len);
	sha256(all, hlen + len, h);
	hex_encode(h, SHA256_LEN, hex);
	free(head);
	free(all);
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
idem_replay(struct req *r, struct db *db, const char *scope)
{
	const char *key = key_of(r);
	char hex[2 * SHA256_LEN + 1];
	const char *params[2];
	PGresult *res;
	int rc = 0;

	if (key == NULL)
		return 0;
	if (!valid_key(key))
		return req_fail(r, 400, "Idempotency-Key must be 1 to 200 visible ASCII characters");
	params[0] = actor_of(r);
	params[1] = key;
	if ((res = db_run(db, &find_stored, 2, params)) == NULL)
		return req_fail_db(r, db);
	if (PQntuples(res) == 1) {
		fingerprint(r, scope, hex);
		if (strcmp(PQgetvalue(res, 0, 0), scope) != 0 || strcmp(PQgetvalue(res, 0, 1), hex) != 0) {
			rc = req_fail(r, 422, "this Idempotency-Key was used for a different request");
		} else {
			if (!PQgetisnull(res, 0, 4))
				reply_header(r, "Location", PQgetvalue(res, 0, 4));
			reply_header(r, "Idempotent-Replayed", "true");
			reply_bytes(r, (unsigned)atoi(PQgetvalue(res, 0, 2)), "application/json",
				    PQgetvalue(res, 0, 3), (size_t)PQgetlength(res, 0, 3));
			rc = 1;
		}
	}
	PQclear(res);
	return rc;
}

int
idem_store(struct req *r, struct db *db, const char *scope, unsigned status, const char *body,
	   const char *location, const char *applicant_id)
{
	char hex[2 * SHA256_LEN + 1], st[8];
	const char *params[8];

	fingerprint(r, scope, hex);
	snprintf(st, sizeof(st), "%u", status);
	params[0] = actor_of(r);
	params[1] = key_of(r);
	params[2] = scope;
	params[3] = hex;
	params[4] = st;
	params[5] = body;
	params[6] = location;
	params[7] = applicant_id;
	return db_do(db, &store, 8, params);
}
