/*
 * email_changes: address changes waiting for their link. See
 * email_changes.h. The new address is sealed under a random key of its own
 * in the key database (a change of before: under a key derived from the
 * code); when the change is done, replaced or expired its row goes, and the
 * key with it (migration 0030's trigger queues it, destroyed once that
 * commits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/log.h"
#include "store/db.h"
#include "store/email_changes.h"
#include "store/erasure.h"
#include "store/vault.h"

/* The key a change of before the random keys is sealed under: HMAC-SHA256 keyed by its code. */
static void
code_key(const char *code, unsigned char key[SEAL_KEY_LEN])
{
	static const char label[] = "recruitd e-mail change";
	struct hmac_key *h = hmac_prepare(code, strlen(code));

	if (h == NULL)
		abort(); /* out of memory */
	hmac_sha256(h, label, sizeof(label) - 1, key);
	hmac_free(h);
}

/* One pending change per applicant: a new one replaces the one before (and its key). */
static struct db_stmt drop_change =
    DB_STMT("DELETE FROM email_changes WHERE applicant_id = $1::uuid");
static struct db_stmt insert_change =
    DB_STMT("INSERT INTO email_changes (code_sha256, applicant_id, sealed, masked, request_id, "
            "  finishes_request, expires_at, key_id) "
            "VALUES ($1, $2::uuid, $3::bytea, $4, $5::uuid, $6::boolean, "
            "  now() + make_interval(hours => $7::int), $8::uuid)");

int
email_changes_insert(struct db *db, const char *applicant_id, const char *code,
                     const char *code_sha256, const char *email, const char *masked,
                     const char *request_id, bool finishes)
{
	unsigned char key[SEAL_KEY_LEN];
	char hours[8], kid[37];
	bool failed = false;

	(void)code;
	if (vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	char *sealed = vault_seal_text(key, code_sha256, "email", email, &failed);
	explicit_bzero(key, sizeof(key));
	if (failed || sealed == NULL) {
		free(sealed);
		db_mark_unavailable(db);
		return -1;
	}
	snprintf(hours, sizeof(hours), "%d", EMAIL_CHANGE_HOURS);
	const char *params[8] = {code_sha256, applicant_id, sealed,
	                         masked,      request_id,   finishes ? "true" : "false",
	                         hours,       kid};
	int rc = db_do(db, &drop_change, 1, params + 1);
	if (rc == 0)
		rc = db_do(db, &insert_change, 8, params);
	free(sealed);
	if (rc == 0)
		erasure_shred_after_commit(db); /* the key of a change it replaced */
	else if (vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a change not stored stays unused");
	return rc;
}

static struct db_stmt take_change =
    DB_STMT("DELETE FROM email_changes WHERE code_sha256 = $1 AND expires_at > now() "
            "RETURNING applicant_id, sealed, request_id, finishes_request, key_id::text");

int
email_changes_take(struct db *db, const char *code, const char *code_sha256,
                   struct email_change *out)
{
	const char *params[1] = {code_sha256};
	unsigned char key[SEAL_KEY_LEN];
	PGresult *row;
	int rc = db_row(db, &take_change, 1, params, &row);

	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	snprintf(out->applicant_id, sizeof(out->applicant_id), "%s", PQgetvalue(row, 0, 0));
	snprintf(out->request_id, sizeof(out->request_id), "%s", PQgetvalue(row, 0, 2));
	out->finishes = PQgetvalue(row, 0, 3)[0] == 't';
	if (PQgetisnull(row, 0, 4))
		code_key(code, key);
	else if ((rc = vault_key(PQgetvalue(row, 0, 4), key)) != 0) {
		PQclear(row);
		if (rc < 0)
			db_mark_unavailable(db);
		return rc;
	}
	out->email = vault_open_text(key, code_sha256, "email", PQgetvalue(row, 0, 1));
	explicit_bzero(key, sizeof(key));
	PQclear(row);
	erasure_shred_after_commit(db); /* its key: the change is done */
	return out->email != NULL ? 0 : 1;
}

void
email_change_fini(struct email_change *c)
{
	if (c->email != NULL) {
		explicit_bzero(c->email, strlen(c->email));
		free(c->email);
	}
	c->email = NULL;
}

static struct db_stmt pending_change =
    DB_STMT("SELECT coalesce((SELECT json_build_object('email_masked', masked, 'expires_at', "
            "  rfc3339(expires_at)) FROM email_changes WHERE applicant_id = $1::uuid "
            "  AND expires_at > now()), 'null'::json)::text");

int
email_changes_pending(struct db *db, const char *applicant_id, json_t **out)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &pending_change, 1, params);

	if (res == NULL)
		return -1;
	*out = json_loads(PQgetvalue(res, 0, 0), JSON_DECODE_ANY, NULL);
	PQclear(res);
	return *out != NULL ? 0 : -1;
}

static struct db_stmt sweep =
    DB_STMT("WITH r AS (DELETE FROM email_changes WHERE expires_at <= now() "
            "  AND NOT $1::boolean RETURNING 1) "
            "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM email_changes "
            "  WHERE expires_at <= now()) ELSE (SELECT count(*) FROM r) END");

int
email_changes_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	int rc = db_count(db, &sweep, 1, params, n);

	if (rc == 0 && !dry && *n > 0)
		erasure_shred_after_commit(db); /* their keys (queued by the rows' trigger) */
	return rc;
}
