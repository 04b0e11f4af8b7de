/*
 * applicant_rows: an applicant's personal values as the applicant's store
 * modules read and write them, private to store/. The values (full name,
 * address, phone, postal address, social handles) are sealed under the
 * applicant's data key (store/vault.h) and found by keyed hashes: of the
 * folded address (core/fold.h), and of the trigrams of the name and address
 * for ?q= (domain/search.h). Only the modules that scripts/check-deps.py
 * names as the owners of the personal columns include this. Thread-safe.
 */
#ifndef RECRUITD_STORE_APPLICANT_ROWS_H
#define RECRUITD_STORE_APPLICANT_ROWS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/seal.h"
#include "core/xalloc.h"
#include "store/vault.h"

struct db;

/*
 * The personal values of row alias a, as SQL columns: the id of the key
 * they are sealed under (the record key; the applicant's own id for a row
 * from before the record keys), whether the row is sealed, then each value
 * as text (the sealed ones as bytea's "\x..."
 * form; a row from before the keys that `recruitctl keys seal-existing` has
 * not reached yet gives its plaintext columns).
 */
#define PERSONAL_COLUMNS(a)                                                                        \
	"coalesce(" a ".record_key, " a ".id)::text, " a ".email_hash IS NOT NULL, coalesce(" a    \
	".full_name_sealed::text, " a ".full_name), "                                              \
	"coalesce(" a ".email_sealed::text, " a ".email), coalesce(" a ".phone_sealed::text, " a   \
	".phone), coalesce(" a ".address_sealed::text, " a ".address::text), coalesce(" a          \
	".social_sealed::text, " a ".social_handles::text)"

/*
 * By the address's hashes (parameter h, a bytea[] of at most EMAIL_HASHES_MAX:
 * applicant_rows_lookup's), or in plaintext (e) on a row not sealed yet. The
 * hashes are spelled out one by one so that PostgreSQL's plan for any array
 * knows it holds four at most: with "= ANY (h)" it guessed ten, judged the
 * plan made once for every call dearer than one made for each call's
 * values, and planned every create again (0.3 ms, half a create's time in
 * PostgreSQL). An element past the array's end is NULL and matches nothing.
 */
#define EMAIL_HASHES_MAX 4
#define BY_EMAIL(h, e)                                                                             \
	"(email_hash = ANY (ARRAY[(" h "::bytea[])[1], (" h "::bytea[])[2], (" h "::bytea[])[3], " \
	"(" h "::bytea[])[4]]) OR (email_hash IS NULL AND lower(email) = lower(" e ")))"

/*
 * The free-text values of row alias a, each as two SQL columns: sealed
 * (bytea text, under the record key) and, for a row from before migration
 * 0034, the plaintext one.
 */
#define FREE_COLUMNS(a)                                                                            \
	a ".title_sealed::text, " a ".title, " a ".job_title_sealed::text, " a ".job_title, " a    \
	  ".source_detail_sealed::text, " a ".source_detail, " a                                   \
	  ".legal_hold_reason_sealed::text, " a ".legal_hold_reason"

/* The free-text values, in FREE_COLUMNS' order. */
enum { F_TITLE, F_JOB, F_SRC_DETAIL, F_HOLD, F_COUNT };

/* What each free-text value is sealed as. */
extern const char *const applicant_rows_free_field[F_COUNT];

/*
 * Open the free-text values of row (2 * F_COUNT columns from col) into v:
 * 0, or 1 when a sealed one does not open. key may be NULL (nothing sealed).
 */
int applicant_rows_open_free(const PGresult *res, int row, int col, const char *id,
                             const unsigned char *key, char *v[F_COUNT]);

/*
 * The legal hold's reason of applicant id (under its record key, or in
 * plaintext from before migration 0034) sealed under key, the record's new
 * one: 0 with *sealed (NULL without a hold; the caller frees), or -1.
 */
