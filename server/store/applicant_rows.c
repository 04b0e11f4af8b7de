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

#include "sealing.h"

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

/* HMAC of folded under the index key of set, as bytea text ("\x..."), or NULL. */
static char *
folded_hash(const char *set, const char *folded)
{
	unsigned char h[32];
	char *out = NULL;

	if (vault_index_hash_of(set, folded, strlen(folded), h) == 0) {
		out = xmalloc(2 * sizeof(h) + 3);
		memcpy(out, "\\x", 2);
		hex_encode(h, sizeof(h), out + 2);
	}
	return out;
}

int
applicant_rows_index_set(char set[VAULT_INDEX_ID_LEN])
{
	char ids[2][VAULT_INDEX_ID_LEN];

	if (vault_index_sets(ids) < 0)
		return -1;
	memcpy(set, ids[0], VAULT_INDEX_ID_LEN);
	return 0;
}

/* The hash an address is stored and found by: HMAC of its folded form (core/fold.h). */
char *
applicant_rows_email_hash(const char *set, const char *email)
{
	char *folded = fold_email(email), *out = folded_hash(set, folded);

	free(folded);
	return out;
}

/*
 * The hashes an address may be on record under, as a bytea[] literal: under
 * each index key a row may be indexed under now (vault_index_sets), the
 * current fold's, and, for an address that folds otherwise under the fold
 * used before core/fold.h (the C.UTF-8 locale's towlower, search_fold: "ß"
 * kept, decomposed accents kept), that one too. ASCII folds alike under both,
 * so only non-ASCII addresses written before have the second; each row moves
 * to the current hash when the record is next written.
 */
static char *
email_hashes(const char *email)
{
	char ids[2][VAULT_INDEX_ID_LEN];
	char *now = fold_email(email), *before = search_fold(email), *out = NULL;
	int n = vault_index_sets(ids);
	struct buf b;
	bool ok = n > 0;

	buf_init(&b, 1024);
	for (int i = 0; ok && i < n; i++) {
		const char *folds[2] = {now, strcmp(now, before) != 0 ? before : NULL};
		for (int f = 0; ok && f < 2 && folds[f] != NULL; f++) {
			char *h = folded_hash(ids[i], folds[f]);
			ok = h != NULL && buf_printf(&b, "%s\"\\%s\"", b.len ? "," : "{", h) == 0;
			free(h);
		}
	}
	if (ok && buf_printf(&b, "}") == 0)
		out = buf_steal(&b);
	else
		buf_fini(&b);
	free(now);
	free(before);
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
	const char *set;
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

	if (vault_index_hash_of(g->set, gram, len, h) != 0) {
		g->failed = 1;
		return;
	}
	memcpy(&v, h, sizeof(v));
	if (buf_printf(&g->b, "%s%d", g->n++ ? "," : "{", (int)v) != 0)
		g->failed = 1;
}

