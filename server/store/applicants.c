/*
 * applicants: the applicant's row, its record as JSON, and its writes. The
 * applicant's personal columns are read and written only by this module and
 * its siblings (applicant_rows.c seals and opens them and finds a record by
 * them; applicant_search.c lists; applicant_adopt.c and applicant_privacy.c
 * make and change records for the application and privacy flows;
 * applicant_retention.c reads the retention subjects), which
 * scripts/check-deps.py names. Nothing here knows a request: callers pass
 * who acts (the actor and request id for the audit entry) and what they may
 * see, and get JSON back.
 *
 * Every statement that changes a record writes its audit entry in the same
 * statement (a data-modifying CTE), so a record is never changed without
 * its entry, and the pair costs one round trip. A read is a plain SELECT
 * (no read-write transaction), and is answered only once its entry is
 * committed, with those of the reads going on at the same time
 * (store/audit.h). Deleting is erasure.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_rows.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/log.h"
#include "domain/profile.h"
#include "domain/retention.h"
#include "store/applicants.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/vault.h"

#define COLUMNS                                                                                    \
	"a.id, " PERSONAL_COLUMNS("a") ", " FREE_COLUMNS(                                          \
	    "a") ", a.source_type, a.marketing_opt_in, rfc3339(a.legal_hold_set_at), "             \
	         "rfc3339(a.created_at), rfc3339(a.updated_at), a.version, "                       \
	         "a.privacy_notice_version, rfc3339(a.privacy_notice_accepted_at), "               \
	         "rfc3339(a.age_16_or_over_at), extract(epoch FROM a.created_at), a.country, "     \
	         "a.region, " RETENTION_APPS_SQL ", " RETENTION_POLICIES_SQL                       \
	         ", a.sharing_opt_out, CASE WHEN a.restricted_at IS NOT NULL THEN "                \
	         "json_build_object('since', rfc3339(a.restricted_at), 'until', "                  \
	         "rfc3339(a.restricted_until), 'request_id', a.restricted_request)::text END"

enum {
	C_ID,
	C_KEY,
	C_SEALED,
	C_NAME,
	C_EMAIL,
	C_PHONE,
	C_ADDRESS,
	C_SOCIAL,
	C_FREE, /* F_COUNT pairs of columns (FREE_COLUMNS) */
	C_SRC_TYPE = C_FREE + 2 * F_COUNT,
	C_MARKETING,
	C_HOLD_AT,
	C_CREATED,
	C_UPDATED,
	C_VERSION,
	C_NOTICE_VERSION,
	C_NOTICE_AT,
	C_AGE_AT,
	C_CREATED_EPOCH,
	C_ADDR_COUNTRY,
	C_ADDR_REGION,
	C_APPS,
	C_POLICIES,
	C_SHARING,
	C_RESTRICTED
};

static json_t *
col_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static json_t *
text_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

static json_t *
json_or_null(const char *v)
{
	json_t *j = v ? json_loads(v, 0, NULL) : NULL;
	return j ? j : json_null();
}

static json_t *
editable_from_row(const PGresult *res, int row, char *v[P_COUNT], char *fv[F_COUNT])
{
	json_t *doc = json_object();
	json_t *addr = json_or_null(v[P_ADDRESS]);
	json_t *social = json_or_null(v[P_SOCIAL]);

	json_object_set_new(doc, "full_name", text_or_null(v[P_NAME]));
	json_object_set_new(doc, "email", text_or_null(v[P_EMAIL]));
	json_object_set_new(doc, "phone", text_or_null(v[P_PHONE]));
	json_object_set_new(doc, "title", text_or_null(fv[F_TITLE]));
	json_object_set_new(doc, "job_title", text_or_null(fv[F_JOB]));
	if (json_is_object(addr)) { /* give the keys back in the documented order */
		json_t *ordered = json_object();
		for (int i = 0; profile_address_keys[i]; i++) {
			json_t *x = json_object_get(addr, profile_address_keys[i]);
			json_object_set(ordered, profile_address_keys[i], x ? x : json_null());
		}
		json_decref(addr);
		addr = ordered;
	}
	json_object_set_new(doc, "address", addr);
	if (!json_is_array(social)) { /* cleared by a restriction */
		json_decref(social);
		social = json_array();
	}
	json_object_set_new(doc, "social_handles", social);
	json_object_set_new(doc, "source",
	                    json_pack("{s:o, s:o}", "type", col_text(res, row, C_SRC_TYPE),
	                              "detail", text_or_null(fv[F_SRC_DETAIL])));
	json_object_set_new(doc, "marketing_opt_in",
	                    json_boolean(PQgetvalue(res, row, C_MARKETING)[0] == 't'));
	return doc;
}