int applicant_rows_hold_resealed(struct db *db, const char *id,
                                 const unsigned char key[SEAL_KEY_LEN], char **sealed);

/* The personal values, in PERSONAL_COLUMNS' order. */
enum { P_NAME, P_EMAIL, P_PHONE, P_ADDRESS, P_SOCIAL, P_COUNT };

/* What each value is sealed as (its field name, bound into the seal). */
extern const char *const applicant_rows_field[P_COUNT];

/*
 * Open the first n personal values of row (columns from col: the sealed
 * flag, then the values in P_ order) into v (new strings, or NULL for SQL
 * NULL): 0, or 1 when a sealed one does not open (the key is gone: the
 * record is as good as erased). key may be NULL when the row is not sealed.
 */
int applicant_rows_open(const PGresult *res, int row, int col, const char *id,
                        const unsigned char *key, char *v[], int n);

/* Wipe and free n values of v (NULL ones skipped), leaving NULLs. */
void applicant_rows_free(char *v[], int n);

/*
 * The record key of the row (its id in column key_col, PERSONAL_COLUMNS'
 * first) into key when the row is sealed (column key_col + 1): 0 (*have
 * tells whether a key was read), 1 when its key is gone, -1 with db marked
 * unavailable.
 */
int applicant_rows_key(struct db *db, const PGresult *res, int row, int key_col,
                       unsigned char key[SEAL_KEY_LEN], bool *have);

/*
 * Replace the record key of applicant id (in the caller's transaction): a
 * new key, the row's personal values opened and sealed again under it, the
 * old key queued for destruction when the transaction commits (migration
 * 0030's trigger; erasure_shred_after_commit). 0, 1 when there is no such
 * row or its key is gone, -1.
 */
int applicant_rows_rekey(struct db *db, const char *id) WARN_UNUSED;

/*
 * The index key set new hashes are written under (the current epoch's,
 * vault_index_sets' first) into set, recorded beside them
 * (applicants.index_epoch): 0, or -1 when the key database cannot answer.
 */
int applicant_rows_index_set(char set[VAULT_INDEX_ID_LEN]) WARN_UNUSED;

/* The hash an address is stored and found by under set, as bytea text ("\x..."): new, or NULL. */
char *applicant_rows_email_hash(const char *set, const char *email);

/*
 * The hashes an address may be on record under (every set a row may be
 * indexed under now), as a bytea[] literal (new): 0, or -1 with db marked
 * unavailable.
 */
int applicant_rows_lookup(struct db *db, const char *email, char **hashes) WARN_UNUSED;

/*
 * The keyed hashes under set of the trigrams of texts (NULL ones skipped)
 * as an int[] literal (new), with how many into *count (may be NULL); NULL
 * on failure.
 */
char *applicant_rows_grams(const char *set, const char *const *texts, int n, size_t *count);

/*
 * A search's trigram hashes: under the current set into *grams, and while a
 * row may be indexed under another set (a rotation, rows of before the
 * epochs), under that one into *other (else NULL); both new. 0 or -1.
 */
int applicant_rows_query_grams(const char *q, char **grams, char **other,
                               size_t *count) WARN_UNUSED;

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
	R_INDEX_SET, /* last: callers place it apart ($22) */
	R_COUNT
};

struct applicant_row_params {
	const char *v[R_COUNT]; /* the parameters, borrowed from doc or owned */
	char *owned[R_COUNT];
	char index_set[VAULT_INDEX_ID_LEN];
};

/*
 * From a normalised document (domain/profile.h) of applicant id, sealed
 * under key: 0, or -1 when a value cannot be sealed or hashed (nothing to
 * fini then).
 */
int applicant_rows_params_init(struct applicant_row_params *rp, const json_t *doc, const char *id,
                               const unsigned char key[SEAL_KEY_LEN]) WARN_UNUSED;
void applicant_rows_params_fini(struct applicant_row_params *rp);

#endif
