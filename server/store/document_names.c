/*
 * document_names: file names stored in plaintext before migration 0036,
 * sealed under their document's key by `recruitctl keys seal-existing`
 * (the names of documents stored since are sealed as they are written,
 * store/documents.c). See documents.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents_rows.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/vault.h"

/*
 * Sealed documents only: one from before the keys gets its key from
 * documents_seal_batch. In the order of the column, through migration
 * 0077's partial index: ORDER BY id would mean the select list's id::text,
 * a sort of every document for each batch (37,000 a minute at a million).
 */
static struct db_stmt unsealed_names =
    DB_STMT("SELECT id::text, applicant_id::text, coalesce(key_id, applicant_id)::text, "
            "filename FROM documents WHERE filename IS NOT NULL AND sealed "
            "ORDER BY documents.id LIMIT $1::int FOR UPDATE SKIP LOCKED"); /* not id::text's */
static struct db_stmt seal_name =
    DB_STMT("UPDATE documents SET filename_sealed = $2::bytea, filename = NULL WHERE id = $1");

/* A file name of unsealed_names' row i sealed under its document's key (db_row_fn). */
static int
seal_name_row(struct db *db, const PGresult *res, int i, void *arg)
{
	unsigned char key[SEAL_KEY_LEN];
	char *name = NULL;

	(void)arg;
	if (vault_key(PQgetvalue(res, i, 2), key) == 0)
		name = documents_name_seal(key, PQgetvalue(res, i, 1), PQgetvalue(res, i, 0),
		                           PQgetvalue(res, i, 3));
	explicit_bzero(key, sizeof(key));
	const char *p2[2] = {PQgetvalue(res, i, 0), name};
	int rc = name == NULL ? -1 : db_do(db, &seal_name, 2, p2);
	free(name);
	return rc;
}

int
documents_seal_names_batch(struct db *db, int batch, long *sealed)
{
	return db_batch(db, &unsealed_names, batch, 0, seal_name_row, NULL, sealed);
}
