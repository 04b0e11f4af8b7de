/*
 * documents: an applicant's documents and their exact bytes. See
 * documents.h. The bytes travel in binary both ways, never as escaped text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/documents.h"

/* The applicant's row is locked first, so two uploads cannot both pass the quota. */
static struct db_stmt lock_applicant =
    DB_STMT("SELECT 1 FROM applicants WHERE id = $1 FOR NO KEY UPDATE");

static struct db_stmt quota_used =
    DB_STMT("SELECT count(*), coalesce(sum(size), 0) FROM documents WHERE applicant_id = $1");

static struct db_stmt insert_document = DB_STMT(
    "WITH a AS (SELECT id FROM applicants WHERE id = $1), "
    "d AS (INSERT INTO documents (applicant_id, kind, filename, content_type, size, sha256, "
    "content) "
    "  SELECT a.id, $2, $3, $4, $5::bigint, $6, $7::bytea FROM a "
    "  RETURNING id, applicant_id, kind, filename, content_type, size, sha256, created_at), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $8, 'document.upload', applicant_id, 'document:' || id, $9 FROM d) "
    "SELECT id, applicant_id, kind, filename, content_type, size, sha256, rfc3339(created_at) FROM "
    "d");

static struct db_stmt read_document = DB_STMT(
    "WITH d AS (SELECT id, applicant_id, filename, content_type, sha256, content FROM documents "
    "  WHERE id = $1 AND ($2::uuid IS NULL OR applicant_id = $2::uuid)), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'document.read', applicant_id, 'document:' || id, $4 FROM d) "
    "SELECT filename, content_type, sha256, content FROM d");

static struct db_stmt list_documents = DB_STMT(
    "SELECT id, applicant_id, kind, filename, content_type, size, sha256, rfc3339(created_at) "
    "FROM documents WHERE applicant_id = $1 ORDER BY created_at, id");

static struct db_stmt delete_document =
    DB_STMT("WITH d AS (DELETE FROM documents WHERE id = $1 RETURNING id, applicant_id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'document.delete', applicant_id, 'document:' || id, $3 FROM d) "
            "SELECT count(*) FROM d");

static struct db_stmt manifest_of_applicant =
    DB_STMT("SELECT id, filename, size, sha256 FROM documents WHERE applicant_id = $1 "
            "ORDER BY created_at, id");

/* A slice of a document's bytes (content is stored EXTERNAL: a slice reads only its pages). */
static struct db_stmt slice_of =
    DB_STMT("SELECT substring(content FROM $2::int FOR $3::int) FROM documents WHERE id = $1");

static json_t *
metadata(const PGresult *res, int row, bool self_view)
{
	json_t *doc =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", PQgetvalue(res, row, 0),
	              "applicant_id", PQgetvalue(res, row, 1), "kind", PQgetvalue(res, row, 2),
	              "filename", PQgetvalue(res, row, 3), "content_type", PQgetvalue(res, row, 4),
	              "size", (json_int_t)atoll(PQgetvalue(res, row, 5)), "sha256",
	              PQgetvalue(res, row, 6), "created_at", PQgetvalue(res, row, 7));
	if (self_view) { /* DESIGN: {id, kind, filename, content_type, size, created_at} */
		json_object_del(doc, "applicant_id");
		json_object_del(doc, "sha256");
	}
	return doc;
}

/* Lock the applicant and judge the quota: 0 room, 1 no applicant, 2 full, -1 failure. */
static int
room_for(struct db *db, const struct document_new *d)
{
	const char *params[1] = {d->applicant_id};
	PGresult *res;
	int rc;

	if ((res = db_run(db, &lock_applicant, 1, params)) == NULL)
		return -1;
	rc = PQntuples(res) == 1 ? 0 : 1;
	PQclear(res);
	if (rc != 0)
		return rc;
	if ((res = db_run(db, &quota_used, 1, params)) == NULL)
		return -1;
	long count = atol(PQgetvalue(res, 0, 0));
	unsigned long long bytes = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return count >= d->max_count || bytes + d->len > d->max_bytes ? 2 : 0;
}