static json_t *
hold_from_row(const PGresult *res, int row, char *fv[F_COUNT])
{
	if (PQgetisnull(res, row, C_HOLD_AT))
		return json_null();
	return json_pack("{s:o, s:o}", "reason", text_or_null(fv[F_HOLD]), "set_at",
	                 col_text(res, row, C_HOLD_AT));
}

/* Where the record stands: when it expires and what keeps it. */
static json_t *
retention_from_row(const PGresult *res, int row)
{
	const struct policies *p = retention_policies_cached(PQgetvalue(res, row, C_POLICIES));
	struct verdict v;

	bool restricted = !PQgetisnull(res, row, C_RESTRICTED);

	if (p == NULL ||
	    (restricted
	         ? retention_judge_restricted(p, atof(PQgetvalue(res, row, C_CREATED_EPOCH)),
	                                      !PQgetisnull(res, row, C_HOLD_AT),
	                                      PQgetvalue(res, row, C_APPS), &v)
	         : retention_judge_json(
	               p, atof(PQgetvalue(res, row, C_CREATED_EPOCH)),
	               PQgetisnull(res, row, C_ADDR_COUNTRY) ? NULL
	                                                     : PQgetvalue(res, row, C_ADDR_COUNTRY),
	               PQgetisnull(res, row, C_ADDR_REGION) ? NULL
	                                                    : PQgetvalue(res, row, C_ADDR_REGION),
	               !PQgetisnull(res, row, C_HOLD_AT), PQgetvalue(res, row, C_APPS), &v)) != 0)
		return json_null();
	return retention_json(&v);
}

/* What the applicant agreed to when applying; null for records staff entered. */
static json_t *
consent_from_row(const PGresult *res, int row)
{
	if (PQgetisnull(res, row, C_NOTICE_AT))
		return json_null();
	return json_pack(
	    "{s:o, s:o, s:b, s:o}", "privacy_notice_version", col_text(res, row, C_NOTICE_VERSION),
	    "privacy_notice_accepted_at", col_text(res, row, C_NOTICE_AT), "age_16_or_over",
	    !PQgetisnull(res, row, C_AGE_AT), "age_attested_at", col_text(res, row, C_AGE_AT));
}

static json_t *
applicant_from_row(const PGresult *res, int row, char *v[P_COUNT], char *fv[F_COUNT])
{
	json_t *doc = json_pack("{s:o}", "id", col_text(res, row, C_ID));
	json_t *fields = editable_from_row(res, row, v, fv);

	json_object_update(doc, fields);
	json_decref(fields);
	json_object_set_new(doc, "sharing_opt_out",
	                    json_boolean(PQgetvalue(res, row, C_SHARING)[0] == 't'));
	json_object_set_new(doc, "restricted",
	                    PQgetisnull(res, row, C_RESTRICTED)
	                        ? json_null()
	                        : json_or_null(PQgetvalue(res, row, C_RESTRICTED)));
	json_object_set_new(doc, "consent", consent_from_row(res, row));
	json_object_set_new(doc, "legal_hold", hold_from_row(res, row, fv));
	json_object_set_new(doc, "retention", retention_from_row(res, row));
	json_object_set_new(doc, "created_at", col_text(res, row, C_CREATED));
	json_object_set_new(doc, "updated_at", col_text(res, row, C_UPDATED));
	json_object_set_new(doc, "version", json_integer(atol(PQgetvalue(res, row, C_VERSION))));
	return doc;
}

/* ------------------------------------------------------------------ */
/* reads and writes                                                     */

/*
 * A new record. The address is unique by its hash; a row not sealed yet
 * (before `keys seal-existing` reaches it) still holds it in plaintext, and
 * the NOT EXISTS finds it through applicants_email_key.
 */
static struct db_stmt insert_applicant = DB_STMT(
    "WITH a AS (INSERT INTO applicants (id, record_key, history_key, full_name_sealed, "
    "  email_sealed, phone_sealed, "
    "  address_sealed, social_sealed, title_sealed, job_title_sealed, source_type, "
    "  source_detail_sealed, "
    "  marketing_opt_in, email_hash, search_grams, country, region, index_epoch) "
    "  SELECT $15::uuid, $20::uuid, $21::uuid, $1::bytea, $2::bytea, $3::bytea, $4::bytea, "
    "$5::bytea, $6::bytea, $7::bytea, $8, $9::bytea, "
    "  $10::boolean, $11::bytea, $12::int[], $13, $14, $22 "
    "  WHERE NOT EXISTS (SELECT 1 FROM applicants WHERE " BY_EMAIL(
        "$19",
        "$18") ") "
               "  ON CONFLICT (email_hash) DO NOTHING RETURNING *), "
               "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
               "  SELECT $16, 'applicant.create', id, 'applicant', $17 FROM a) "
               "SELECT " COLUMNS " FROM a");

