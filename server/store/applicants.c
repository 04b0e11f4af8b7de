/*
 * applicants: the applicant's row, and the only module that reads or writes
 * an applicant's personal columns (full_name, email, phone, address,
 * social_handles), sealed under the applicant's data key (store/vault.h):
 * the only place that seals and opens them, and that hashes an address or
 * a name's trigrams to find them. Nothing here knows a request: callers pass who acts (the
 * actor and request id for the audit entry) and get JSON back.
 *
 * Every statement that changes a record writes its audit entry in the same
 * statement (a data-modifying CTE), so a record is never changed without
 * its entry, and the pair costs one round trip. A read is a plain SELECT
 * (no read-write transaction), and is answered only once its entry is
 * committed, with those of the reads going on at the same time
 * (store/audit.h). Deleting is erasure.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "domain/profile.h"
#include "domain/retention.h"
#include "domain/search.h"
#include "store/applicants.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/vault.h"

/*
 * The personal values: sealed under the applicant's data key (a row sealed
 * when email_hash is set), or, for a row from before the keys that
 * `recruitctl keys seal-existing` has not reached yet, in the plaintext
 * columns. Either way they come back as text: the sealed ones as bytea's
 * "\x..." form.
 */
#define PERSONAL_COLUMNS(a)                                                                        \
	a ".email_hash IS NOT NULL, coalesce(" a ".full_name_sealed::text, " a ".full_name), "     \
	  "coalesce(" a ".email_sealed::text, " a ".email), coalesce(" a ".phone_sealed::text, " a \
	  ".phone), coalesce(" a ".address_sealed::text, " a ".address::text), coalesce(" a        \
	  ".social_sealed::text, " a ".social_handles::text)"

enum { P_NAME, P_EMAIL, P_PHONE, P_ADDRESS, P_SOCIAL, P_COUNT };
static const char *const personal_field[P_COUNT] = {"full_name", "email", "phone", "address",
                                                    "social_handles"};

#define COLUMNS                                                                                    \
	"a.id, " PERSONAL_COLUMNS(                                                                 \
	    "a") ", a.title, a.job_title, a.source_type, a.source_detail, "                        \
	         "a.marketing_opt_in, "                                                            \
	         "a.legal_hold_reason, rfc3339(a.legal_hold_set_at), "                             \
	         "rfc3339(a.created_at), "                                                         \
	         "rfc3339(a.updated_at), a.version, a.privacy_notice_version, "                    \
	         "rfc3339(a.privacy_notice_accepted_at), "                                         \
	         "rfc3339(a.age_16_or_over_at), "                                                  \
	         "extract(epoch FROM a.created_at), a.country, "                                   \
	         "a.region, " RETENTION_APPS_SQL ", " RETENTION_POLICIES_SQL                       \
	         ", a.sharing_opt_out, a.restricted_at IS NOT NULL"

enum {
	C_ID,
	C_SEALED,
	C_NAME,
	C_EMAIL,
	C_PHONE,
	C_ADDRESS,
	C_SOCIAL,
	C_TITLE,
	C_JOB,
	C_SRC_TYPE,
	C_SRC_DETAIL,
	C_MARKETING,
	C_HOLD_REASON,
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

static void
personal_free(char *v[], int n)
{
	for (int i = 0; i < n; i++) {
		if (v[i] != NULL)
			explicit_bzero(v[i], strlen(v[i]));
		free(v[i]);
		v[i] = NULL;
	}
}

/*
 * Open the first n personal values of row (columns from col: the sealed
 * flag, then the values in personal_field's order) into v: 0, or 1 when a
 * sealed one does not open (the key is gone: the record is as good as
 * erased). key may be NULL when the row is not sealed.
 */
static int
personal_open(const PGresult *res, int row, int col, const char *id, const unsigned char *key,
              char *v[], int n)
{
	bool sealed = PQgetvalue(res, row, col)[0] == 't';

	for (int i = 0; i < n; i++) {
		v[i] = NULL;
		if (PQgetisnull(res, row, col + 1 + i))
			continue;
		const char *text = PQgetvalue(res, row, col + 1 + i);
		if (!sealed)
			v[i] = xstrdup(text);
		else if (key == NULL ||
		         (v[i] = vault_open_text(key, id, personal_field[i], text)) == NULL) {
			personal_free(v, i);
			return 1;
		}
	}
	return 0;
}

/* The editable members, in the order clients see them. */
static json_t *
editable_from_row(const PGresult *res, int row, char *v[P_COUNT])
{
	json_t *doc = json_object();
	json_t *addr = json_or_null(v[P_ADDRESS]);
	json_t *social = json_or_null(v[P_SOCIAL]);

	json_object_set_new(doc, "full_name", text_or_null(v[P_NAME]));
	json_object_set_new(doc, "email", text_or_null(v[P_EMAIL]));
	json_object_set_new(doc, "phone", text_or_null(v[P_PHONE]));
	json_object_set_new(doc, "title", col_text(res, row, C_TITLE));
	json_object_set_new(doc, "job_title", col_text(res, row, C_JOB));
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
	                              "detail", col_text(res, row, C_SRC_DETAIL)));
	json_object_set_new(doc, "marketing_opt_in",
	                    json_boolean(PQgetvalue(res, row, C_MARKETING)[0] == 't'));
	return doc;
}

