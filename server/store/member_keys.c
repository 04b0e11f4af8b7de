/* member_keys: staff keys as HR manages them. See member_keys.h. */
#include <stdio.h>

#include "core/digest.h"
#include "store/db.h"
#include "store/member_keys.h"

static struct db_stmt list =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('name', name, 'role', role, "
            "'member_id', member_id, 'created_at', rfc3339(created_at), "
            "'revoked_at', rfc3339(revoked_at)) ORDER BY created_at DESC, name), '[]')::text "
            "FROM staff_keys");

static struct db_stmt create =
    DB_STMT("WITH k AS (INSERT INTO staff_keys (key_id, name, role, secret_sha256, member_id) "
            "  VALUES ($1, $2, $3, $4, $5::uuid) RETURNING name) "
            "INSERT INTO audit_log (actor, action, target, request_id) "
            "SELECT $6, 'staff.key_create', 'key:' || k.name || ':staff:' || $5, $7 FROM k");

static struct db_stmt revoke =
    DB_STMT("WITH k AS (UPDATE staff_keys SET revoked_at = now() "
            "  WHERE name = $1 AND revoked_at IS NULL RETURNING name), "
            "l AS (INSERT INTO audit_log (actor, action, target, request_id) "
            "  SELECT $2, 'staff.key_revoke', 'key:' || k.name, $3 FROM k) "
            "SELECT count(*) FROM k");

int
member_keys_list(struct db *db, json_t **keys)
{
	int rc = db_json(db, &list, 0, NULL, keys, NULL);

	if (rc > 0)
		*keys = json_array();
	return rc < 0 ? -1 : 0;
}

int
member_keys_create(struct db *db, const char *member_id, enum role role, const char *name,
                   const char *actor, const char *request_id, char *token)
{
	char key_id[TOKEN_KEY_ID_LEN + 1], hex[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];

	if (token_new(TOKEN_STAFF_PREFIX, token, key_id, hash) != 0)
		return -1;
	hex_encode(hash, SHA256_LEN, hex);
	const char *params[7] = {key_id, name, role_name(role), hex, member_id, actor, request_id};
	return db_do(db, &create, 7, params);
}

int
member_keys_revoke(struct db *db, const char *name, const char *actor, const char *request_id)
{
	const char *params[3] = {name, actor, request_id};
	long n;

	if (db_count(db, &revoke, 3, params, &n) != 0)
		return -1;
	return n > 0 ? 0 : 1;
}