int
documents_insert(struct db *db, const struct document_new *d, const char *actor,
                 const char *request_id, json_t **meta)
{
	char size[24];
	PGresult *res;
	int rc;

	if (!db_fits(db, d->len) || db_begin(db) != 0)
		return -1;
	if ((rc = room_for(db, d)) != 0) {
		db_rollback(db);
		return rc;
	}
	rc = 1;
	snprintf(size, sizeof(size), "%zu", d->len);
	const char *params[9] = {d->applicant_id,       d->kind, d->filename,
	                         d->content_type,       size,    d->sha256,
	                         (const char *)d->data, actor,   request_id};
	int lengths[9] = {[6] = (int)d->len}, formats[9] = {[6] = 1};
	if ((res = db_run_binary(db, &insert_document, 9, params, lengths, formats, 0)) == NULL)
		return -1; /* the transaction is rolled back when the connection goes back */
	if (PQntuples(res) == 1 && db_exec(db, "COMMIT") == 0) {
		*meta = metadata(res, 0, false);
		rc = 0;
	} else if (PQntuples(res) == 1) {
		rc = -1;
	}
	PQclear(res);
	return rc;
}

void
documents_bytes_release(void *res)
{
	PQclear(res);
}

int
documents_fetch(struct db *db, const char *id, const char *applicant_id, const char *actor,
                const char *request_id, struct document_bytes *out)
{
	const char *params[4] = {id, applicant_id, actor, request_id};
	/* Binary results: the bytes as they are; the text columns come back as their bare text. */
	PGresult *res = db_run_binary(db, &read_document, 4, params, NULL, NULL, 1);

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	out->res = res;
	out->filename = PQgetvalue(res, 0, 0);
	out->content_type = PQgetvalue(res, 0, 1);
	out->sha256 = PQgetvalue(res, 0, 2);
	out->data = PQgetvalue(res, 0, 3);
	out->len = (size_t)PQgetlength(res, 0, 3);
	return 0;
}

json_t *
documents_metadata(struct db *db, const char *applicant_id, bool self_view)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &list_documents, 1, params);
	json_t *items;

	if (res == NULL)
		return NULL;
	items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, metadata(res, i, self_view));
	PQclear(res);
	return items;
}

int
documents_remove(struct db *db, const char *id, const char *actor, const char *request_id)
{
	const char *params[3] = {id, actor, request_id};
	long deleted;

	if (db_count(db, &delete_document, 3, params, &deleted) != 0)
		return -1;
	return deleted == 1 ? 0 : 1;
}

PGresult *
documents_manifest(struct db *db, const char *applicant_id)
{
	const char *params[1] = {applicant_id};

	return db_run(db, &manifest_of_applicant, 1, params);
}

PGresult *
documents_slice(struct db *db, const char *id, size_t offset, size_t len)
{
	char from[24], n[24];
	PGresult *res;

	if (!db_fits(db, offset + 1) || !db_fits(db, len))
		return NULL;
	snprintf(from, sizeof(from), "%zu", offset + 1);
	snprintf(n, sizeof(n), "%zu", len);
	const char *params[3] = {id, from, n};
	if ((res = db_run_binary(db, &slice_of, 3, params, NULL, NULL, 1)) != NULL &&
	    PQntuples(res) != 1) {
		PQclear(res);
		return NULL;
	}
	return res;
}

static struct db_stmt owner_restricted =
    DB_STMT("SELECT a.restricted_at IS NOT NULL FROM documents d JOIN applicants a ON "
            "a.id = d.applicant_id WHERE d.id = $1");

int
documents_owner_restricted(struct db *db, const char *id, bool *restricted)
{
	const char *params[1] = {id};
	PGresult *row;
	int rc = db_row(db, &owner_restricted, 1, params, &row);

	*restricted = false;
	if (rc == 0) {
		*restricted = PQgetvalue(row, 0, 0)[0] == 't';
		PQclear(row);
	}
	return rc < 0 ? -1 : 0;
}
