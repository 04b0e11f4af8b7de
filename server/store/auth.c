/*
 * auth: bearer tokens checked against the database. The key id finds the
 * row by primary key; the secret is never stored, only its SHA-256,
 * compared in constant time.
 *
 * A staff key's row is kept for up to KEPT_MS after it was read, in a
 * table of slots each with its own lock (no lock shared by every request),
 * while a listener thread holds LISTEN recruitd_staff_keys on a connection
 * of its own: a key revoked or deleted anywhere (migration 0019's trigger)
 * bumps the generation, and every entry of an older generation is stale.
 * Without a listening connection nothing is kept. So a revoked key stops
 * working on every process as soon as the notice arrives, and within
 * KEPT_MS even if it is lost.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/digest.h"
#include "core/log.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/listen.h"

#define KEPT_MS AUTH_KEPT_MS
#define SLOTS 256 /* a power of two */

struct kept_key {
	pthread_mutex_t mu;
	unsigned long gen;
	long long at_ms;
	char key_id[TOKEN_KEY_ID_LEN + 1];
	char secret_sha256[2 * SHA256_LEN + 1];
	char name[sizeof(((struct actor *)0)->name)];
	enum role role;
};

static struct kept_key kept[SLOTS];
static struct listener *watcher;
static atomic_ulong generation = 1; /* 0 in an entry: empty */
static atomic_bool listening;       /* entries are kept only while the listener is connected */
static atomic_ulong notices;        /* heard, each after the generation it made stale */

