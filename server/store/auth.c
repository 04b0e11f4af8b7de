/*
 * auth: bearer tokens. The key id finds the row by primary key; the secret
 * is never stored, only its SHA-256, compared in constant time.
 */
#include <stdio.h>
#include <string.h>

#include "store/auth.h"
#include "store/db.h"

#define SECRET_LEN 32
#define SECRET_B64_LEN 43

int
auth_token_new(const char *prefix, char *token, char key_id[TOKEN_KEY_ID_LEN + 1],
	       unsigned char hash[SHA256_LEN])
{
	unsigned char id[TOKEN_KEY_ID_LEN / 2], secret[SECRET_LEN];
	char secret_b64[SECRET_B64_LEN + 1];

	if (random_bytes(id, sizeof(id)) != 0 || random_bytes(secret, sizeof(secret)) != 0)
		return -1;
	hex_encode(id, sizeof(id), key_id);
	b64url_encode(secret, sizeof(secret), secret_b64);
	snprintf(token, TOKEN_MAX_LEN, "%s%s_%s", prefix, key_id, secret_b64);
	sha256(secret_b64, SECRET_B64_LEN, hash);
	return 0;
}

int
auth_token_parse(const char *token, const char *prefix, char key_id[TOKEN_KEY_ID_LEN + 1],
		 unsigned char hash[SHA256_LEN])
{
	size_t plen = strlen(prefix);
	const char *id, *secret;
	unsigned char raw[SECRET_LEN + 2];

	if (strncmp(token, prefix, plen) != 0)
		return -1;
	id = token + plen;
	for (int i = 0; i < TOKEN_KEY_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return -1;
	if (id[TOKEN_KEY_ID_LEN] != '_')
		return -1;
	secret = id + TOKEN_KEY_ID_LEN + 1;
	if (strlen(secret) != SECRET_B64_LEN || b64url_decode(secret, raw, sizeof(raw)) != SECRET_LEN)
		return -1;
	memcpy(key_id, id, TOKEN_KEY_ID_LEN);
	key_id[TOKEN_KEY_ID_LEN] = '\0';
	sha256(secret, SECRET_B64_LEN, hash);
	return 0;
}

enum role
auth_role_parse(const char *s)
{
	if (strcmp(s, "recruiter") == 0)
		return ROLE_RECRUITER;
	if (strcmp(s, "hr") == 0)
		return ROLE_HR;
	return ROLE_NONE;
}

const char *
auth_role_name(enum role role)
{
	switch (role) {
	case ROLE_RECRUITER:
		return "recruiter";
	case ROLE_HR:
		return "hr";
	case ROLE_APPLICANT:
		return "applicant";
	default:
		return "none";
	}
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

	if (auth_token_parse(token, TOKEN_STAFF_PREFIX, key_id, hash) != 0)
		return 1;
	if ((res = db_run(db, &find_key, 1, params)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		char want[2 * SHA256_LEN + 1];
		hex_encode(hash, SHA256_LEN, want);
		const char *stored = PQgetvalue(res, 0, 2);
		if (strlen(stored) == strlen(want) && digest_equal(stored, want, strlen(want))) {
			memset(who, 0, sizeof(*who));
			who->role = auth_role_parse(PQgetvalue(res, 0, 1));
			snprintf(who->name, sizeof(who->name), "%s", PQgetvalue(res, 0, 0));
			rc = who->role == ROLE_NONE ? 1 : 0;
		}
	}
	PQclear(res);
	return rc;
}

static struct db_stmt find_applicant_token = DB_STMT(
	"SELECT applicant_id, secret_sha256 FROM applicant_tokens WHERE key_id = $1");

int
auth_applicant(struct db *db, const char *token, struct actor *who)
{
	char key_id[TOKEN_KEY_ID_LEN + 1], want[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	const char *params[1] = {key_id};
	PGresult *res;
	int rc = 1;

	if (auth_token_parse(token, TOKEN_APPLICANT_PREFIX, key_id, hash) != 0)
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
