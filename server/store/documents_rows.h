/*
 * documents_rows: rows of store/documents.c read by another store module
 * (store/employees.c builds the archive's list from them), private to the
 * store.
 */
#ifndef RECRUITD_STORE_DOCUMENTS_ROWS_H
#define RECRUITD_STORE_DOCUMENTS_ROWS_H

#include <libpq-fe.h>

#include "core/xalloc.h"

struct db;

/*
 * The documents of an applicant, oldest first, for the transfer archive:
 * rows (id, filename, size, sha256) without their bytes. The caller
 * PQclears it; NULL when the database failed.
 */
PGresult *documents_manifest(struct db *db, const char *applicant_id) WARN_UNUSED;

#endif
