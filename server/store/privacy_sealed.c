/* privacy_sealed: the request log's personal parts, sealed. See privacy_sealed.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "store/db.h"
#include "store/vault.h"

#include "privacy_sealed.h"

#define PARTS "request"
#define CONTACT "contact"

int
privacy_sealed_make(struct db *db, const char *id, const json_t *parts, const char *email,
                    char key_id[37], char **sealed, char **contact)
{
	unsigned char key[SEAL_KEY_LEN];
	bool failed = false;

	*sealed = *contact = NULL;
	if (vault_fresh(key_id, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	char *plain = jsonx_dump(parts);
	*sealed = vault_seal_text(key, id, PARTS, plain, &failed);
	*contact = vault_seal_text(key, id, CONTACT, email, &failed);
	explicit_bzero(plain, strlen(plain));
	free(plain);
	explicit_bzero(key, sizeof(key));
	if (failed) {
		free(*sealed);
		free(*contact);
		*sealed = *contact = NULL;
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
}

/* The parts of request id sealed (text) under key_id, opened: new JSON, NULL (gone), or *down. */
static json_t *
open_parts(const char *id, const char *key_id, const char *sealed, int *down)
{
	unsigned char key[SEAL_KEY_LEN];
	int rc = vault_key(key_id, key);

	*down = rc < 0;
	if (rc != 0)
		return NULL;
	char *plain = vault_open_text(key, id, PARTS, sealed);
	explicit_bzero(key, sizeof(key));
	json_t *parts = plain ? json_loads(plain, 0, NULL) : NULL;
	if (plain) {
		explicit_bzero(plain, strlen(plain));
		free(plain);
	}
	return parts;
}

int
privacy_sealed_open(struct db *db, json_t *req)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	const char *sealed = json_string_value(json_object_get(req, "sealed"));
	const char *key_id = json_string_value(json_object_get(req, "key_id"));
	int down = 0;

	if (id != NULL && sealed != NULL && key_id != NULL) {
		json_t *parts = open_parts(id, key_id, sealed, &down);
		if (parts != NULL)
			json_object_update(req, parts);
		json_decref(parts);
	}
	json_object_del(req, "sealed");
	json_object_del(req, "key_id");
	json_object_del(req, "details"); /* kept sealed, never answered */
	if (down) {
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
}

static struct db_stmt parts_of =
    DB_STMT("SELECT sealed::text, key_id::text FROM privacy_requests WHERE id = $1 "
            "AND sealed IS NOT NULL FOR UPDATE");
static struct db_stmt put_parts =
    DB_STMT("UPDATE privacy_requests SET sealed = $2::bytea WHERE id = $1");

int
privacy_sealed_put(struct db *db, const char *id, const char *member, json_t *value)
{
	const char *params[2] = {id, NULL};
	unsigned char key[SEAL_KEY_LEN];
	PGresult *row;
	int down = 0, rc = db_row(db, &parts_of, 1, params, &row);

	if (rc != 0) {
		json_decref(value);
		return rc;
	}
	json_t *parts = open_parts(id, PQgetvalue(row, 0, 1), PQgetvalue(row, 0, 0), &down);
	rc = down ? -1 : parts == NULL ? 1 : 0;
	if (rc == 0 && vault_key(PQgetvalue(row, 0, 1), key) != 0)
		rc = -1;
	PQclear(row);
	if (rc != 0) {
		json_decref(parts);
		json_decref(value);
		if (rc < 0)
			db_mark_unavailable(db);
		return rc;
	}
	json_object_set_new(parts, member, value);
	char *plain = jsonx_dump(parts);
	bool failed = false;
	char *sealed = vault_seal_text(key, id, PARTS, plain, &failed);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(plain, strlen(plain));
	free(plain);
	json_decref(parts);
	params[1] = sealed;
	rc = failed ? -1 : db_do(db, &put_parts, 2, params);
	free(sealed);
	return rc;
}

char *
privacy_sealed_contact(const char *id, const char *key_id, const char *sealed, const char *plain,
                       int *down)
{
	unsigned char key[SEAL_KEY_LEN];

	*down = 0;
	if (sealed == NULL)
		return plain ? xstrdup(plain) : NULL;
	int rc = key_id ? vault_key(key_id, key) : 1;
	*down = rc < 0;
	if (rc != 0)
		return NULL;
	char *email = vault_open_text(key, id, CONTACT, sealed);
	explicit_bzero(key, sizeof(key));
	return email;
}

void
privacy_requester_key(const char *email, char out[65])
{
	out[0] = '\0';
	if (email == NULL)
		return;
	char *folded = fold_email(email);
	char *msg = xasprintf("privacy-requester\n%s", folded);
	vault_suppression_hash(msg, out);
	explicit_bzero(msg, strlen(msg));
	explicit_bzero(folded, strlen(folded));
	free(msg);
	free(folded);
}
