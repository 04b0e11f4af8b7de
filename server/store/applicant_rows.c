/*
 * applicant_rows: an applicant's personal values, sealed and opened, hashed
 * to be found. See applicant_rows.h. Also the sealing of rows from before
 * the data keys (recruitctl keys seal-existing), which reads the plaintext
 * columns that only this module and applicants.c may name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_rows.h"
#include "core/buf.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "domain/search.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/vault.h"

const char *const applicant_rows_field[P_COUNT] = {"full_name", "email", "phone", "address",
                                                   "social_handles"};

void
applicant_rows_free(char *v[], int n)
{
	for (int i = 0; i < n; i++) {
		if (v[i] != NULL)
			explicit_bzero(v[i], strlen(v[i]));
		free(v[i]);
		v[i] = NULL;
	}
}

int
applicant_rows_open(const PGresult *res, int row, int col, const char *id, const unsigned char *key,
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
		         (v[i] = vault_open_text(key, id, applicant_rows_field[i], text)) == NULL) {
			applicant_rows_free(v, i);
			return 1;
		}
	}
	return 0;
}

int
applicant_rows_key(struct db *db, const PGresult *res, int row, int key_col,
                   unsigned char key[SEAL_KEY_LEN], bool *have)
{
	int rc;

	*have = false;
	if (PQgetvalue(res, row, key_col + 1)[0] != 't')
		return 0;
	if ((rc = vault_key(PQgetvalue(res, row, key_col), key)) < 0) {
		db_mark_unavailable(db);
		return -1;
	}
	*have = rc == 0;
	return rc;
}

/* ------------------------------------------------------------------ */
/* finding a record by its values                                       */

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
char *
applicant_rows_email_hash(const char *email)
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