static struct db_stmt current_applicant =
    DB_STMT("SELECT " COLUMNS " FROM applicants a WHERE id = $1");

/* The record as a caller may see it: a restricted one only when $2 (HR). */
static struct db_stmt visible_applicant =
    DB_STMT("SELECT " COLUMNS
            " FROM applicants a WHERE id = $1 AND (a.restricted_at IS NULL OR $2::boolean)");

static struct db_stmt update_applicant = DB_STMT(
    "WITH a AS (UPDATE applicants SET full_name_sealed = $3::bytea, email_sealed = $4::bytea, "
    "  phone_sealed = $5::bytea, address_sealed = $6::bytea, social_sealed = $7::bytea, "
    "  title_sealed = $8::bytea, job_title_sealed = $9::bytea, source_type = $10, "
    "  source_detail_sealed = $11::bytea, title = NULL, job_title = NULL, source_detail = NULL, "
    "  marketing_opt_in = $12::boolean, email_hash = $13::bytea, search_grams = $14::int[], "
    "  country = $15, region = $16, full_name = NULL, email = NULL, phone = NULL, "
    "  address = NULL, social_handles = NULL, "
    "  sharing_opt_out = coalesce($20::boolean, sharing_opt_out), record_key = $21::uuid, "
    "  index_epoch = $22, legal_hold_reason_sealed = $23::bytea, legal_hold_reason = NULL, "
    "  version = version + 1, "
    "  updated_at = now() "
    "  WHERE id = $1 AND version = $2::int RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $17, 'applicant.update', id, $19, $18 FROM a) "
    "SELECT " COLUMNS " FROM a");

static struct db_stmt find_by_email =
    DB_STMT("SELECT id FROM applicants WHERE " BY_EMAIL("$1", "$2"));

/* Row 0 of res as the record and its version; res cleared. 0, 1 when there is none, -1. */
static int
take_record(struct db *db, PGresult *res, const unsigned char *known_key, json_t **record,
            long *version)
{
	unsigned char key[SEAL_KEY_LEN];
	char *v[P_COUNT], *fv[F_COUNT];
	bool have = false;
	int rc = 1;

	if (PQntuples(res) == 1) {
		if (known_key != NULL) {
			memcpy(key, known_key, SEAL_KEY_LEN);
			have = true;
			rc = 0;
		} else {
			rc = applicant_rows_key(db, res, 0, C_KEY, key, &have);
		}
		const char *id = PQgetvalue(res, 0, C_ID);
		if (rc == 0 && (rc = applicant_rows_open(res, 0, C_SEALED, id, have ? key : NULL, v,
		                                         P_COUNT)) == 0) {
			if ((rc = applicant_rows_open_free(res, 0, C_FREE, id, have ? key : NULL,
			                                   fv)) == 0) {
				*record = applicant_from_row(res, 0, v, fv);
				if (version != NULL)
					*version = atol(PQgetvalue(res, 0, C_VERSION));
				applicant_rows_free(fv, F_COUNT);
			}
			applicant_rows_free(v, P_COUNT);
		}
		explicit_bzero(key, sizeof(key));
	}
	PQclear(res);
	return rc;
}

