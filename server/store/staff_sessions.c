/* staff_sessions: the console's sign-in codes and sessions. See staff_sessions.h. */
#include <stdio.h>
#include <string.h>

#include "core/digest.h"
#include "store/db.h"
#include "store/staff_sessions.h"

#define STR(x) #x
#define XSTR(x) STR(x)

static struct db_stmt insert_code =
    DB_STMT("INSERT INTO staff_sign_in_codes (code_sha256, member_id, expires_at) "
            "VALUES ($1, $2::uuid, now() + interval '" XSTR(STAFF_CODE_MINUTES) " minutes')");

static struct db_stmt use_code =
    DB_STMT("DELETE FROM staff_sign_in_codes WHERE code_sha256 = $1 AND expires_at > now() "
            "RETURNING member_id");

static struct db_stmt insert_session =
    DB_STMT("WITH s AS (INSERT INTO staff_sessions (key_id, secret_sha256, member_id, method) "
            "  SELECT $1, $2, m.id, $4 FROM staff_members m WHERE m.id = $3::uuid AND m.active "
            "  RETURNING member_id), "
            "l AS (INSERT INTO audit_log (actor, action, target, request_id) "
            "  SELECT 'member:' || member_id, 'staff.sign_in', 'session:' || $4, $5 FROM s) "
            "SELECT count(*) FROM s");

/* Good: its member active, used within the idle time, begun within the absolute one. */
static struct db_stmt touch_session =
    DB_STMT("UPDATE staff_sessions s SET last_seen_at = now() FROM staff_members m "
            "WHERE s.key_id = $1 AND s.secret_sha256 = $2 AND m.id = s.member_id AND m.active "
            "AND s.last_seen_at > now() - interval '" XSTR(
                STAFF_IDLE_HOURS) " hours' "
                                  "AND s.created_at > now() - interval '" XSTR(
                                      STAFF_ABSOLUTE_HOURS) " hours' "
                                                            "RETURNING m.id, m.role");

static struct db_stmt delete_session =
    DB_STMT("WITH s AS (DELETE FROM staff_sessions WHERE key_id = $1 RETURNING member_id), "
            "l AS (INSERT INTO audit_log (actor, action, target, request_id) "
            "  SELECT $2, 'staff.sign_out', 'session', $3 FROM s) "
            "SELECT count(*) FROM s");

static struct db_stmt sweep = DB_STMT(
    "WITH c AS (DELETE FROM staff_sign_in_codes WHERE expires_at <= now() AND NOT $1::boolean "
    "  RETURNING 1), "
    "s AS (DELETE FROM staff_sessions WHERE (last_seen_at <= now() - interval '" XSTR(
        STAFF_IDLE_HOURS) " hours' "
                          "  OR created_at <= now() - interval '" XSTR(
                              STAFF_ABSOLUTE_HOURS) " hours') AND NOT $1::boolean RETURNING 1) "
                                                    "SELECT (SELECT count(*) FROM c) + (SELECT "
                                                    "count(*) FROM s)");

int
staff_code_store(struct db *db, const char *member_id, const char *code_sha256)
{
	const char *v[2] = {code_sha256, member_id};

	return db_do(db, &insert_code, 2, v);
}

int
staff_code_use(struct db *db, const char *code_sha256, char member_id[37])
{
	const char *v[1] = {code_sha256};
	PGresult *row;
	int rc = db_row(db, &use_code, 1, v, &row);

	if (rc == 0) {
		snprintf(member_id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	return rc;
}

int
staff_session_open(struct db *db, const char *member_id, const char *method, const char *request_id,
                   char *token)
{
	char key_id[TOKEN_KEY_ID_LEN + 1], hex[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	long n;

	if (token_new(STAFF_COOKIE_PREFIX, token, key_id, hash) != 0)
		return 1;
	hex_encode(hash, SHA256_LEN, hex);
	const char *v[5] = {key_id, hex, member_id, method, request_id};
	if (db_count(db, &insert_session, 5, v, &n) != 0)
		return -1;
	return n == 1 ? 0 : 1;
}

int
staff_session_check(struct db *db, const char *token, struct staff_session *s)
{
	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	PGresult *row;
	int rc;

	if (token_parse(token, STAFF_COOKIE_PREFIX, s->key_id, hash) != 0)
		return 1;
	hex_encode(hash, SHA256_LEN, hex);
	const char *v[2] = {s->key_id, hex};
	if ((rc = db_row(db, &touch_session, 2, v, &row)) != 0)
		return rc;
	snprintf(s->member_id, sizeof(s->member_id), "%s", PQgetvalue(row, 0, 0));
	s->role = role_parse(PQgetvalue(row, 0, 1));
	PQclear(row);
	return 0;
}

int
staff_session_close(struct db *db, const char *key_id, const char *actor, const char *request_id)
{
	const char *v[3] = {key_id, actor, request_id};
	long n;

	if (db_count(db, &delete_session, 3, v, &n) != 0)
		return -1;
	return n == 1 ? 0 : 1;
}

int
staff_sessions_sweep(struct db *db, bool dry, long *n)
{
	const char *v[1] = {dry ? "true" : "false"};

	return db_count(db, &sweep, 1, v, n);
}
