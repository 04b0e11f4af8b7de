/*
 * documents: files of an applicant, accepted by their bytes (upload.c), kept
 * with their SHA-256 and size, and given back byte for byte with a safe
 * name. Every upload, download and deletion writes its audit entry in the
 * same statement. Bytes travel in binary to and from PostgreSQL and are
 * sent from libpq's own buffer, so a download holds one copy in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applicants.h"
#include "store/db.h"
#include "core/digest.h"
#include "api/documents.h"
#include "edge/form.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "core/problem.h"
#include "core/validate.h"

static const char *const kinds[] = {"resume", "cover_letter", "other", NULL};

enum doc_type
documents_check(struct req *r, const struct form_file *file, const char *field)
{
	enum doc_type type;

	if (file == NULL) {
		problem_field(req_problem(r), field, "is required: attach a file");
		req_fail_fields(r);
		return DOC_UNKNOWN;
	}
	if (file->len == 0) {
		problem_field(req_problem(r), field, "is empty");
		req_fail_fields(r);
		return DOC_UNKNOWN;
	}
	if ((type = upload_sniff(file->data, file->len)) == DOC_UNKNOWN) {
		req_problem(r)->slug = "unsupported-document-type";
		problem_field(req_problem(r), field, "must be a PDF, DOCX, ODT, DOC, RTF or plain UTF-8 text file");
		req_fail(r, 415, "the file's contents are not an accepted document type");
	}
	return type;
}

static struct db_stmt insert_document = DB_STMT(
	"WITH a AS (SELECT id FROM applicants WHERE id = $1), "
	"d AS (INSERT INTO documents (applicant_id, kind, filename, content_type, size, sha256, content) "
	"  SELECT a.id, $2, $3, $4, $5::bigint, $6, $7::bytea FROM a "
	"  RETURNING id, applicant_id, kind, filename, content_type, size, sha256, created_at), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $8, 'document.upload', applicant_id, 'document:' || id, $9 FROM d) "
	"SELECT id, applicant_id, kind, filename, content_type, size, sha256, rfc3339(created_at) FROM d");

static json_t *
metadata(const PGresult *res, int row, int self_view)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", PQgetvalue(res, row, 0),
				"applicant_id", PQgetvalue(res, row, 1), "kind", PQgetvalue(res, row, 2), "filename",
				PQgetvalue(res, row, 3), "content_type", PQgetvalue(res, row, 4), "size",
				(json_int_t)atoll(PQgetvalue(res, row, 5)), "sha256", PQgetvalue(res, row, 6),
				"created_at", PQgetvalue(res, row, 7));
	if (self_view) { /* DESIGN: {id, kind, filename, content_type, size, created_at} */
		json_object_del(doc, "applicant_id");
		json_object_del(doc, "sha256");
	}
	return doc;
}

int
documents_upload(struct req *r, const char *applicant_id)
{
	static const char *const parts[] = {"file", "kind", NULL};
	const struct form *form = req_form(r);
	const struct form_file *file = form_file(form, "file");
	json_t *text = form_text_json(form);
	const char *unknown = form_unknown(form, parts), *kind;
	enum doc_type type;
	struct db *db;

	if (text == NULL)
		return req_fail(r, 400, "a form field is not valid UTF-8");
	kind = json_string_value(json_object_get(text, "kind"));
	if (unknown != NULL)
		problem_field(req_problem(r), has_control_chars(unknown) ? "?" : unknown, "is not a known part");
	if (form_count(form, "file") > 1)
		problem_field(req_problem(r), "file", "must be given once");
	check_enum(text, "kind", NULL, false, kinds, req_problem(r));
	if (req_fail_fields(r) != 0 || (type = documents_check(r, file, "file")) == DOC_UNKNOWN ||
	    (db = req_db(r)) == NULL) {
		json_decref(text);
		return -1;
	}

	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1], size[24];
	char *name = upload_safe_name(file->filename);
	sha256(file->data, file->len, hash);
	hex_encode(hash, SHA256_LEN, hex);
	snprintf(size, sizeof(size), "%zu", file->len);
	const char *params[9] = {applicant_id, kind ? kind : "resume", name, upload_content_type(type), size, hex,
				 (const char *)file->data, req_actor(r)->name, req_id(r)};
	int lengths[9] = {0, 0, 0, 0, 0, 0, (int)file->len, 0, 0}, formats[9] = {0, 0, 0, 0, 0, 0, 1, 0, 0};
	PGresult *res = db_run_binary(db, &insert_document, 9, params, lengths, formats, 0);
	int rc;
	if (res == NULL) {
		rc = rest_fail_db(r, db);
	} else if (PQntuples(res) == 0) {
		rc = applicants_fail_absent(r, db, applicant_id);
	} else {
		char *location = xasprintf("/v1/documents/%s", PQgetvalue(res, 0, 0));
		reply_header(r, "Location", location);
		free(location);
		rc = reply_json(r, 201, metadata(res, 0, 0));
	}
	PQclear(res);
	free(name);
	json_decref(text);
	return rc;
}

