/*
 * applicant_adopt: the record a confirmed application belongs to
 * (applicants_adopt in applicants.h): the one on record with its address,
 * locked, or a new one made from the pending submission, its values sealed
 * under a new data key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_rows.h"
#include "core/digest.h"
#include "core/log.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/vault.h"

static struct db_stmt lock_by_email =
    DB_STMT("SELECT id FROM applicants WHERE " BY_EMAIL("$1", "$2") " FOR NO KEY UPDATE");

static struct db_stmt insert_from_pending = DB_STMT(
    "WITH a AS (INSERT INTO applicants (id, record_key, history_key, full_name_sealed, "
    "    email_sealed, phone_sealed, "
    "    email_hash, search_grams, source_type, marketing_opt_in, privacy_notice_version, "
    "    privacy_notice_accepted_at, age_16_or_over_at, sharing_opt_out, index_epoch) "
    "  SELECT $4::uuid, $11::uuid, $12::uuid, $5::bytea, $6::bytea, $7::bytea, $8::bytea, "
    "$9::int[], 'direct', "
    "    marketing_opt_in, privacy_notice_version, accepted_at, accepted_at, "
    "    sharing_opt_out OR $2::boolean, $13 FROM pending_submissions "
    "  WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM applicants WHERE lower(email) = lower($10)) "
    "  ON CONFLICT (email_hash) DO NOTHING RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.create', id, 'applicant', $3 FROM a) "
    "SELECT id FROM a");

/* Sec-GPC on either request records the sharing opt-out; nothing else of a record changes. */
static struct db_stmt gpc_opt_out = DB_STMT(
    "WITH a AS (UPDATE applicants SET sharing_opt_out = true, version = version + 1, "
    "    updated_at = now() "
    "  WHERE id = $1 AND NOT sharing_opt_out AND ($2::boolean OR (SELECT sharing_opt_out FROM "
    "    pending_submissions WHERE id = $3)) RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.update', id, 'sharing_opt_out', $4 FROM a) "
    "SELECT 1");

/* A new record from the submission: 0 with id, 1 when the address was taken meanwhile. */
static int
create_from_pending(struct db *db, const char *pending_id, const char *const contact[3],
                    const char *gpc, const char *request_id, const char *hash, const char *set,
                    char id[37])
{
	unsigned char key[SEAL_KEY_LEN], history[SEAL_KEY_LEN];
	char *sealed[3] = {NULL, NULL, NULL}, *grams, kid[37], hid[37];
	bool failed = false;
	PGresult *row;
	int rc = -1;

	/* its record key and history key, made ahead (no round trip to the key database) */
	if (uuid_v4(id) != 0 || vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	if (vault_fresh(hid, history) != 0) {
		explicit_bzero(key, sizeof(key));
		db_mark_unavailable(db);
		return -1;
	}
	explicit_bzero(history, sizeof(history));
	for (int i = 0; i < 3; i++)
		sealed[i] = vault_seal_text(key, id, applicant_rows_field[i], contact[i], &failed);
	explicit_bzero(key, sizeof(key));
	if ((grams = applicant_rows_grams(set, contact, 2, NULL)) != NULL && !failed) {
		const char *params[13] = {pending_id, gpc,       request_id, id,    sealed[0],
		                          sealed[1],  sealed[2], hash,       grams, contact[1],
		                          kid,        hid,       set};
		rc = db_row(db, &insert_from_pending, 13, params, &row);
		if (rc == 0)
			PQclear(row);
	} else {
		db_mark_unavailable(db);
	}
	for (int i = 0; i < 3; i++)
		free(sealed[i]);
	free(grams);
	if (rc != 0 && vault_destroy((const char *const[]){kid, hid}, 2) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a record not stored stays unused");
	return rc;
}

int
applicants_adopt(struct db *db, const char *pending_id, const char *const contact[3], bool gpc,
                 const char *request_id, char id[37], bool *created)
{
	const char *g = gpc ? "true" : "false";
	PGresult *row;
	char *hash, *hashes, set[VAULT_INDEX_ID_LEN];
	int rc = 1;

	*created = false;
	if (applicants_email_hash(db, contact[1], &hash, set) != 0)
		return -1;
	if (applicant_rows_lookup(db, contact[1], &hashes) != 0) {
		free(hash);
		return -1;
	}
	/* On record: lock it. Else create it; a concurrent confirmation may have won the
	 * address meanwhile (the insert then does nothing), and the second look sees it. */
	for (int attempt = 0; attempt < 2; attempt++) {
		const char *p1[2] = {hashes, contact[1]};
		if ((rc = db_row(db, &lock_by_email, 2, p1, &row)) < 0)
			break;
		if (rc == 0) {
			snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
			PQclear(row);
			const char *p2[4] = {id, g, pending_id, request_id};
			rc = db_do(db, &gpc_opt_out, 4, p2);
			break;
		}
		if (attempt == 1)
			break;
		if ((rc = create_from_pending(db, pending_id, contact, g, request_id, hash, set,
		                              id)) < 0)
			break;
		if (rc == 0) {
			*created = true;
			break;
		}
	}
	free(hashes);
	free(hash);
	return rc;
}
