/*
 * documents: an applicant's documents (resumes, cover letters) and their
 * exact bytes. Every read of the bytes and every change writes its audit
 * entry in the same statement. Functions return 0 when done, 1 when there
 * is no such row, -1 when the database failed (db_failure tells how).
 */
#ifndef RECRUITD_STORE_DOCUMENTS_H
#define RECRUITD_STORE_DOCUMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;

/* A new document's fields; filename already made safe, sha256 in hex. */
struct document_new {
	const char *applicant_id, *kind, *filename, *content_type, *sha256;
	const unsigned char *data;
	size_t len;
	long max_count;               /* the applicant's quota: documents */
	unsigned long long max_bytes; /* and their bytes in all, this one included */
	bool sees_restricted;         /* the caller may see a restricted record */
};

/*
 * Store a document of an applicant on record, audited as document.upload:
 * *meta {id, applicant_id, kind, filename, content_type, size, sha256,
 * created_at} (new). 1 when the applicant is not on record (or is
 * restricted, and the caller may not see it), 2 when the document would
 * take the applicant past the quota (max_count, max_bytes).
 * Runs its own transaction: the applicant's row is locked while the quota
 * is judged, so concurrent uploads cannot both pass it.
 */
int documents_insert(struct db *db, const struct document_new *d, const char *actor,
                     const char *request_id, json_t **meta) WARN_UNUSED;

/* A document's bytes as read: borrowed from res, which documents_bytes_release frees. */
struct document_bytes {
	void *owner; /* what documents_bytes_release frees */
	const char *filename, *content_type, *sha256;
	const char *data;
	size_t len;
};

/*
 * Read document id (only applicant_id's, when not NULL; a restricted
 * record's only when sees_restricted), audited as document.read. 1 when
 * there is no such document.
 */
int documents_fetch(struct db *db, const char *id, const char *applicant_id, bool sees_restricted,
                    const char *actor, const char *request_id,
                    struct document_bytes *out) WARN_UNUSED;
void documents_bytes_release(void *owner);

/*
 * Every document's metadata of an applicant, oldest first: 0 with *items
 * (new); 1 when the applicant is not on record (or is restricted, and not
 * sees_restricted). self_view: as the applicant sees it {id, kind,
 * filename, content_type, size, created_at}.
 */
int documents_of(struct db *db, const char *applicant_id, bool sees_restricted, bool self_view,
                 json_t **items) WARN_UNUSED;

/*
 * Delete document id (a restricted record's only when sees_restricted),
 * audited as document.delete. 1 when there is no such document.
 */
int documents_remove(struct db *db, const char *id, bool sees_restricted, const char *actor,
                     const char *request_id) WARN_UNUSED;

/*
 * Whether applicant_id may remove their own document id, in the caller's
 * transaction, their row locked until it ends: 0 yes, 1 when they have no
 * such document, 2 when it is their last resume while an application of
 * theirs is open, 3 when the record is restricted, -1 when the database
 * failed.
 */
int documents_may_remove_own(struct db *db, const char *id, const char *applicant_id) WARN_UNUSED;

/*
 * len bytes of a document from offset (fewer at its end), opened: a new
 * buffer with *out_len, or NULL when absent, unreadable (its key is gone)
 * or failed. A slice reads only the pages (and opens only the segments) it
 * needs, so a large document is read in pieces.
 */
unsigned char *documents_slice(struct db *db, const char *id, size_t offset, size_t len,
                               size_t *out_len) WARN_UNUSED;

/* Seal up to batch documents from before the data keys, as applicants_seal_batch. */
int documents_seal_batch(struct db *db, int batch, long *sealed) WARN_UNUSED;

/*
 * What a document's sealed segments are bound to besides the applicant
 * (store/vault.h): "document:ID", so no segment opens as another
 * document's. DOCUMENTS_FIELD_LEN holds it.
 */
#define DOCUMENTS_FIELD_LEN 48
void documents_field(char out[DOCUMENTS_FIELD_LEN], const char *id);

/*
 * Seal up to batch file names stored in plaintext (from before migration
 * 0036) under their document's key, as documents_seal_batch: 0 or -1.
 */
int documents_seal_names_batch(struct db *db, int batch, long *sealed) WARN_UNUSED;

#endif