int
applicants_insert(struct db *db, const json_t *doc, const char *actor, const char *request_id,
                  json_t **record, long *version)
{
	unsigned char key[SEAL_KEY_LEN], history[SEAL_KEY_LEN];
	struct applicant_row_params rp;
	const char *params[22];
	char id[37], kid[37], hid[37], *hashes;
	PGresult *res;
	int rc = -1;

	/* the address may be on record under the fold used before (email_hashes) */
	if (applicant_rows_lookup(db, json_string_value(json_object_get(doc, "email")), &hashes) !=
	    0)
		return -1;
	/* its record key and history key, made ahead (no round trip to the key database) */
	if (uuid_v4(id) != 0 || vault_fresh(kid, key) != 0) {
		free(hashes);
		db_mark_unavailable(db);
		return -1;
	}
	if (vault_fresh(hid, history) != 0) {
		free(hashes);
		db_mark_unavailable(db);
		explicit_bzero(key, sizeof(key));
		return -1;
	}
	explicit_bzero(history, sizeof(history));
	if (applicant_rows_params_init(&rp, doc, id, key) != 0) {
		free(hashes);
		db_mark_unavailable(db);
		explicit_bzero(key, sizeof(key));
		return -1;
	}
	memcpy(params, rp.v, sizeof(rp.v));
	params[14] = id;
	params[15] = actor;
	params[16] = request_id;
	params[17] = json_string_value(json_object_get(doc, "email"));
	params[18] = hashes;
	params[19] = kid;
	params[20] = hid;
	params[21] = rp.v[R_INDEX_SET];
	/* An address on record inserts nothing (never an error: the server's log would quote it).
	 */
	if ((res = db_run(db, &insert_applicant, 22, params)) != NULL)
		rc = take_record(db, res, key, record, version) == 0 ? 0 : 2;
	applicant_rows_params_fini(&rp);
	free(hashes);
	explicit_bzero(key, sizeof(key));
	if (rc != 0 && vault_destroy((const char *const[]){kid, hid}, 2) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a record not stored stays unused");
	return rc;
}

int
applicants_read(struct db *db, const char *id, bool sees_restricted, const char *actor,
                const char *request_id, json_t **record, long *version)
{
	int rc = applicants_current_for(db, id, sees_restricted, record, version);

	if (rc == 0) {
		/* answered only once its entry is committed, with those of other reads */
		struct audit_entry e = {actor, "applicant.read", id, "applicant", request_id};
		if (audit_commit_read(db, &e) != 0) {
			json_decref(*record);
			*record = NULL;
			rc = -1;
		}
	}
	return rc;
}

int
applicants_current(struct db *db, const char *id, json_t **record, long *version)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &current_applicant, 1, params);

	return res == NULL ? -1 : take_record(db, res, NULL, record, version);
}

int
applicants_current_for(struct db *db, const char *id, bool sees_restricted, json_t **record,
                       long *version)
{
	const char *params[2] = {id, sees_restricted ? "true" : "false"};
	PGresult *res = db_run(db, &visible_applicant, 2, params);

	return res == NULL ? -1 : take_record(db, res, NULL, record, version);
}

