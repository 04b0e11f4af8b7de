/*
 * documents_rows: rows of store/documents.c read by another store module
 * (store/employees.c builds the archive's list from them), private to the
 * store.
 */
#ifndef RECRUITD_STORE_DOCUMENTS_ROWS_H
#define RECRUITD_STORE_DOCUMENTS_ROWS_H

#include <libpq-fe.h>

#include "core/seal.h"
#include "core/xalloc.h"

struct db;

/*
 * A document's file name as five SQL columns of row alias a: sealed (under
 * the document's key, bound to its applicant and id), the plaintext one of
 * a document from before migration 0036, the key's id, the applicant, the
 * document's id. documents_row_name opens them.
 */
#define DOCUMENT_NAME(a)                                                                           \
	a ".filename_sealed::text, " a ".filename, coalesce(" a ".key_id, " a                      \
	  ".applicant_id)::text, " a ".applicant_id::text, " a ".id::text"

/* The file name of row's DOCUMENT_NAME columns from col: new, or NULL when it does not open. */
char *documents_row_name(const PGresult *res, int row, int col) WARN_UNUSED;

/* name sealed as document id's (of applicant_id) under its key: new bytea text, or NULL. */
char *documents_name_seal(const unsigned char key[SEAL_KEY_LEN], const char *applicant_id,
                          const char *id, const char *name) WARN_UNUSED;

/*
 * The documents of an applicant, oldest first, for the transfer archive:
 * rows (id, filename, size, sha256, then DOCUMENT_NAME's columns) without
 * their bytes (the name from documents_row_name(res, i, 4)). The caller
 * PQclears it; NULL when the database failed.
 */
PGresult *documents_manifest(struct db *db, const char *applicant_id) WARN_UNUSED;

#endif