static json_t *
hold_from_row(const PGresult *res, int row)
{
	if (PQgetisnull(res, row, C_HOLD_AT))
		return json_null();
	return json_pack("{s:o, s:o}", "reason", col_text(res, row, C_HOLD_REASON), "set_at",
	                 col_text(res, row, C_HOLD_AT));
}

/* Where the record stands: when it expires and what keeps it. */
static json_t *
retention_from_row(const PGresult *res, int row)
{
	const struct policies *p = retention_policies_cached(PQgetvalue(res, row, C_POLICIES));
	struct verdict v;

	bool restricted = PQgetvalue(res, row, C_RESTRICTED)[0] == 't';

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
applicant_from_row(const PGresult *res, int row, char *v[P_COUNT])
{
	json_t *doc = json_pack("{s:o}", "id", col_text(res, row, C_ID));
	json_t *fields = editable_from_row(res, row, v);

	json_object_update(doc, fields);
	json_decref(fields);
	json_object_set_new(doc, "sharing_opt_out",
	                    json_boolean(PQgetvalue(res, row, C_SHARING)[0] == 't'));
	json_object_set_new(doc, "restricted",
	                    json_boolean(PQgetvalue(res, row, C_RESTRICTED)[0] == 't'));
	json_object_set_new(doc, "consent", consent_from_row(res, row));
	json_object_set_new(doc, "legal_hold", hold_from_row(res, row));
	json_object_set_new(doc, "retention", retention_from_row(res, row));
	json_object_set_new(doc, "created_at", col_text(res, row, C_CREATED));
	json_object_set_new(doc, "updated_at", col_text(res, row, C_UPDATED));
	json_object_set_new(doc, "version", json_integer(atol(PQgetvalue(res, row, C_VERSION))));
	return doc;
}

/* ------------------------------------------------------------------ */
/* sealing a record's values                                            */

/* HMAC of folded under the index key, as bytea text ("\x..."), or NULL. */
static char *
folded_hash(const char *folded)
{
	unsigned char h[32];
	char *out = NULL;

	if (vault_hash(folded, strlen(folded), h) == 0) {
		out = xmalloc(2 * sizeof(h) + 3);
		memcpy(out, "\\x", 2);
		hex_encode(h, sizeof(h), out + 2);
	}
	return out;
}

/* The hash an address is stored and found by: HMAC of its folded form (core/fold.h). */
static char *
email_hash(const char *email)
{
	char *folded = fold_email(email), *out = folded_hash(folded);

	free(folded);
	return out;
}

/*
 * The hashes an address may be on record under, as a bytea[] literal: the
 * current fold's, and, for an address that folds otherwise under the fold
 * used before core/fold.h (the C.UTF-8 locale's towlower, search_fold: "ß"
 * kept, decomposed accents kept), that one too. ASCII folds alike under both,
 * so only non-ASCII addresses written before have the second; each row moves
 * to the current hash when the record is next written.
 */
static char *
email_hashes(const char *email)
{
	char *now = fold_email(email), *before = search_fold(email);
	char *h1 = folded_hash(now), *h2 = strcmp(now, before) != 0 ? folded_hash(before) : NULL;
	char *out = NULL;

	if (h1 != NULL && (h2 != NULL || strcmp(now, before) == 0))
		out = h2 != NULL ? xasprintf("{\"\\%s\",\"\\%s\"}", h1, h2)
		                 : xasprintf("{\"\\%s\"}", h1);
	free(now);
	free(before);
	free(h1);
	free(h2);
	return out;
}

/* email_hashes, or -1 with the database marked unavailable (no index key). */
static int
lookup_hashes(struct db *db, const char *email, char **hashes)
{
	if ((*hashes = email_hashes(email)) == NULL) {
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
}

/* By the address's hash, or in plaintext on a row not sealed yet. */
#define BY_EMAIL(h, e)                                                                             \
	"(email_hash = ANY (" h "::bytea[]) OR (email_hash IS NULL AND lower(email) = lower(" e    \
	")))"

struct grams {
	struct buf b;
	size_t n;
	int failed;
};

static void
add_gram(const char *gram, size_t len, void *arg)
{
	struct grams *g = arg;
	unsigned char h[32];
	int32_t v;

	if (vault_hash(gram, len, h) != 0) {
		g->failed = 1;
		return;
	}
	memcpy(&v, h, sizeof(v));
	if (buf_printf(&g->b, "%s%d", g->n++ ? "," : "{", (int)v) != 0)
		g->failed = 1;
}

/* The keyed hashes of the trigrams of texts (NULL ones skipped) as an int[] literal, or NULL. */
static char *
grams_of(const char *const *texts, int n, size_t *count)
{
	struct grams g = {0};

	buf_init(&g.b, (size_t)1 << 20);
	for (int i = 0; i < n; i++)
		if (texts[i] != NULL)
			search_trigrams(texts[i], add_gram, &g);
	if (g.failed || buf_printf(&g.b, "%s}", g.n ? "" : "{") != 0) {
		buf_fini(&g.b);
		return NULL;
	}
	if (count != NULL)
		*count = g.n;
	return buf_steal(&g.b);
}

/* The editable members as statement parameters, the personal ones sealed. */
enum {
	R_NAME,
	R_EMAIL,
	R_PHONE,
	R_ADDRESS,
	R_SOCIAL,
	R_TITLE,
	R_JOB,
	R_SRC_TYPE,
	R_SRC_DETAIL,
	R_MARKETING,
	R_EMAIL_HASH,
	R_GRAMS,
	R_COUNTRY,
	R_REGION,
	R_COUNT
};

struct row_params {
	const char *v[R_COUNT];
	char *owned[R_COUNT];
};

static void
row_params_fini(struct row_params *rp)
{
	for (int i = 0; i < R_COUNT; i++)
		free(rp->owned[i]);
}

/* From a normalised document: 0, or -1 when a value cannot be sealed or hashed. */
static int
row_params_init(struct row_params *rp, const json_t *doc, const char *id,
                const unsigned char key[SEAL_KEY_LEN])
{
	json_t *a = json_object_get(doc, "address");
	json_t *s = json_object_get(doc, "source");
	char *address = json_is_object(a) ? jsonx_dump(a) : NULL;
	char *social = jsonx_dump(json_object_get(doc, "social_handles"));
	const char *plain[P_COUNT] = {json_string_value(json_object_get(doc, "full_name")),
	                              json_string_value(json_object_get(doc, "email")),
	                              json_string_value(json_object_get(doc, "phone")), address,
	                              social};
	bool failed = false;

	memset(rp, 0, sizeof(*rp));
	for (int i = 0; i < P_COUNT; i++)
		rp->v[i] = rp->owned[i] =
		    vault_seal_text(key, id, personal_field[i], plain[i], &failed);
	rp->v[R_TITLE] = json_string_value(json_object_get(doc, "title"));
	rp->v[R_JOB] = json_string_value(json_object_get(doc, "job_title"));
	rp->v[R_SRC_TYPE] = json_string_value(json_object_get(s, "type"));
	rp->v[R_SRC_DETAIL] = json_string_value(json_object_get(s, "detail"));
	rp->v[R_MARKETING] =
	    json_is_true(json_object_get(doc, "marketing_opt_in")) ? "true" : "false";
	rp->v[R_EMAIL_HASH] = rp->owned[R_EMAIL_HASH] = email_hash(plain[P_EMAIL]);
	rp->v[R_GRAMS] = rp->owned[R_GRAMS] = grams_of(plain, 2, NULL);
	rp->v[R_COUNTRY] = json_string_value(json_object_get(a, "country"));
	rp->v[R_REGION] = json_string_value(json_object_get(a, "region"));
	if (address)
		explicit_bzero(address, strlen(address));
	explicit_bzero(social, strlen(social));
	free(address);
	free(social);
	if (failed || rp->v[R_EMAIL_HASH] == NULL || rp->v[R_GRAMS] == NULL) {
		row_params_fini(rp);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* reads and writes                                                     */

/*
 * A new record. The address is unique by its hash; a row not sealed yet
 * (before `keys seal-existing` reaches it) still holds it in plaintext, and
 * the NOT EXISTS finds it through applicants_email_key.
 */
static struct db_stmt insert_applicant = DB_STMT(
    "WITH a AS (INSERT INTO applicants (id, full_name_sealed, email_sealed, phone_sealed, "
    "  address_sealed, social_sealed, title, job_title, source_type, source_detail, "
    "  marketing_opt_in, email_hash, search_grams, country, region) "
    "  SELECT $15::uuid, $1::bytea, $2::bytea, $3::bytea, $4::bytea, $5::bytea, $6, $7, $8, $9, "
    "  $10::boolean, $11::bytea, $12::int[], $13, $14 "
    "  WHERE NOT EXISTS (SELECT 1 FROM applicants WHERE " BY_EMAIL(
        "$19",
        "$18") ") "
               "  ON CONFLICT (email_hash) DO NOTHING RETURNING *), "
               "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
               "  SELECT $16, 'applicant.create', id, 'applicant', $17 FROM a) "
               "SELECT " COLUMNS " FROM a");

static struct db_stmt current_applicant =
    DB_STMT("SELECT " COLUMNS " FROM applicants a WHERE id = $1");

static struct db_stmt update_applicant = DB_STMT(
    "WITH a AS (UPDATE applicants SET full_name_sealed = $3::bytea, email_sealed = $4::bytea, "
    "  phone_sealed = $5::bytea, address_sealed = $6::bytea, social_sealed = $7::bytea, "
    "  title = $8, job_title = $9, source_type = $10, source_detail = $11, "
    "  marketing_opt_in = $12::boolean, email_hash = $13::bytea, search_grams = $14::int[], "
    "  country = $15, region = $16, full_name = NULL, email = NULL, phone = NULL, "
    "  address = NULL, social_handles = NULL, "
    "  sharing_opt_out = coalesce($20::boolean, sharing_opt_out), version = version + 1, "
    "  updated_at = now() "
    "  WHERE id = $1 AND version = $2::int RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $17, 'applicant.update', id, $19, $18 FROM a) "
    "SELECT " COLUMNS " FROM a");

static struct db_stmt find_by_email =
    DB_STMT("SELECT id FROM applicants WHERE " BY_EMAIL("$1", "$2"));

/* The key of the row's applicant into key (when sealed): 0, 1 when gone, -1 unavailable. */
static int
row_key(struct db *db, const PGresult *res, int row, int sealed_col,
        unsigned char key[SEAL_KEY_LEN], bool *have)
{
	int rc;

	*have = false;
	if (PQgetvalue(res, row, sealed_col)[0] != 't')
		return 0;
	if ((rc = vault_key(PQgetvalue(res, row, 0), key)) < 0) {
		db_mark_unavailable(db);
		return -1;
	}
	*have = rc == 0;
	return rc;
}

/* Row 0 of res as the record and its version; res cleared. 0, 1 when there is none, -1. */
static int
take_record(struct db *db, PGresult *res, const unsigned char *known_key, json_t **record,
            long *version)
{
	unsigned char key[SEAL_KEY_LEN];
	char *v[P_COUNT];
	bool have = false;
	int rc = 1;

	if (PQntuples(res) == 1) {
		if (known_key != NULL) {
			memcpy(key, known_key, SEAL_KEY_LEN);
			have = true;
			rc = 0;
		} else {
			rc = row_key(db, res, 0, C_SEALED, key, &have);
		}
		if (rc == 0 && (rc = personal_open(res, 0, C_SEALED, PQgetvalue(res, 0, C_ID),
		                                   have ? key : NULL, v, P_COUNT)) == 0) {
			*record = applicant_from_row(res, 0, v);
			if (version != NULL)
				*version = atol(PQgetvalue(res, 0, C_VERSION));
			personal_free(v, P_COUNT);
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
	unsigned char key[SEAL_KEY_LEN];
	struct row_params rp;
	const char *params[19];
	char id[37], *hashes;
	PGresult *res;
	int rc = -1;

	/* the address may be on record under the fold used before (email_hashes) */
	if (lookup_hashes(db, json_string_value(json_object_get(doc, "email")), &hashes) != 0)
		return -1;
	if (vault_fresh(id, key) != 0) {
		free(hashes);
		db_mark_unavailable(db);
		return -1;
	}
	if (row_params_init(&rp, doc, id, key) != 0) {
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
	/* An address on record inserts nothing (never an error: the server's log would quote it).
	 */
	if ((res = db_run(db, &insert_applicant, 19, params)) != NULL)
		rc = take_record(db, res, key, record, version) == 0 ? 0 : 2;
	row_params_fini(&rp);
	free(hashes);
	explicit_bzero(key, sizeof(key));
	if (rc != 0 && vault_destroy((const char *const[]){id}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a record not stored stays unused");
	return rc;
}

int
applicants_read(struct db *db, const char *id, const char *actor, const char *request_id,
                json_t **record, long *version)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &current_applicant, 1, params);
	int rc = res == NULL ? -1 : take_record(db, res, NULL, record, version);

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
applicants_update(struct db *db, const char *id, long have, const json_t *doc, const char *actor,
                  const char *request_id, const char *target, json_t **record, long *version)
{
	unsigned char key[SEAL_KEY_LEN];
	const char *params[20];
	struct row_params rp;
	char v[24];
	PGresult *res;
	json_t *sharing = json_object_get(doc, "sharing_opt_out");

	/* its own key, or a new one for a row not sealed yet */
	if (vault_key_or_new(id, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	if (row_params_init(&rp, doc, id, key) != 0) {
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
	res = db_run(db, &update_applicant, 20, params);
	row_params_fini(&rp);
	int rc = res == NULL ? -1 : take_record(db, res, key, record, version);
	explicit_bzero(key, sizeof(key));
	return rc;
}

int
applicants_email_hash(struct db *db, const char *email, char **hash)
{
	if ((*hash = email_hash(email)) == NULL) {
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
}

int
applicants_find_email(struct db *db, const char *email, char id[37])
{
	char *h;
	PGresult *res;
	int rc;

	if (lookup_hashes(db, email, &h) != 0)
		return -1;
	const char *params[2] = {h, email};
	rc = db_row(db, &find_by_email, 2, params, &res);
	if (rc == 0)
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	free(h);
	return rc;
}

/* ------------------------------------------------------------------ */
/* lists and searches                                                   */

/*
 * A page of summaries, newest first. With ?q=, candidates come from the
 * keyed trigram hashes (search_grams @> the query's), or from every row for
 * a query too short to have a trigram, batch by batch in the list's order;
 * each is decrypted and confirmed (search_contains) until a page and the
 * next one's first are found. Rows not sealed yet are always candidates.
 */
#define LIST_COLUMNS                                                                               \
	"id, " PERSONAL_COLUMNS("a") ", job_title, rfc3339(created_at), rfc3339(updated_at), "     \
	                             "version, created_at"
enum { L_ID, L_SEALED, L_NAME, L_EMAIL, L_JOB = 7, L_CREATED, L_UPDATED, L_VERSION, L_KEY1 };
#define LIST_ORDER " ORDER BY created_at DESC, id DESC LIMIT $3"

static struct db_stmt list_all = DB_STMT(
    "SELECT " LIST_COLUMNS " FROM applicants a "
    "WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND restricted_at IS NULL" LIST_ORDER);

/*
 * A search looks first among the newest records before the cursor, ten
 * pages' worth, then a hundred (a common pattern finds its page there,
 * walking the list's index), then, for what is left, gathers the candidates
 * through the trigram index and sorts them: a rare pattern never walks the
 * whole table in order, whatever the planner guesses about how matches are
 * spread in time, and a common one never gathers all of its thousands of
 * candidates (one in ten of a million records match "Knuth" in make bench).
 */
#define SEARCH_WINDOW 10
#define CANDIDATES "(search_grams @> $4::int[] OR email_hash IS NULL)"

static struct db_stmt search_recent =
    DB_STMT("SELECT " LIST_COLUMNS " FROM ("
            "  SELECT * FROM applicants "
            "  WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND restricted_at IS NULL "
            "  ORDER BY created_at DESC, id DESC LIMIT $5) a "
            "WHERE " CANDIDATES LIST_ORDER);

static struct db_stmt search_sparse =
    DB_STMT("WITH m AS MATERIALIZED ("
            "  SELECT * FROM applicants "
            "  WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND restricted_at IS NULL "
            "  AND " CANDIDATES ") "
            "SELECT " LIST_COLUMNS " FROM m a" LIST_ORDER);

/* With opening_id and/or stage: applicants with an application that matches both. */
static struct db_stmt list_filtered = DB_STMT_PLANNED_EACH_TIME(
    "SELECT " LIST_COLUMNS " FROM applicants a "
    "WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND a.restricted_at IS NULL "
    "AND ($4::int[] IS NULL OR search_grams @> $4::int[] OR email_hash IS NULL) "
    "AND EXISTS (SELECT 1 FROM applications p WHERE p.applicant_id = a.id "
    "  AND ($5::uuid IS NULL OR p.opening_id = $5::uuid) AND ($6::text IS NULL OR p.stage = "
    "$6))" LIST_ORDER);

struct page {
	json_t *items;
	int want;            /* a page and the next one's first */
	char k1[64], k2[37]; /* the keyset after the last row looked at */
	int failed;
};

static json_t *
summary(const PGresult *res, int i, char *v[2])
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "id", PQgetvalue(res, i, L_ID),
	                 "full_name", text_or_null(v[0]), "email", text_or_null(v[1]), "job_title",
	                 col_text(res, i, L_JOB), "created_at", col_text(res, i, L_CREATED),
	                 "updated_at", col_text(res, i, L_UPDATED), "version",
	                 (json_int_t)atol(PQgetvalue(res, i, L_VERSION)));
}

/*
 * Add the rows of res that match q (all of them when q is NULL) to the
 * page, until it is full; res cleared. The keyset moves past each row looked at.
 */
static void
take_rows(struct db *db, struct page *pg, PGresult *res, const char *q)
{
	int n = PQntuples(res);
	const char **ids = xcalloc((size_t)n + 1, sizeof(*ids));
	unsigned char(*keys)[SEAL_KEY_LEN] = xcalloc((size_t)n + 1, SEAL_KEY_LEN);
	bool *found = xcalloc((size_t)n + 1, sizeof(*found));
	for (int i = 0; i < n; i++)
		ids[i] = PQgetvalue(res, i, L_ID);
	if (vault_keys(ids, (size_t)n, keys, found) != 0) {
		db_mark_unavailable(db);
		pg->failed = 1;
		n = 0;
	}
	for (int i = 0; i < n && (int)json_array_size(pg->items) < pg->want; i++) {
		char *v[2];
		snprintf(pg->k1, sizeof(pg->k1), "%s", PQgetvalue(res, i, L_KEY1));
		snprintf(pg->k2, sizeof(pg->k2), "%s", ids[i]);
		if (personal_open(res, i, L_SEALED, ids[i], found[i] ? keys[i] : NULL, v, 2) != 0)
			continue; /* its key is gone: erased, whatever rows remain */
		if (q == NULL || (v[0] && search_contains(v[0], q)) ||
		    (v[1] && search_contains(v[1], q)))
			json_array_append_new(pg->items, summary(res, i, v));
		personal_free(v, 2);
	}
	explicit_bzero(keys, ((size_t)n + 1) * SEAL_KEY_LEN);
	free(keys);
	free(found);
	free(ids);
	PQclear(res);
}

#define SEARCH_BATCH 500

/* Walk st in batches from the cursor until the page is full or the rows end. */
static void
walk(struct db *db, struct page *pg, struct db_stmt *st, const char *grams, const char *q,
     const struct applicant_query *aq)
{
	/* without a query every row is on the page: a page's worth is enough */
	int size = q != NULL ? SEARCH_BATCH : pg->want;
	char batch[16];

	snprintf(batch, sizeof(batch), "%d", size);
	while (!pg->failed && (int)json_array_size(pg->items) < pg->want) {
		const char *params[6] = {pg->k1, pg->k2, batch, grams, aq->opening, aq->stage};
		PGresult *res = db_run(db, st,
		                       st == &list_filtered ? 6
		                       : st == &list_all    ? 3
		                                            : 4,
		                       params);
		if (res == NULL) {
			pg->failed = 1;
			return;
		}
		int rows = PQntuples(res);
		take_rows(db, pg, res, q);
		if (rows < size)
			return;
	}
}

json_t *
applicants_page(struct db *db, const struct applicant_query *aq)
{
	const char *q = aq->q && *aq->q ? aq->q : NULL;
	struct page pg = {.items = json_array(), .want = aq->limit + 1};
	size_t ngrams = 0;
	char *grams = q ? grams_of(&q, 1, &ngrams) : NULL;

	snprintf(pg.k1, sizeof(pg.k1), "%s", aq->k1);
	snprintf(pg.k2, sizeof(pg.k2), "%s", aq->k2);
	if (q != NULL && grams == NULL) {
		db_mark_unavailable(db);
		pg.failed = 1;
	} else if (aq->opening || aq->stage) {
		walk(db, &pg, &list_filtered, ngrams ? grams : NULL, q, aq);
	} else if (q != NULL && ngrams > 0) {
		/* ten pages' worth of the newest records, then a hundred, from the last candidate
		 * looked at (every one before it was looked at) */
		for (int w = SEARCH_WINDOW; w <= 10 * SEARCH_WINDOW && !pg.failed &&
		                            (int)json_array_size(pg.items) < pg.want;
		     w *= 10) {
			char window[16];
			snprintf(window, sizeof(window), "%d", w * pg.want);
			const char *params[5] = {pg.k1, pg.k2, aq->limit_param, grams, window};
			PGresult *res = db_run(db, &search_recent, 5, params);
			if (res == NULL)
				pg.failed = 1;
			else
				take_rows(db, &pg, res, q);
		}
		/* Less than a page among the windows' candidates: the rest through the index. */
		if (!pg.failed && (int)json_array_size(pg.items) < pg.want)
			walk(db, &pg, &search_sparse, grams, q, aq);
	} else if (q != NULL) {
		walk(db, &pg, &list_all, NULL, q, aq); /* no trigram: every row is a candidate */
	} else {
		const char *params[3] = {pg.k1, pg.k2, aq->limit_param};
		PGresult *res = db_run(db, &list_all, 3, params);
		if (res == NULL)
			pg.failed = 1;
		else
			take_rows(db, &pg, res, NULL);
	}
	free(grams);
	if (pg.failed) {
		json_decref(pg.items);
		return NULL;
	}
	return pg.items;
}

/* ------------------------------------------------------------------ */
/* legal holds and presence                                             */

static struct db_stmt set_hold =
    DB_STMT("WITH a AS (UPDATE applicants SET legal_hold_reason = $2, "
            "  legal_hold_set_at = coalesce(legal_hold_set_at, now()), version = version + 1, "
            "updated_at = now() "
            "  WHERE id = $1 RETURNING id, legal_hold_reason, legal_hold_set_at, version), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $3, 'legal_hold.set', id, 'applicant:legal_hold', $4 FROM a) "
            "SELECT json_build_object('reason', legal_hold_reason, 'set_at', "
            "rfc3339(legal_hold_set_at))::text, version "
            "FROM a");

static struct db_stmt lift_hold =
    DB_STMT("WITH a AS (UPDATE applicants SET legal_hold_reason = NULL, legal_hold_set_at = NULL, "
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
	const char *params[4] = {id, reason, actor, request_id};
	PGresult *res;
	int rc = db_row(db, &set_hold, 4, params, &res);

	if (rc == 0) {
		*hold = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		*version = atol(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

int
applicants_hold_clear(struct db *db, const char *id, const char *actor, const char *request_id)
{
	const char *params[3] = {id, actor, request_id};
	long lifted;

	if (db_count(db, &lift_hold, 3, params, &lifted) != 0)
		return -1;
	return lifted == 1 ? 0 : 1;
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

/* ------------------------------------------------------------------ */
/* a privacy request's erasure, held back by a floor or a hold          */

static struct db_stmt restrict_record = DB_STMT(
    "WITH a AS (UPDATE applicants SET restricted_at = now(), marketing_opt_in = false, "
    "    social_handles = NULL, social_sealed = NULL, version = version + 1, updated_at = now() "
    "  WHERE id = $1 RETURNING id), "
    "d AS (DELETE FROM documents WHERE applicant_id IN (SELECT id FROM a) AND kind <> 'resume' "
    "  RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.restrict', id, "
    "    'marketing_opt_in,social_handles,documents:' || (SELECT count(*) FROM d), $2 FROM a) "
    "SELECT (SELECT count(*) FROM d) FROM a");

int
applicants_restrict(struct db *db, const char *id, const char *request_id, long *documents)
{
	const char *params[2] = {id, request_id};
	PGresult *row;
	int rc = db_row(db, &restrict_record, 2, params, &row);

	if (rc == 0) {
		*documents = strtol(PQgetvalue(row, 0, 0), NULL, 10);
		PQclear(row);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* a privacy request's opt-out                                          */

static struct db_stmt opt_out = DB_STMT(
    "WITH a AS (UPDATE applicants SET marketing_opt_in = false, sharing_opt_out = true, "
    "    version = version + 1, updated_at = now() "
    "  WHERE " BY_EMAIL(
        "$1",
        "$4") " RETURNING id), "
              "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
              "  SELECT $2, 'applicant.update', id, 'marketing_opt_in,sharing_opt_out', $3 FROM a) "
              "SELECT id FROM a");

int
applicants_opt_out(struct db *db, const char *email, const char *actor, const char *request_id,
                   char id[37])
{
	PGresult *row;
	char *h;
	int rc;

	if (lookup_hashes(db, email, &h) != 0)
		return -1;
	const char *params[4] = {h, actor, request_id, email};
	if ((rc = db_row(db, &opt_out, 4, params, &row)) == 0) {
		snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	free(h);
	return rc;
}

static struct db_stmt share_opt_out = DB_STMT(
    "WITH a AS (UPDATE applicants SET sharing_opt_out = true, version = version + 1, "
    "    updated_at = now() "
    "  WHERE " BY_EMAIL(
        "$1", "$4") " AND NOT sharing_opt_out RETURNING id), "
                    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
                    "  SELECT $2, 'applicant.update', id, 'sharing_opt_out', $3 FROM a) "
                    "SELECT count(*) FROM a");

int
applicants_share_opt_out(struct db *db, const char *email, const char *actor,
                         const char *request_id)
{
	char *h;
	long n;
	int rc;

	if (lookup_hashes(db, email, &h) != 0)
		return -1;
	const char *params[4] = {h, actor, request_id, email};
	rc = db_count(db, &share_opt_out, 4, params, &n);
	free(h);
	return rc;
}

/* ------------------------------------------------------------------ */
/* confirming a pending submission                                      */

static struct db_stmt lock_by_email =
    DB_STMT("SELECT id FROM applicants WHERE " BY_EMAIL("$1", "$2") " FOR NO KEY UPDATE");

static struct db_stmt insert_from_pending = DB_STMT(
    "WITH a AS (INSERT INTO applicants (id, full_name_sealed, email_sealed, phone_sealed, "
    "    email_hash, search_grams, source_type, marketing_opt_in, privacy_notice_version, "
    "    privacy_notice_accepted_at, age_16_or_over_at, sharing_opt_out) "
    "  SELECT $4::uuid, $5::bytea, $6::bytea, $7::bytea, $8::bytea, $9::int[], 'direct', "
    "    marketing_opt_in, privacy_notice_version, accepted_at, accepted_at, "
    "    sharing_opt_out OR $2::boolean FROM pending_submissions "
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
                    const char *gpc, const char *request_id, const char *hash, char id[37])
{
	unsigned char key[SEAL_KEY_LEN];
	char *sealed[3] = {NULL, NULL, NULL}, *grams;
	bool failed = false;
	PGresult *row;
	int rc = -1;

	if (vault_fresh(id, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	for (int i = 0; i < 3; i++)
		sealed[i] = vault_seal_text(key, id, personal_field[i], contact[i], &failed);
	explicit_bzero(key, sizeof(key));
	if ((grams = grams_of(contact, 2, NULL)) != NULL && !failed) {
		const char *params[10] = {pending_id, gpc,       request_id, id,    sealed[0],
		                          sealed[1],  sealed[2], hash,       grams, contact[1]};
		rc = db_row(db, &insert_from_pending, 10, params, &row);
		if (rc == 0)
			PQclear(row);
	} else {
		db_mark_unavailable(db);
	}
	for (int i = 0; i < 3; i++)
		free(sealed[i]);
	free(grams);
	if (rc != 0 && vault_destroy((const char *const[]){id}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a record not stored stays unused");
	return rc;
}

int
applicants_adopt(struct db *db, const char *pending_id, const char *const contact[3], bool gpc,
                 const char *request_id, char id[37], bool *created)
{
	const char *g = gpc ? "true" : "false";
	PGresult *row;
	char *hash, *hashes;
	int rc = 1;

	*created = false;
	if (applicants_email_hash(db, contact[1], &hash) != 0)
		return -1;
	if (lookup_hashes(db, contact[1], &hashes) != 0) {
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
		if ((rc = create_from_pending(db, pending_id, contact, g, request_id, hash, id)) <
		    0)
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

/* ------------------------------------------------------------------ */
/* retention subjects                                                   */

#define SUBJECT_COLUMNS                                                                            \
	"a.id, extract(epoch FROM a.created_at), a.country, a.region, "                            \
	"a.legal_hold_set_at IS NOT NULL, " RETENTION_APPS_SQL ", a.restricted_at IS NOT NULL"

/*
 * The retention walk: a cursor over the ids of applicants that may be due,
 * in id order, made once with a hash anti-join (one pass over applicants
 * and applications) and kept past commits (WITH HOLD), then fetched a batch
 * at a time. An applicant with an open application is never due
 * (domain/retention.c), so they are left out here instead of each one's
 * applications being built and judged; walking the primary key and probing
 * each applicant's applications instead read a million rows at random, 22 s
 * of a purge at a million applicants; this takes about a second there
 * (make bench). A restricted record is judged whatever it holds.
 */
#define WALK_CURSOR "retention_walk"

int
applicants_walk_begin(struct db *db)
{
	if (db_exec(db, "CLOSE ALL") != 0 || db_begin(db) != 0)
		return -1;
	/* a UNION: with an OR, the anti-join became a probe per applicant again */
	if (db_exec(db,
	            "DECLARE " WALK_CURSOR " NO SCROLL CURSOR WITH HOLD FOR "
	            "SELECT a.id FROM applicants a WHERE NOT EXISTS (SELECT 1 FROM applications p "
	            "WHERE p.applicant_id = a.id AND p.stage NOT IN ('rejected', 'withdrawn', "
	            "'hired')) UNION SELECT id FROM applicants WHERE restricted_at IS NOT NULL "
	            "ORDER BY 1") != 0 ||
	    db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

PGresult *
applicants_walk_next(struct db *db, int limit)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM " WALK_CURSOR, limit);
	return db_query(db, sql);
}

void
applicants_walk_end(struct db *db)
{
	(void)!db_exec(db, "CLOSE ALL");
}

static struct db_stmt subjects_of = DB_STMT(
    "SELECT " SUBJECT_COLUMNS " FROM applicants a WHERE a.id = ANY ($1::uuid[]) ORDER BY a.id");

PGresult *
applicants_subjects(struct db *db, const char *ids)
{
	const char *params[1] = {ids};

	return db_run(db, &subjects_of, 1, params);
}

static struct db_stmt count_all = DB_STMT("SELECT count(*) FROM applicants");

int
applicants_count(struct db *db, long *n)
{
	return db_count(db, &count_all, 0, NULL, n);
}

static struct db_stmt lock_batch = DB_STMT(
    "SELECT " SUBJECT_COLUMNS " FROM applicants a WHERE a.id = ANY ($1::uuid[]) ORDER BY a.id "
    "FOR UPDATE SKIP LOCKED");

PGresult *
applicants_lock_subjects(struct db *db, const char *ids)
{
	const char *params[1] = {ids};

	return db_run(db, &lock_batch, 1, params);
}

/* ------------------------------------------------------------------ */
/* sealing rows from before the keys (recruitctl keys seal-existing)    */

static struct db_stmt unsealed_batch =
    DB_STMT("SELECT id, full_name, email, phone, address::text, social_handles::text, "
            "  address->>'country', address->>'region' FROM applicants WHERE email_hash IS NULL "
            "ORDER BY created_at DESC, id DESC LIMIT $1::int FOR UPDATE SKIP LOCKED");

static struct db_stmt seal_row =
    DB_STMT("UPDATE applicants SET full_name_sealed = $2::bytea, email_sealed = $3::bytea, "
            "  phone_sealed = $4::bytea, address_sealed = $5::bytea, social_sealed = $6::bytea, "
            "  email_hash = $7::bytea, search_grams = $8::int[], country = $9, region = $10, "
            "  full_name = NULL, email = NULL, phone = NULL, address = NULL, social_handles = NULL "
            "WHERE id = $1 AND email_hash IS NULL");

/* Seal one row of unsealed_batch under key: 0 or -1. */
static int
seal_one(struct db *db, const PGresult *res, int i, unsigned char key[SEAL_KEY_LEN])
{
	const char *id = PQgetvalue(res, i, 0);
	const char *plain[P_COUNT];
	char *sealed[P_COUNT] = {NULL}, *hash = NULL, *grams = NULL;
	bool failed = false;
	int rc = -1;

	for (int f = 0; f < P_COUNT; f++)
		plain[f] = PQgetisnull(res, i, 1 + f) ? NULL : PQgetvalue(res, i, 1 + f);
	for (int f = 0; f < P_COUNT; f++)
		sealed[f] = vault_seal_text(key, id, personal_field[f], plain[f], &failed);
	if (!failed && (hash = email_hash(plain[P_EMAIL])) != NULL &&
	    (grams = grams_of(plain, 2, NULL)) != NULL) {
		const char *params[10] = {id,
		                          sealed[0],
		                          sealed[1],
		                          sealed[2],
		                          sealed[3],
		                          sealed[4],
		                          hash,
		                          grams,
		                          PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6),
		                          PQgetisnull(res, i, 7) ? NULL : PQgetvalue(res, i, 7)};
		rc = db_do(db, &seal_row, 10, params);
	}
	for (int f = 0; f < P_COUNT; f++)
		free(sealed[f]);
	free(hash);
	free(grams);
	return rc;
}

int
applicants_seal_batch(struct db *db, int batch, long *sealed)
{
	char limit[16];
	PGresult *res;
	int rc = 0;

	*sealed = 0;
	snprintf(limit, sizeof(limit), "%d", batch);
	const char *params[1] = {limit};
	if (db_begin(db) != 0 || (res = db_run(db, &unsealed_batch, 1, params)) == NULL)
		return -1;
	int n = PQntuples(res);
	const char **ids = xcalloc((size_t)n + 1, sizeof(*ids));
	unsigned char(*keys)[SEAL_KEY_LEN] = xcalloc((size_t)n + 1, SEAL_KEY_LEN);
	for (int i = 0; i < n; i++)
		ids[i] = PQgetvalue(res, i, 0);
	rc = vault_keys_or_new(ids, (size_t)n, keys);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = seal_one(db, res, i, keys[i]);
	explicit_bzero(keys, ((size_t)n + 1) * SEAL_KEY_LEN);
	free(keys);
	free(ids);
	*sealed = n;
	PQclear(res);
	if (rc != 0 || db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		*sealed = 0;
		return -1;
	}
	return 0;
}