int
applicants_update(struct db *db, const char *id, long have, const json_t *doc, const char *actor,
                  const char *request_id, const char *target, json_t **record, long *version)
{
	unsigned char key[SEAL_KEY_LEN];
	const char *params[23];
	struct applicant_row_params rp;
	char v[24], kid[37], *hold = NULL;
	PGresult *res;
	json_t *sharing = json_object_get(doc, "sharing_opt_out");

	/*
	 * A new record key for every change: the values replaced stay in WAL and backups only
	 * under the old key, destroyed once this commits (migration 0030's trigger queues it).
	 */
	if (vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	if (applicant_rows_hold_resealed(db, id, key, &hold) != 0 ||
	    applicant_rows_params_init(&rp, doc, id, key) != 0) {
		free(hold);
		explicit_bzero(key, sizeof(key));
		db_mark_unavailable(db);
		return -1;
	}
	snprintf(v, sizeof(v), "%ld", have);
	params[0] = id;
	params[1] = v;
	memcpy(params + 2, rp.v, sizeof(rp.v));
	params[16] = actor;
	params[17] = request_id;
	params[18] = target;
	params[19] = sharing == NULL ? NULL : json_is_true(sharing) ? "true" : "false";
	params[20] = kid;
	params[21] = rp.v[R_INDEX_SET];
	params[22] = hold; /* the hold's reason goes under the new key with the rest */
	res = db_run(db, &update_applicant, 23, params);
	applicant_rows_params_fini(&rp);
	free(hold);
	int rc = res == NULL ? -1 : take_record(db, res, key, record, version);
	explicit_bzero(key, sizeof(key));
	if (rc == 0)
		erasure_shred_after_commit(db);
	else if (vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a change not stored stays unused");
	return rc;
}

int
applicants_find_email(struct db *db, const char *email, char id[37])
{
	char *h;
	PGresult *res;
	int rc;

	if (applicant_rows_lookup(db, email, &h) != 0)
		return -1;
	const char *params[2] = {h, email};
	rc = db_row(db, &find_by_email, 2, params, &res);
	if (rc == 0)
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	free(h);
	return rc;
}

int
applicants_find_mailbox(struct db *db, const char *email, char id[37])
{
	json_t *record = NULL;
	long version;
	int rc = applicants_find_email(db, email, id);

	if (rc == 0 && (rc = applicants_current(db, id, &record, &version)) == 0 &&
	    !fold_same_mailbox(email, json_string_value(json_object_get(record, "email"))))
		rc = 1;
	json_decref(record);
	return rc;
}

/* ------------------------------------------------------------------ */
/* legal holds and presence                                             */

/* The reason sealed under the record key ($5), or in plaintext on a row not sealed yet ($2). */
static struct db_stmt set_hold =
    DB_STMT("WITH a AS (UPDATE applicants SET legal_hold_reason = CASE WHEN email_hash IS NULL "
            "  THEN $2 END, legal_hold_reason_sealed = CASE WHEN email_hash IS NOT NULL THEN "
            "  $5::bytea END, "
            "  legal_hold_set_at = coalesce(legal_hold_set_at, now()), version = version + 1, "
            "updated_at = now() "
            "  WHERE id = $1 RETURNING id, legal_hold_set_at, version), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $3, 'legal_hold.set', id, 'applicant:legal_hold', $4 FROM a) "
            "SELECT rfc3339(legal_hold_set_at), version FROM a");

static struct db_stmt record_key_of = DB_STMT(
    "SELECT coalesce(record_key, id)::text FROM applicants WHERE id = $1 FOR NO KEY UPDATE");

static struct db_stmt lift_hold =
    DB_STMT("WITH a AS (UPDATE applicants SET legal_hold_reason = NULL, legal_hold_set_at = NULL, "
            "  legal_hold_reason_sealed = NULL, "
            "  version = version + 1, updated_at = now() WHERE id = $1 AND legal_hold_set_at IS "
            "NOT NULL RETURNING id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'legal_hold.lift', id, 'applicant:legal_hold', $3 FROM a) "
            "SELECT count(*) FROM a");

static struct db_stmt restricted_state =
    DB_STMT("SELECT restricted_at IS NOT NULL FROM applicants WHERE id = $1");

int
applicants_restricted(struct db *db, const char *id, bool *restricted)
{
	const char *params[1] = {id};
	PGresult *row;
	int rc = db_row(db, &restricted_state, 1, params, &row);

	if (rc == 0) {
		*restricted = PQgetvalue(row, 0, 0)[0] == 't';
		PQclear(row);
	}
	return rc;
}

static struct db_stmt hold_state =
    DB_STMT("SELECT legal_hold_set_at IS NOT NULL FROM applicants WHERE id = $1");

int
applicants_hold_write(struct db *db, const char *id, const char *reason, const char *actor,
                      const char *request_id, json_t **hold, long *version)
{
	const char *params[5] = {id, reason, actor, request_id, NULL};
	unsigned char key[SEAL_KEY_LEN];
	bool failed = false;
	PGresult *res;
	int rc = db_row(db, &record_key_of, 1, params, &res);

	if (rc != 0)
		return rc;
	rc = vault_key(PQgetvalue(res, 0, 0), key);
	PQclear(res);
	char *sealed =
	    rc == 0 ? vault_seal_text(key, id, "legal_hold_reason", reason, &failed) : NULL;
	explicit_bzero(key, sizeof(key));
	if (rc < 0 || failed) {
		free(sealed);
		db_mark_unavailable(db);
		return -1;
	}
	params[4] = sealed;
	if ((rc = db_row(db, &set_hold, 5, params, &res)) == 0) {
		*hold = json_pack("{s:s, s:s}", "reason", reason, "set_at", PQgetvalue(res, 0, 0));
		*version = atol(PQgetvalue(res, 0, 1));
		PQclear(res);
		/* a reason replaced dies with the record key it was sealed under */
		if ((rc = applicant_rows_rekey(db, id)) == 1)
			rc = 0;
		if (rc == 0)
			erasure_shred_after_commit(db);
	}
	free(sealed);
	return rc;
}

int
applicants_hold_clear(struct db *db, const char *id, const char *actor, const char *request_id)
{
	const char *params[3] = {id, actor, request_id};
	long lifted;

	if (db_count(db, &lift_hold, 3, params, &lifted) != 0)
		return -1;
	if (lifted != 1)
		return 1;
	int rc = applicant_rows_rekey(db, id); /* the reason's copies die with the old key */
	if (rc < 0)
		return -1;
	erasure_shred_after_commit(db);
	return 0;
}

int
applicants_held(struct db *db, const char *id, bool *held)
{
	const char *params[1] = {id};
	PGresult *res;
	int rc = db_row(db, &hold_state, 1, params, &res);

	if (rc == 0)
		*held = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return rc;
}

int
applicants_exists(struct db *db, const char *id)
{
	bool held;

	return applicants_held(db, id, &held);
}
