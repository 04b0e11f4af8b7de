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
const char *const applicant_rows_free_field[F_COUNT] = {"title", "job_title", "source_detail",
                                                        "legal_hold_reason"};

int
applicant_rows_open_free(const PGresult *res, int row, int col, const char *id,
                         const unsigned char *key, char *v[F_COUNT])
{
	for (int i = 0; i < F_COUNT; i++) {
		int sealed = col + 2 * i, plain = sealed + 1;
		v[i] = NULL;
		if (!PQgetisnull(res, row, sealed)) {
			if (key == NULL ||
			    (v[i] = vault_open_text(key, id, applicant_rows_free_field[i],
			                            PQgetvalue(res, row, sealed))) == NULL) {
				applicant_rows_free(v, i);
				return 1;
			}
		} else if (!PQgetisnull(res, row, plain)) {
			v[i] =
			    xstrdup(PQgetvalue(res, row, plain)); /* from before migration 0034 */
		}
	}
	return 0;
}

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
	_Static_assert(2 * (sizeof(ids) / sizeof(ids[0])) <= EMAIL_HASHES_MAX,
	               "BY_EMAIL spells out EMAIL_HASHES_MAX hashes: two folds in every set");
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
	rp->v[R_TITLE] = rp->owned[R_TITLE] = vault_seal_text(
	    key, id, "title", json_string_value(json_object_get(doc, "title")), &failed);
	rp->v[R_JOB] = rp->owned[R_JOB] = vault_seal_text(
	    key, id, "job_title", json_string_value(json_object_get(doc, "job_title")), &failed);
	rp->v[R_SRC_TYPE] = json_string_value(json_object_get(s, "type"));
	rp->v[R_SRC_DETAIL] = rp->owned[R_SRC_DETAIL] = vault_seal_text(
	    key, id, "source_detail", json_string_value(json_object_get(s, "detail")), &failed);
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

static struct db_stmt rekey_read = DB_STMT("SELECT a.id, " PERSONAL_COLUMNS("a") ", " FREE_COLUMNS(
    "a") " FROM applicants a "
         "WHERE a.id = $1 AND a.email_hash IS NOT NULL FOR NO KEY UPDATE");
static struct db_stmt rekey_write =
    DB_STMT("UPDATE applicants SET record_key = $2::uuid, full_name_sealed = $3::bytea, "
            "  email_sealed = $4::bytea, phone_sealed = $5::bytea, address_sealed = $6::bytea, "
            "  social_sealed = $7::bytea, title_sealed = $8::bytea, job_title_sealed = $9::bytea, "
            "  source_detail_sealed = $10::bytea, legal_hold_reason_sealed = $11::bytea, "
            "  title = NULL, job_title = NULL, source_detail = NULL, legal_hold_reason = NULL "
            "WHERE id = $1");

enum { V_COUNT = P_COUNT + F_COUNT };

/* The values v (personal, then free-text) of applicant id sealed under a new key: 0 or -1. */
static int
rekey_write_values(struct db *db, const char *id, char *v[V_COUNT])
{
	unsigned char key[SEAL_KEY_LEN];
	char kid[37], *sealed[V_COUNT] = {NULL};
	bool failed = false;
	int rc = -1;

	if (vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	for (int i = 0; i < V_COUNT; i++)
		sealed[i] = vault_seal_text(key, id,
		                            i < P_COUNT ? applicant_rows_field[i]
		                                        : applicant_rows_free_field[i - P_COUNT],
		                            v[i], &failed);
	explicit_bzero(key, sizeof(key));
	if (!failed) {
		const char *params[2 + V_COUNT] = {id, kid};
		for (int i = 0; i < V_COUNT; i++)
			params[2 + i] = sealed[i];
		rc = db_do(db, &rekey_write, 2 + V_COUNT, params);
	}
	for (int i = 0; i < V_COUNT; i++)
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
	char *v[V_COUNT];
	PGresult *res;
	bool have;
	int rc = db_row(db, &rekey_read, 1, params, &res);

	if (rc != 0)
		return rc;
	rc = applicant_rows_key(db, res, 0, 1, key, &have);
	if (rc == 0 &&
	    (rc = applicant_rows_open(res, 0, 2, id, have ? key : NULL, v, P_COUNT)) == 0) {
		if ((rc = applicant_rows_open_free(res, 0, 3 + P_COUNT, id, have ? key : NULL,
		                                   v + P_COUNT)) == 0) {
			rc = rekey_write_values(db, id, v);
			applicant_rows_free(v + P_COUNT, F_COUNT);
		}
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
/* a hold's reason carried to a new record key                        */

/* A hold's reason, to go under the new record key (its version checked by the update). */
static struct db_stmt hold_of =
    DB_STMT("SELECT coalesce(record_key, id)::text, legal_hold_reason_sealed::text, "
            "legal_hold_reason FROM applicants WHERE id = $1 AND legal_hold_set_at IS NOT NULL");

int
applicant_rows_hold_resealed(struct db *db, const char *id, const unsigned char key[SEAL_KEY_LEN],
                             char **sealed)
{
	const char *params[1] = {id};
	unsigned char old[SEAL_KEY_LEN];
	bool failed = false;
	char *reason = NULL;
	PGresult *res;
	int rc = db_row(db, &hold_of, 1, params, &res);

	*sealed = NULL;
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!PQgetisnull(res, 0, 1)) {
		if (vault_key(PQgetvalue(res, 0, 0), old) == 0)
			reason =
			    vault_open_text(old, id, "legal_hold_reason", PQgetvalue(res, 0, 1));
		explicit_bzero(old, sizeof(old));
	} else if (!PQgetisnull(res, 0, 2)) {
		reason = xstrdup(PQgetvalue(res, 0, 2)); /* from before migration 0034 */
	}
	PQclear(res);
	if (reason == NULL)
		return -1;
	*sealed = vault_seal_text(key, id, "legal_hold_reason", reason, &failed);
	explicit_bzero(reason, strlen(reason));
	free(reason);
	if (failed) {
		free(*sealed);
		*sealed = NULL;
		return -1;
	}
	return 0;
}
