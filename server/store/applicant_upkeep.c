/*
 * applicant_upkeep: the applicant's rows kept up with the keys (one of the
 * modules scripts/check-deps.py names as owners of the personal columns):
 * rows from before the data keys sealed (recruitctl keys seal-existing),
 * and every record's blind indexes rebuilt under the current epoch's index
 * key (a rotation, a restored main database). See applicants.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_rows.h"
#include "core/buf.h"
#include "core/digest.h"
#include "core/log.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/vault.h"

#include "sealing.h"

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

/* Seal one row of unsealed_batch under a new record key: 0 or -1 (db_row_fn). */
static int
seal_one(struct db *db, const PGresult *res, int i, void *arg)
{
	const char *id = PQgetvalue(res, i, 0);
	const char *plain[P_COUNT];
	char *sealed[P_COUNT] = {NULL}, *hash = NULL, *grams = NULL, kid[37],
	     set[VAULT_INDEX_ID_LEN];
	unsigned char key[SEAL_KEY_LEN];
	bool failed = false;
	int rc = -1;

	(void)arg;
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
	return db_batch(db, &unsealed_batch, batch, 0, seal_one, NULL, sealed);
}

/* ------------------------------------------------------------------ */
/* the blind indexes rebuilt under the current epoch (rotation, restore) */

/* The name and the address are all an index is made of: the other values are not even sent. */
static struct db_stmt unindexed_batch = DB_STMT(
    "SELECT a.id, coalesce(a.record_key, a.id)::text, a.email_hash IS NOT NULL, "
    "coalesce(a.full_name_sealed::text, a.full_name), coalesce(a.email_sealed::text, a.email) "
    "FROM applicants a WHERE a.id > $1::uuid "
    "AND a.email_hash IS NOT NULL AND a.index_epoch IS DISTINCT FROM $2 "
    "ORDER BY a.id LIMIT $3::int FOR NO KEY UPDATE SKIP LOCKED");
/* A batch's new indexes in one statement: $1 the ids, $2 the hashes, $3 the trigrams' literals. */
static struct db_stmt reindex_rows =
    DB_STMT("UPDATE applicants a SET email_hash = v.h, search_grams = v.g::int[], index_epoch = $4 "
            "FROM unnest($1::uuid[], $2::bytea[], $3::text[]) AS v(id, h, g) WHERE a.id = v.id");
static struct db_stmt unindexed = DB_STMT(
    "SELECT count(*) FROM applicants WHERE email_hash IS NOT NULL AND index_epoch IS DISTINCT "
    "FROM $1");

/* A batch's new indexes on their way to reindex_rows, as its three array literals. */
struct reindexed {
	struct buf ids, hashes, grams;
	long n;
};

/*
 * Row i of an unindexed batch, opened under key, indexed anew under set and
 * added to r: 0, 1 (no key: as good as erased, so nothing to find it by;
 * a random hash keeps the column unique), -1.
 */
static int
reindex_one(const PGresult *res, int i, const unsigned char *key, const char *set,
            struct reindexed *r)
{
	const char *id = PQgetvalue(res, i, 0);
	char *v[2] = {NULL, NULL}, *hash = NULL, *grams = NULL;
	int rc = applicant_rows_open(res, i, 2, id, key, v, 2);

	if (rc != 0) {
		unsigned char b[32];
		if (random_bytes(b, sizeof(b)) != 0)
			return -1;
		hash = sealing_bytea_format(b, sizeof(b));
		grams = xstrdup("{}");
	} else {
		hash = applicant_rows_email_hash(set, v[P_EMAIL]);
		grams = applicant_rows_grams(set, (const char *const *)v, 2, NULL);
	}
	applicant_rows_free(v, 2);
	const char *sep = r->n++ ? "," : "";
	/* the hash is "\x..." (an array element's backslash doubled), the trigrams "{...}" */
	int bad = hash == NULL || grams == NULL || buf_printf(&r->ids, "%s%s", sep, id) != 0 ||
	          buf_printf(&r->hashes, "%s\"\\%s\"", sep, hash) != 0 ||
	          buf_printf(&r->grams, "%s\"%s\"", sep, grams) != 0;
	free(hash);
	free(grams);
	return bad ? -1 : rc != 0;
}

int
applicants_reindex_batch(struct db *db, int batch, char after[37], long *done, bool *end)
{
	char limit[16], set[VAULT_INDEX_ID_LEN];
	struct reindexed r = {.n = 0};
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
	buf_init(&r.ids, (size_t)1 << 30);
	buf_init(&r.hashes, (size_t)1 << 30);
	buf_init(&r.grams, (size_t)1 << 30);
	for (int i = 0; i < n; i++)
		key_ids[i] = PQgetvalue(res, i, 1);
	if (n > 0 && vault_keys(key_ids, (size_t)n, keys, found) != 0)
		rc = -1;
	for (int i = 0; rc == 0 && i < n; i++) {
		int one = reindex_one(res, i, found[i] ? keys[i] : NULL, set, &r);
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
	if (rc == 0 && r.n > 0) {
		char *ids = xasprintf("{%s}", r.ids.data),
		     *hashes = xasprintf("{%s}", r.hashes.data),
		     *grams = xasprintf("{%s}", r.grams.data);
		rc = db_do(db, &reindex_rows, 4, (const char *[]){ids, hashes, grams, set}) < 0 ? -1
		                                                                                : 0;
		free(ids);
		free(hashes);
		free(grams);
	}
	buf_fini(&r.ids);
	buf_fini(&r.hashes);
	buf_fini(&r.grams);
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

/* ------------------------------------------------------------------ */
/* free text from before migration 0034, sealed under a new record key  */

static struct db_stmt free_text_batch =
    DB_STMT("SELECT id FROM applicants WHERE email_hash IS NOT NULL AND (title IS NOT NULL OR "
            "job_title IS NOT NULL OR source_detail IS NOT NULL OR legal_hold_reason IS NOT NULL) "
            "ORDER BY id LIMIT $1::int FOR NO KEY UPDATE SKIP LOCKED");

/* A record of free_text_batch's row i re-sealed under a new record key (db_row_fn). */
static int
rekey_row(struct db *db, const PGresult *res, int i, void *arg)
{
	(void)arg;
	int rc = applicant_rows_rekey(db, PQgetvalue(res, i, 0));
	return rc == 1 ? 0 : rc; /* its key is gone: nothing to seal it under (as good as erased) */
}

int
applicants_seal_free_text_batch(struct db *db, int batch, long *sealed)
{
	if (db_batch(db, &free_text_batch, batch, 0, rekey_row, NULL, sealed) != 0)
		return -1;
	long destroyed;
	if (erasure_shred(db, &destroyed) != 0) /* the keys replaced; else the next pass does */
		log_msg(LOG_WARN, "data key", "replaced keys stay queued in key_shreds");
	return 0;
}
