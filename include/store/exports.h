/*
 * exports: the packages of know_specific requests (their chunks:
 * store/export_chunks.h), the e-mailed download link (hashed) and the
 * data they hold beyond the applicant's own row (which store/applicants.h
 * reads). A copy is the person's own: a restricted record is in it whole.
 * Every download is audited. Functions return 0, 1 for "no such (or no
 * longer)", -1 when the database failed. Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_EXPORTS_H
#define RECRUITD_STORE_EXPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;
struct export_stream;
struct pool;

#define EXPORT_KEEP_DAYS 7
#define EXPORT_LINK_HOURS 24
#define EXPORT_LINK_DOWNLOADS 3

/* A new package's row (kept 7 days; the link's hash good for 24 hours): its id. */
int exports_create(struct db *db, const char *request_id, const char *applicant_id,
                   const char *token_sha256, char id[37]) WARN_UNUSED;

/* The package is whole: its size and sha256 (hex). */
int exports_seal(struct db *db, const char *id, size_t size, const char *sha256) WARN_UNUSED;

/*
 * What data.json holds about the applicant beside their record (which
 * flows/record.c builds): {audit: the entries about them (time, action,
 * actor role, never a name), privacy_requests: theirs}. New reference, or
 * NULL when the database failed.
 */
json_t *exports_subject_data(struct db *db, const char *applicant_id) WARN_UNUSED;

/*
 * The applicant's documents, oldest first, as the package holds them:
 * 0 with *docs (new reference) [{id, filename, size}], or -1.
 */
int exports_documents(struct db *db, const char *applicant_id, json_t **docs) WARN_UNUSED;

/*
 * Download through the e-mailed link (at most 3, within 24 hours and the
 * package's 7 days), or as the applicant (by id, theirs only): the package
 * is opened (its first chunk read, store/export_chunks.h) and only then is
 * the download counted (the link's) and audited as export.download. 0 with
 * a new *stream (its later chunks read on connections leased from pool,
 * waiting at most wait_ms); 1 when there is nothing (any more) to download
 * or it does not open (the key is gone); -1 when the database or the key
 * database failed, nothing counted.
 */
int exports_download_link(struct db *db, struct pool *pool, unsigned wait_ms,
                          const char *token_sha256, const char *request_id,
                          struct export_stream **stream) WARN_UNUSED;
int exports_download_own(struct db *db, struct pool *pool, unsigned wait_ms, const char *id,
                         const char *applicant_id, const char *request_id,
                         struct export_stream **stream) WARN_UNUSED;

/* Delete packages past their 7 days (dry: count them): 0 with how many. */
int exports_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
