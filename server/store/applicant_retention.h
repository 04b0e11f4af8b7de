/*
 * applicant_retention: the rows the purge's walk reads, private to the
 * store (store/purge_subjects.c turns them into structs for the flows).
 */
#ifndef RECRUITD_STORE_APPLICANT_RETENTION_PRIVATE_H
#define RECRUITD_STORE_APPLICANT_RETENTION_PRIVATE_H

#include <libpq-fe.h>

#include "core/xalloc.h"

struct db;

/* Up to limit more ids of the walk (none at the end; NULL when the database failed; PQclear). */
PGresult *applicants_walk_next(struct db *db, int limit) WARN_UNUSED;

/*
 * The retention subjects of ids (a uuid[] literal), in id order: rows (id,
 * created_at epoch, address country, address region, legal hold set,
 * RETENTION_APPS_SQL, restricted). The caller PQclears; NULL when the
 * database failed.
 */
PGresult *applicants_subjects(struct db *db, const char *ids) WARN_UNUSED;

/* The same rows for ids, locked FOR UPDATE SKIP LOCKED, in the caller's transaction. */
PGresult *applicants_lock_subjects(struct db *db, const char *ids) WARN_UNUSED;

#endif
