/*
 * documents: files of an applicant, accepted by their bytes (upload.c), kept
 * with their SHA-256 and size, and given back byte for byte with a safe
 * name. The store (store/documents.c) audits every upload, download and
 * deletion. A download is sent from libpq's own buffer, so it holds one
 * copy in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/documents.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/documents.h"

static const char *const kinds[] = {"resume", "cover_letter", "other", NULL};

enum doc_type
documents_check(struct req *r, const struct form_file *file, const char *field)
{
	enum doc_type type;
	const char *bomb;

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
		problem_field(req_problem(r), field,
		              "must be a PDF, DOCX, ODT, DOC, RTF or plain UTF-8 text file");
		req_fail(r, 415, "the file's contents are not an accepted document type");
	} else if ((type == DOC_DOCX || type == DOC_ODT) &&
	           (bomb = upload_bomb(file->data, file->len))) {
		req_problem(r)->slug = "unsafe-document";
		problem_field(req_problem(r), field, "%s", bomb);
		req_fail(r, 415, "the document would expand far beyond what a document needs (%s)",
		         bomb);
		type = DOC_UNKNOWN;
	}
	return type;
}

int
documents_upload(struct req *r, const char *applicant_id, const char *where)
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
		problem_field(req_problem(r), has_control_chars(unknown) ? "?" : unknown,
		              "is not a known part");
	if (form_count(form, "file") > 1)
		problem_field(req_problem(r), "file", "must be given once");
	check_enum(text, "kind", NULL, false, kinds, req_problem(r));
	if (req_fail_fields(r) != 0 || (type = documents_check(r, file, "file")) == DOC_UNKNOWN ||
	    (db = req_db(r)) == NULL) {
		json_decref(text);
		return -1;
	}

	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	char *name = upload_safe_name(file->filename);
	json_t *meta = NULL;
	sha256(file->data, file->len, hash);
	hex_encode(hash, SHA256_LEN, hex);
	struct document_new d = {.applicant_id = applicant_id,
	                         .kind = kind ? kind : "resume",
	                         .filename = name,
	                         .content_type = upload_content_type(type),
	                         .sha256 = hex,
	                         .data = file->data,
	                         .len = file->len,
	                         .max_count = (long)req_app(r)->cfg->document_quota_count,
	                         .max_bytes = req_app(r)->cfg->document_quota_bytes};
	int rc = documents_insert(db, &d, req_actor(r)->name, req_id(r), &meta);
	if (rc < 0) {
		rc = rest_fail_db(r, db);
	} else if (rc == 2) {
		req_problem(r)->slug = "document-quota";
		rc =
		    req_fail(r, 409, "an applicant holds at most %ld documents and %llu MiB in all",
		             d.max_count, d.max_bytes >> 20);
	} else if (rc > 0) {
		rc = rest_fail_absent(r, db, applicant_id);
	} else {
		char *location =
		    xasprintf("%s%s", where, json_string_value(json_object_get(meta, "id")));
		reply_header(r, "Location", location);
		free(location);
		rc = reply_json(r, 201, meta);
	}
	free(name);
	json_decref(text);
	return rc;
}

int
documents_send(struct req *r, const char *doc_id, const char *applicant_id)
{
	struct document_bytes d;
	struct db *db;
	char etag[2 * SHA256_LEN + 3];
	int rc;

	if (!is_uuid(doc_id))
		return req_fail(r, 404, "no document with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	if ((rc = documents_fetch(db, doc_id, applicant_id, req_actor(r)->name, req_id(r), &d)) < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return req_fail(r, 404, "no document with this id");
	char *disposition = upload_disposition(d.filename);
	reply_header(r, "Content-Disposition", disposition);
	free(disposition);
	snprintf(etag, sizeof(etag), "\"%s\"", d.sha256);
	reply_header(r, "ETag", etag);
	/* sent from libpq's own buffer, released once the response is done */
	return reply_owned(r, 200, d.content_type, d.data, d.len, documents_bytes_release, d.owner);
}

/* ------------------------------------------------------------------ */
/* staff endpoints                                                      */

int
documents_create(struct req *r)
{
	const char *id = req_param(r, 0);

	if (!is_uuid(id))
		return req_fail(r, 404, "no applicant with this id");
	return documents_upload(r, id, "/v1/documents/");
}

int
documents_list(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	json_t *items;
	int rc;

	if (!is_uuid(id))
		return req_fail(r, 404, "no applicant with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	bool restricted = false;
	if ((rc = applicants_restricted(db, id, &restricted)) < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return rest_fail_absent(r, db, id);
	if (restricted && req_actor(r)->role != ROLE_HR) /* only HR sees a restricted record */
		return req_fail(r, 404, "no applicant with this id");
	if ((items = documents_metadata(db, id, false)) == NULL)
		return rest_fail_db(r, db);
	json_t *page;
	if (rest_page_ascending(r, items, "created_at", "id", &page) != 0)
		return -1;
	return reply_json(r, 200, page);
}

/* A restricted record's documents are HR's alone: -1 with a 404 for anyone else, 0 go on. */
static int
hidden_document(struct req *r, const char *id)
{
	struct db *db;
	bool restricted;

	if (req_actor(r)->role == ROLE_HR || !is_uuid(id))
		return 0;
	if ((db = req_db(r)) == NULL)
		return -1;
	if (documents_owner_restricted(db, id, &restricted) != 0)
		return rest_fail_db(r, db);
	return restricted ? req_fail(r, 404, "no document with this id") : 0;
}

int
documents_get(struct req *r)
{
	static const char *const none[] = {NULL};

	if (req_query_only(r, none) != 0 || hidden_document(r, req_param(r, 0)) != 0)
		return -1;
	return documents_send(r, req_param(r, 0), NULL);
}

int
documents_delete(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	int rc;

	if (!is_uuid(id))
		return req_fail(r, 404, "no document with this id");
	if ((db = req_db(r)) == NULL || hidden_document(r, id) != 0)
		return -1;
	if ((rc = documents_remove(db, id, req_actor(r)->name, req_id(r))) < 0)
		return rest_fail_db(r, db);
	return rc == 0 ? reply_empty(r, 204) : req_fail(r, 404, "no document with this id");
}