static struct kept_key *
slot_of(const char *key_id)
{
	unsigned h = 2166136261u; /* FNV-1a */

	for (const char *c = key_id; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return &kept[h & (SLOTS - 1)];
}

/* The kept row of key_id into the out-parameters: true when it is there and fresh. */
static bool
kept_find(const char *key_id, char sha[2 * SHA256_LEN + 1], struct actor *who)
{
	unsigned long gen = atomic_load(&generation);
	struct kept_key *k = slot_of(key_id);
	bool hit;

	if (!atomic_load(&listening) || listener_behind(watcher))
		return false;
	pthread_mutex_lock(&k->mu);
	hit = k->gen == gen && clock_ms() - k->at_ms < KEPT_MS && strcmp(k->key_id, key_id) == 0;
	if (hit) {
		memcpy(sha, k->secret_sha256, sizeof(k->secret_sha256));
		memset(who, 0, sizeof(*who));
		who->role = k->role;
		memcpy(who->name, k->name, sizeof(who->name));
	}
	pthread_mutex_unlock(&k->mu);
	return hit;
}

/* Keep a row read under generation gen (a notice since then makes it stale at once). */
static void
kept_put(unsigned long gen, const char *key_id, const char *sha, const struct actor *who)
{
	struct kept_key *k = slot_of(key_id);

	if (!atomic_load(&listening))
		return;
	pthread_mutex_lock(&k->mu);
	k->gen = gen;
	k->at_ms = clock_ms();
	snprintf(k->key_id, sizeof(k->key_id), "%s", key_id);
	memcpy(k->secret_sha256, sha, sizeof(k->secret_sha256));
	memcpy(k->name, who->name, sizeof(k->name));
	k->role = who->role;
	pthread_mutex_unlock(&k->mu);
}

/* A key revoked or deleted somewhere: whatever is kept is stale. */
static void
heard(const char *payload, void *arg)
{
	(void)payload;
	(void)arg;
	atomic_fetch_add(&generation, 1);
	atomic_fetch_add(&notices, 1); /* after: once counted, nothing kept before is used */
}

void
auth_forget_kept(void)
{
	atomic_fetch_add(&generation, 1);
}

unsigned long
auth_notices_heard(void)
{
	return atomic_load(&notices);
}

/* Keep keys only while listening; notices may have been missed before it started. */
static void
state(bool now_listening, void *arg)
{
	(void)arg;
	atomic_fetch_add(&generation, 1);
	atomic_store(&listening, now_listening);
}

int
auth_watch_start(const char *conninfo)
{
	for (size_t i = 0; i < SLOTS; i++)
		pthread_mutex_init(&kept[i].mu, NULL);
	watcher = listener_start(conninfo, "recruitd_staff_keys", heard, state, NULL);
	if (watcher == NULL)
		log_msg(LOG_WARN, "staff keys", "not kept: no listener thread");
	return watcher != NULL ? 0 : -1;
}

void
auth_watch_stop(void)
{
	listener_stop(watcher);
	watcher = NULL;
	atomic_store(&listening, false);
}

static struct db_stmt find_key = DB_STMT(
    "SELECT name, role, secret_sha256 FROM staff_keys WHERE key_id = $1 AND revoked_at IS NULL");

int
auth_staff(struct db *db, const char *token, struct actor *who)
{
	char key_id[TOKEN_KEY_ID_LEN + 1];
	unsigned char hash[SHA256_LEN];
	const char *params[1] = {key_id};
	PGresult *res;
	int rc = 1;

	char want[2 * SHA256_LEN + 1], stored[2 * SHA256_LEN + 1];
	struct actor row;
	unsigned long gen = atomic_load(&generation);

	if (token_parse(token, TOKEN_STAFF_PREFIX, key_id, hash) != 0)
		return 1;
	hex_encode(hash, SHA256_LEN, want);
	if (!kept_find(key_id, stored, &row)) {
		if ((res = db_run(db, &find_key, 1, params)) == NULL)
			return -1;
		bool found = PQntuples(res) == 1 && strlen(PQgetvalue(res, 0, 2)) == 2 * SHA256_LEN;
		if (found) {
			memcpy(stored, PQgetvalue(res, 0, 2), sizeof(stored));
			memset(&row, 0, sizeof(row));
			row.role = role_parse(PQgetvalue(res, 0, 1));
			snprintf(row.name, sizeof(row.name), "%s", PQgetvalue(res, 0, 0));
		}
		PQclear(res);
		if (!found || row.role == ROLE_NONE)
			return 1;
		kept_put(gen, key_id, stored, &row);
	}
	if (digest_equal(stored, want, 2 * SHA256_LEN)) {
		*who = row;
		rc = 0;
	}
	return rc;
}

static struct db_stmt find_applicant_token =
    DB_STMT("SELECT applicant_id, secret_sha256, rfc3339(signed_in_at), rfc3339(expires_at) "
            "FROM applicant_tokens WHERE key_id = $1 AND expires_at > now()");

int
auth_applicant(struct db *db, const char *token, struct actor *who)
{
	char key_id[TOKEN_KEY_ID_LEN + 1], want[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	const char *params[1] = {key_id};
	PGresult *res;
	int rc = 1;

	if (token_parse(token, TOKEN_APPLICANT_PREFIX, key_id, hash) != 0)
		return 1;
	if ((res = db_run(db, &find_applicant_token, 1, params)) == NULL)
		return -1;
	hex_encode(hash, SHA256_LEN, want);
	if (PQntuples(res) == 1 && strlen(PQgetvalue(res, 0, 1)) == strlen(want) &&
	    digest_equal(PQgetvalue(res, 0, 1), want, strlen(want))) {
		memset(who, 0, sizeof(*who));
		who->role = ROLE_APPLICANT;
		strcpy(who->name, "applicant");
		snprintf(who->applicant_id, sizeof(who->applicant_id), "%s", PQgetvalue(res, 0, 0));
		snprintf(who->key_id, sizeof(who->key_id), "%s", key_id);
		snprintf(who->signed_in_at, sizeof(who->signed_in_at), "%s", PQgetvalue(res, 0, 2));
		snprintf(who->expires_at, sizeof(who->expires_at), "%s", PQgetvalue(res, 0, 3));
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* applicant sessions                                                   */

static struct db_stmt insert_token = DB_STMT(
    "WITH t AS (INSERT INTO applicant_tokens (key_id, applicant_id, secret_sha256, signed_in_at, "
    "    expires_at) VALUES ($1, $2, $3, now(), now() + make_interval(hours => $4::int)) "
    "  RETURNING applicant_id, expires_at), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.sign_in', applicant_id, 'session', $5 FROM t) "
    "SELECT rfc3339(expires_at), rfc3339(now()) FROM t");

int
auth_session_open(struct db *db, const char *applicant_id, unsigned hours, const char *request_id,
                  struct session *s)
{
	unsigned char hash[SHA256_LEN];
	char key_id[TOKEN_KEY_ID_LEN + 1], want[2 * SHA256_LEN + 1], h[16];
	PGresult *row;
	int rc;

	if (token_new(TOKEN_APPLICANT_PREFIX, s->token, key_id, hash) != 0)
		return 1;
	hex_encode(hash, SHA256_LEN, want);
	snprintf(h, sizeof(h), "%u", hours);
	const char *params[5] = {key_id, applicant_id, want, h, request_id};
	if ((rc = db_row(db, &insert_token, 5, params, &row)) != 0)
		return rc < 0 ? -1 : 1;
	snprintf(s->expires_at, sizeof(s->expires_at), "%s", PQgetvalue(row, 0, 0));
	snprintf(s->signed_in_at, sizeof(s->signed_in_at), "%s", PQgetvalue(row, 0, 1));
	PQclear(row);
	return 0;
}

static struct db_stmt delete_token =
    DB_STMT("WITH t AS (DELETE FROM applicant_tokens WHERE key_id = $1 AND applicant_id = $2 "
            "  RETURNING applicant_id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT 'applicant', 'applicant.sign_out', applicant_id, 'session', $3 FROM t) "
            "SELECT count(*) FROM t");

int
auth_session_close(struct db *db, const struct actor *who, const char *request_id)
{
	const char *params[3] = {who->key_id, who->applicant_id, request_id};
	long n;

	if (db_count(db, &delete_token, 3, params, &n) != 0)
		return -1;
	return n == 1 ? 0 : 1;
}

static struct db_stmt insert_code =
    DB_STMT("INSERT INTO sign_in_codes (code_sha256, applicant_id, expires_at) "
            "VALUES ($1, $2, now() + make_interval(mins => $3::int))");

int
auth_code_store(struct db *db, const char *applicant_id, const char *code_sha256)
{
	char mins[8];

	snprintf(mins, sizeof(mins), "%d", SIGN_IN_CODE_MINUTES);
	const char *params[3] = {code_sha256, applicant_id, mins};
	return db_do(db, &insert_code, 3, params);
}

static struct db_stmt use_code =
    DB_STMT("DELETE FROM sign_in_codes WHERE code_sha256 = $1 AND expires_at > now() "
            "RETURNING applicant_id");

int
auth_code_use(struct db *db, const char *code_sha256, char applicant_id[37])
{
	const char *params[1] = {code_sha256};
	PGresult *row;
	int rc = db_row(db, &use_code, 1, params, &row);

	if (rc == 0) {
		snprintf(applicant_id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	return rc;
}

static struct db_stmt sweep = DB_STMT(
    "WITH c AS (DELETE FROM sign_in_codes WHERE expires_at <= now() AND NOT $1::boolean "
    "  RETURNING 1), "
    "t AS (DELETE FROM applicant_tokens WHERE expires_at <= now() AND NOT $1::boolean "
    "  RETURNING 1) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM sign_in_codes WHERE expires_at <= "
    "  now()) + (SELECT count(*) FROM applicant_tokens WHERE expires_at <= now()) "
    "  ELSE (SELECT count(*) FROM c) + (SELECT count(*) FROM t) END");

int
auth_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	return db_count(db, &sweep, 1, params, n);
}
