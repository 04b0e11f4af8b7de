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
    DB_STMT("SELECT applicant_id, secret_sha256 FROM applicant_tokens WHERE key_id = $1");

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
		rc = 0;
	}
	PQclear(res);
	return rc;
}