static struct db_stmt read_document = DB_STMT(
	"WITH d AS (SELECT id, applicant_id, filename, content_type, sha256, content FROM documents "
	"  WHERE id = $1 AND ($2::uuid IS NULL OR applicant_id = $2::uuid)), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $3, 'document.read', applicant_id, 'document:' || id, $4 FROM d) "
	"SELECT filename, content_type, sha256, content FROM d");

static void
release_result(void *res)
{
	PQclear(res);
}

int
documents_send(struct req *r, const char *doc_id, const char *applicant_id)
{
	struct db *db;
	PGresult *res;
	char etag[2 * SHA256_LEN + 3];

	if (!is_uuid(doc_id))
		return req_fail(r, 404, "no document with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[4] = {doc_id, applicant_id, req_actor(r)->name, req_id(r)};
	/* Binary results: the bytes as they are; the text columns come back as their bare text. */
	if ((res = db_run_binary(db, &read_document, 4, params, NULL, NULL, 1)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return req_fail(r, 404, "no document with this id");
	}
	char *disposition = upload_disposition(PQgetvalue(res, 0, 0));
	reply_header(r, "Content-Disposition", disposition);
	free(disposition);
	snprintf(etag, sizeof(etag), "\"%s\"", PQgetvalue(res, 0, 2));
	reply_header(r, "ETag", etag);
	return reply_owned(r, 200, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 3), (size_t)PQgetlength(res, 0, 3),
			   release_result, res);
}

static struct db_stmt list_documents = DB_STMT(
	"SELECT id, applicant_id, kind, filename, content_type, size, sha256, rfc3339(created_at) "
	"FROM documents WHERE applicant_id = $1 ORDER BY created_at, id");

json_t *
documents_of(struct req *r, struct db *db, const char *applicant_id, int self_view)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &list_documents, 1, params);
	json_t *items;

	if (res == NULL) {
		rest_fail_db(r, db);
		return NULL;
	}
	items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, metadata(res, i, self_view));
	PQclear(res);
	return items;
}

/* ------------------------------------------------------------------ */
/* staff endpoints                                                      */

int
documents_create(struct req *r)
{
	const char *id = req_param(r, 0);

	if (!is_uuid(id))
		return req_fail(r, 404, "no applicant with this id");
	return documents_upload(r, id);
}

static struct db_stmt applicant_here = DB_STMT("SELECT 1 FROM applicants WHERE id = $1");

int
documents_list(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	PGresult *res;
	json_t *items;

	if (!is_uuid(id))
		return req_fail(r, 404, "no applicant with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[1] = {id};
	if ((res = db_run(db, &applicant_here, 1, params)) == NULL)
		return rest_fail_db(r, db);
	int here = PQntuples(res);
	PQclear(res);
	if (!here)
		return applicants_fail_absent(r, db, id);
	if ((items = documents_of(r, db, id, 0)) == NULL)
		return -1;
	return reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int
documents_get(struct req *r)
{
	return documents_send(r, req_param(r, 0), NULL);
}

static struct db_stmt delete_document = DB_STMT(
	"WITH d AS (DELETE FROM documents WHERE id = $1 RETURNING id, applicant_id), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $2, 'document.delete', applicant_id, 'document:' || id, $3 FROM d) "
	"SELECT count(*) FROM d");

int
documents_delete(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	PGresult *res;
	bool deleted;

	if (!is_uuid(id))
		return req_fail(r, 404, "no document with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[3] = {id, req_actor(r)->name, req_id(r)};
	if ((res = db_run(db, &delete_document, 3, params)) == NULL)
		return rest_fail_db(r, db);
	deleted = atoi(PQgetvalue(res, 0, 0)) == 1;
	PQclear(res);
	return deleted ? reply_empty(r, 204) : req_fail(r, 404, "no document with this id");
}
