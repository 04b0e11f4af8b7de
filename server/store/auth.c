/*
 * auth: bearer tokens checked against the database. The key id finds the
 * row by primary key; the secret is never stored, only its SHA-256,
 * compared in constant time.
 */
#include <stdio.h>
#include <string.h>

#include "core/digest.h"
#include "store/auth.h"
#include "store/db.h"

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

	if (token_parse(token, TOKEN_STAFF_PREFIX, key_id, hash) != 0)
		return 1;
	if ((res = db_run(db, &find_key, 1, params)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		char want[2 * SHA256_LEN + 1];
		hex_encode(hash, SHA256_LEN, want);
		const char *stored = PQgetvalue(res, 0, 2);
		if (strlen(stored) == strlen(want) && digest_equal(stored, want, strlen(want))) {
			memset(who, 0, sizeof(*who));
			who->role = role_parse(PQgetvalue(res, 0, 1));
			snprintf(who->name, sizeof(who->name), "%s", PQgetvalue(res, 0, 0));
			rc = who->role == ROLE_NONE ? 1 : 0;
		}
	}
	PQclear(res);
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
