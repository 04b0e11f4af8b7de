/* keys: staff key management for recruitctl. */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/keys.h"

static struct db_stmt insert_key =
    DB_STMT("INSERT INTO staff_keys (key_id, name, role, secret_sha256, member_id) "
            "VALUES ($1, $2, $3, $4, $5::uuid)");
/* The keys of a family: its name, or its name and a dot and a suffix (keys_replace's). */
static struct db_stmt revoke_family =
    DB_STMT("UPDATE staff_keys SET revoked_at = now() WHERE revoked_at IS NULL "
            "AND (name = $1 OR (left(name, length($1) + 1) = $1 || '.'))");
static struct db_stmt family_name =
    DB_STMT("SELECT $1 || '.' || to_char(clock_timestamp() AT TIME ZONE 'UTC', "
            "'YYYYMMDD\"T\"HH24MISSMS\"Z\"')");
static struct db_stmt list_keys =
    DB_STMT("SELECT name, role, key_id, rfc3339(created_at), coalesce(rfc3339(revoked_at), '-') "
            "FROM staff_keys ORDER BY created_at, name");
static struct db_stmt revoke_key =
    DB_STMT("UPDATE staff_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL");

bool
keys_is_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= 64 &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	           n;
}

int
keys_create(struct db *db, enum role role, const char *name, char *token)
{
	return keys_create_for(db, role, name, NULL, token);
}

int
keys_create_for(struct db *db, enum role role, const char *name, const char *member_id, char *token)
{
	char key_id[TOKEN_KEY_ID_LEN + 1], hex[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];

	if (token_new(TOKEN_STAFF_PREFIX, token, key_id, hash) != 0) {
		fprintf(stderr, "no randomness available\n");
		return -1;
	}
	hex_encode(hash, SHA256_LEN, hex);
	const char *params[5] = {key_id, name, role_name(role), hex, member_id};
	if (db_do(db, &insert_key, 5, params) != 0) {
		if (db_failure(db) == DB_UNIQUE)
			fprintf(stderr, "a key named %s exists already (names are never reused)\n",
			        name);
		else
			fprintf(stderr, "cannot create the key: %s", db_message(db));
		return -1;
	}
	return 0;
}

int
keys_list(struct db *db, FILE *out)
{
	PGresult *res = db_run(db, &list_keys, 0, NULL);

	if (res == NULL) {
		fprintf(stderr, "cannot list keys: %s", db_message(db));
		return -1;
	}
	fprintf(out, "NAME\tROLE\tKEY_ID\tCREATED\tREVOKED\n");
	for (int i = 0; i < PQntuples(res); i++)
		fprintf(out, "%s\t%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		        PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), PQgetvalue(res, i, 4));
	PQclear(res);
	return 0;
}

int
keys_revoke(struct db *db, const char *name)
{
	const char *params[1] = {name};
	PGresult *res = db_run(db, &revoke_key, 1, params);
	int rc = 0;

	if (res == NULL) {
		fprintf(stderr, "cannot revoke: %s", db_message(db));
		return -1;
	}
	if (strcmp(PQcmdTuples(res), "1") != 0) {
		fprintf(stderr, "no active key named %s\n", name);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
keys_replace(struct db *db, enum role role, const char *family, const char *member_id, char *token,
             char name[65])
{
	const char *params[1] = {family};
	PGresult *row;

	if (db_begin(db) != 0 || db_do(db, &revoke_family, 1, params) != 0 ||
	    db_row(db, &family_name, 1, params, &row) != 0) {
		fprintf(stderr, "cannot replace the key: %s", db_message(db));
		db_rollback(db);
		return -1;
	}
	snprintf(name, 65, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	if (keys_create_for(db, role, name, member_id, token) != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0) {
		fprintf(stderr, "cannot replace the key: %s", db_message(db));
		return -1;
	}
	return 0;
}