char *
applicant_rows_grams(const char *set, const char *const *texts, int n, size_t *count)
{
	struct grams g = {.set = set};

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

int
applicant_rows_query_grams(const char *q, char **grams, char **other, size_t *count)
{
	char ids[2][VAULT_INDEX_ID_LEN];
	int n = vault_index_sets(ids);

	*grams = *other = NULL;
	if (n < 0 || (*grams = applicant_rows_grams(ids[0], &q, 1, count)) == NULL)
		return -1;
	if (n == 2 && (*other = applicant_rows_grams(ids[1], &q, 1, NULL)) == NULL) {
		free(*grams);
		*grams = NULL;
		return -1;
	}
	return 0;
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
	if (applicant_rows_index_set(rp->index_set) != 0)
		failed = true;
	rp->v[R_INDEX_SET] = rp->index_set;
	rp->v[R_EMAIL_HASH] = rp->owned[R_EMAIL_HASH] =
	    failed ? NULL : applicant_rows_email_hash(rp->index_set, plain[P_EMAIL]);
	rp->v[R_GRAMS] = rp->owned[R_GRAMS] =
	    failed ? NULL : applicant_rows_grams(rp->index_set, plain, 2, NULL);
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
applicants_email_hash(struct db *db, const char *email, char **hash, char set[VAULT_INDEX_ID_LEN])
{
	if (applicant_rows_index_set(set) != 0 ||
	    (*hash = applicant_rows_email_hash(set, email)) == NULL) {
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
            "  record_key = $11::uuid, index_epoch = $12, "
            "  full_name = NULL, email = NULL, phone = NULL, address = NULL, social_handles = NULL "
            "WHERE id = $1 AND email_hash IS NULL");

/* Seal one row of unsealed_batch under a new record key: 0 or -1. */
static int
seal_one(struct db *db, const PGresult *res, int i)
{
	const char *id = PQgetvalue(res, i, 0);
	const char *plain[P_COUNT];
	char *sealed[P_COUNT] = {NULL}, *hash = NULL, *grams = NULL, kid[37],
	     set[VAULT_INDEX_ID_LEN];
	unsigned char key[SEAL_KEY_LEN];
	bool failed = false;
	int rc = -1;

	if (vault_fresh(kid, key) != 0)
		return -1;
	for (int f = 0; f < P_COUNT; f++)
		plain[f] = PQgetisnull(res, i, 1 + f) ? NULL : PQgetvalue(res, i, 1 + f);
	for (int f = 0; f < P_COUNT; f++)
		sealed[f] = vault_seal_text(key, id, applicant_rows_field[f], plain[f], &failed);
	if (!failed && applicant_rows_index_set(set) == 0 &&
	    (hash = applicant_rows_email_hash(set, plain[P_EMAIL])) != NULL &&
	    (grams = applicant_rows_grams(set, plain, 2, NULL)) != NULL) {
		const char *params[12] = {id,
		                          sealed[0],
		                          sealed[1],
		                          sealed[2],
		                          sealed[3],
		                          sealed[4],
		                          hash,
		                          grams,
		                          PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6),
		                          PQgetisnull(res, i, 7) ? NULL : PQgetvalue(res, i, 7),
		                          kid,
		                          set};
		rc = db_do(db, &seal_row, 12, params);
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

/* ------------------------------------------------------------------ */
/* the blind indexes rebuilt under the current epoch (rotation, restore) */

static struct db_stmt unindexed_batch = DB_STMT("SELECT a.id, " PERSONAL_COLUMNS(
    "a") " FROM applicants a WHERE a.id > $1::uuid "
         "AND a.email_hash IS NOT NULL AND a.index_epoch IS DISTINCT FROM $2 "
         "ORDER BY a.id LIMIT $3::int FOR NO KEY UPDATE SKIP LOCKED");
static struct db_stmt reindex_row =
    DB_STMT("UPDATE applicants SET email_hash = $2::bytea, search_grams = $3::int[], "
            "  index_epoch = $4 WHERE id = $1");
static struct db_stmt unindexed = DB_STMT(
    "SELECT count(*) FROM applicants WHERE email_hash IS NOT NULL AND index_epoch IS DISTINCT "
    "FROM $1");

/* Row i of an unindexed batch, opened under key, indexed anew under set: 0, 1 (no key), -1. */
static int
reindex_one(struct db *db, const PGresult *res, int i, const unsigned char *key, const char *set)
{
	const char *id = PQgetvalue(res, i, 0);
	char *v[P_COUNT], *hash = NULL, *grams = NULL;
	int rc = applicant_rows_open(res, i, 2, id, key, v, P_COUNT);

	if (rc != 0) {
		/* its key is gone (a restored backup's erased person): as good as erased, so
		 * nothing to find it by either; a random hash keeps the column unique */
		unsigned char r[32];
		if (random_bytes(r, sizeof(r)) != 0)
			return -1;
		hash = sealing_bytea_format(r, sizeof(r));
		const char *params[4] = {id, hash, "{}", set};
		rc = db_do(db, &reindex_row, 4, params);
		free(hash);
		return rc < 0 ? -1 : 1;
	}
	if ((hash = applicant_rows_email_hash(set, v[P_EMAIL])) != NULL &&
	    (grams = applicant_rows_grams(set, (const char *const *)v, 2, NULL)) != NULL) {
		const char *params[4] = {id, hash, grams, set};
		rc = db_do(db, &reindex_row, 4, params);
	} else {
		rc = -1;
	}
	applicant_rows_free(v, P_COUNT);
	free(hash);
	free(grams);
	return rc;
}

int
applicants_reindex_batch(struct db *db, int batch, char after[37], long *done, bool *end)
{
	char limit[16], set[VAULT_INDEX_ID_LEN];
	PGresult *res;
	int rc = 0;

	*done = 0;
	*end = true;
	if (applicant_rows_index_set(set) != 0)
		return -1;
	snprintf(limit, sizeof(limit), "%d", batch);
	const char *params[3] = {*after ? after : "00000000-0000-0000-0000-000000000000", set,
	                         limit};
	if (db_begin(db) != 0 || (res = db_run(db, &unindexed_batch, 3, params)) == NULL)
		return -1;
	int n = PQntuples(res);
	const char **key_ids = xcalloc((size_t)n + 1, sizeof(*key_ids));
	unsigned char(*keys)[SEAL_KEY_LEN] = xcalloc((size_t)n + 1, SEAL_KEY_LEN);
	bool *found = xcalloc((size_t)n + 1, sizeof(*found));
	for (int i = 0; i < n; i++)
		key_ids[i] = PQgetvalue(res, i, 1);
	if (n > 0 && vault_keys(key_ids, (size_t)n, keys, found) != 0)
		rc = -1;
	for (int i = 0; rc == 0 && i < n; i++) {
		int one = reindex_one(db, res, i, found[i] ? keys[i] : NULL, set);
		rc = one < 0 ? -1 : 0;
		*done += one == 0;
	}
	if (n > 0)
		snprintf(after, 37, "%s", PQgetvalue(res, n - 1, 0));
	*end = n < batch;
	explicit_bzero(keys, ((size_t)n + 1) * SEAL_KEY_LEN);
	free(keys);
	free(found);
	free(key_ids);
	PQclear(res);
	if (rc != 0 || db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		*done = 0;
		return -1;
	}
	return 0;
}

int
applicants_unindexed(struct db *db, long *n)
{
	char set[VAULT_INDEX_ID_LEN];

	if (applicant_rows_index_set(set) != 0)
		return -1;
	const char *params[1] = {set};
	return db_count(db, &unindexed, 1, params, n);
}