int
applicant_rows_lookup(struct db *db, const char *email, char **hashes)
{
	if ((*hashes = email_hashes(email)) == NULL) {
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
}

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
char *
applicant_rows_grams(const char *const *texts, int n, size_t *count)
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

void
applicant_rows_params_fini(struct applicant_row_params *rp)
{
	for (int i = 0; i < R_COUNT; i++)
		free(rp->owned[i]);
}

int
applicant_rows_params_init(struct applicant_row_params *rp, const json_t *doc, const char *id,
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
		    vault_seal_text(key, id, applicant_rows_field[i], plain[i], &failed);
	rp->v[R_TITLE] = json_string_value(json_object_get(doc, "title"));
	rp->v[R_JOB] = json_string_value(json_object_get(doc, "job_title"));
	rp->v[R_SRC_TYPE] = json_string_value(json_object_get(s, "type"));
	rp->v[R_SRC_DETAIL] = json_string_value(json_object_get(s, "detail"));
	rp->v[R_MARKETING] =
	    json_is_true(json_object_get(doc, "marketing_opt_in")) ? "true" : "false";
	rp->v[R_EMAIL_HASH] = rp->owned[R_EMAIL_HASH] = applicant_rows_email_hash(plain[P_EMAIL]);
	rp->v[R_GRAMS] = rp->owned[R_GRAMS] = applicant_rows_grams(plain, 2, NULL);
	rp->v[R_COUNTRY] = json_string_value(json_object_get(a, "country"));
	rp->v[R_REGION] = json_string_value(json_object_get(a, "region"));
	if (address)
		explicit_bzero(address, strlen(address));
	explicit_bzero(social, strlen(social));
	free(address);
	free(social);
	if (failed || rp->v[R_EMAIL_HASH] == NULL || rp->v[R_GRAMS] == NULL) {
		applicant_rows_params_fini(rp);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* a new record key                                                     */

static struct db_stmt rekey_read = DB_STMT("SELECT a.id, " PERSONAL_COLUMNS(
    "a") " FROM applicants a "
         "WHERE a.id = $1 AND a.email_hash IS NOT NULL FOR NO KEY UPDATE");
static struct db_stmt rekey_write =
    DB_STMT("UPDATE applicants SET record_key = $2::uuid, full_name_sealed = $3::bytea, "
            "  email_sealed = $4::bytea, phone_sealed = $5::bytea, address_sealed = $6::bytea, "
            "  social_sealed = $7::bytea WHERE id = $1");

/* The values v of applicant id sealed under a new key and written: 0 or -1. */
static int
rekey_write_values(struct db *db, const char *id, char *v[P_COUNT])
{
	unsigned char key[SEAL_KEY_LEN];
	char kid[37], *sealed[P_COUNT] = {NULL};
	bool failed = false;
	int rc = -1;

	if (vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	for (int i = 0; i < P_COUNT; i++)
		sealed[i] = vault_seal_text(key, id, applicant_rows_field[i], v[i], &failed);
	explicit_bzero(key, sizeof(key));
	if (!failed) {
		const char *params[2 + P_COUNT] = {id,        kid,       sealed[0], sealed[1],
		                                   sealed[2], sealed[3], sealed[4]};
		rc = db_do(db, &rekey_write, 2 + P_COUNT, params);
	}
	for (int i = 0; i < P_COUNT; i++)
		free(sealed[i]);
	if (rc != 0 && vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a change not stored stays unused");
	return rc;
}

int
applicant_rows_rekey(struct db *db, const char *id)
{
	const char *params[1] = {id};
	unsigned char key[SEAL_KEY_LEN];
	char *v[P_COUNT];
	PGresult *res;
	bool have;
	int rc = db_row(db, &rekey_read, 1, params, &res);

	if (rc != 0)
		return rc;
	rc = applicant_rows_key(db, res, 0, 1, key, &have);
	if (rc == 0 &&
	    (rc = applicant_rows_open(res, 0, 2, id, have ? key : NULL, v, P_COUNT)) == 0) {
		rc = rekey_write_values(db, id, v);
		applicant_rows_free(v, P_COUNT);
	}
	explicit_bzero(key, sizeof(key));
	PQclear(res);
	return rc;
}

int
applicants_email_hash(struct db *db, const char *email, char **hash)
{
	if ((*hash = applicant_rows_email_hash(email)) == NULL) {
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
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
            "  record_key = $11::uuid, "
            "  full_name = NULL, email = NULL, phone = NULL, address = NULL, social_handles = NULL "
            "WHERE id = $1 AND email_hash IS NULL");

/* Seal one row of unsealed_batch under a new record key: 0 or -1. */
static int
seal_one(struct db *db, const PGresult *res, int i)
{
	const char *id = PQgetvalue(res, i, 0);
	const char *plain[P_COUNT];
	char *sealed[P_COUNT] = {NULL}, *hash = NULL, *grams = NULL, kid[37];
	unsigned char key[SEAL_KEY_LEN];
	bool failed = false;
	int rc = -1;

	if (vault_fresh(kid, key) != 0)
		return -1;
	for (int f = 0; f < P_COUNT; f++)
		plain[f] = PQgetisnull(res, i, 1 + f) ? NULL : PQgetvalue(res, i, 1 + f);
	for (int f = 0; f < P_COUNT; f++)
		sealed[f] = vault_seal_text(key, id, applicant_rows_field[f], plain[f], &failed);
	if (!failed && (hash = applicant_rows_email_hash(plain[P_EMAIL])) != NULL &&
	    (grams = applicant_rows_grams(plain, 2, NULL)) != NULL) {
		const char *params[11] = {id,
		                          sealed[0],
		                          sealed[1],
		                          sealed[2],
		                          sealed[3],
		                          sealed[4],
		                          hash,
		                          grams,
		                          PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6),
		                          PQgetisnull(res, i, 7) ? NULL : PQgetvalue(res, i, 7),
		                          kid};
		rc = db_do(db, &seal_row, 11, params);
	}
	explicit_bzero(key, sizeof(key));
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
	for (int i = 0; rc == 0 && i < n; i++)
		rc = seal_one(db, res, i);
	*sealed = n;
	PQclear(res);
	if (rc != 0 || db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		*sealed = 0;
		return -1;
	}
	return 0;
}
