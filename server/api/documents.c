/*
 * documents: files of an applicant, accepted by their bytes (upload.c), kept
 * with their SHA-256 and size, and given back byte for byte with a safe
 * name. The handlers read the form and the path; flows/filing.c files,
 * reads and removes (audited, and a restricted record's documents hidden
 * from recruiters). A download is sent from libpq's own buffer, so it
 * holds one copy in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/documents.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/filing.h"
#include "flows/flow.h"

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
		              "must be a PDF, a Word document (.docx or .doc), an OpenDocument "
		              "text (.odt), an RTF file or a plain text file");
		req_fail(r, 415,
		         "this kind of file cannot be used: please send a PDF, a Word document, an "
		         "OpenDocument text, an RTF file or a plain text file");
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
	json_t *text = form_text_json(form), *meta;
	const char *unknown = form_unknown(form, parts);
	struct filing_new d = {.applicant_id = applicant_id};
	struct flow f;

	if (text == NULL)
		return req_fail(r, 400, "a form field is not valid UTF-8");
	if (unknown != NULL)
		problem_field(req_problem(r), has_control_chars(unknown) ? "?" : unknown,
		              "is not a known part");
	if (form_count(form, "file") > 1)
		problem_field(req_problem(r), "file", "must be given once");
	check_enum(text, "kind", NULL, false, kinds, req_problem(r));
	if (req_fail_fields(r) != 0 || (d.type = documents_check(r, file, "file")) == DOC_UNKNOWN ||
	    rest_flow(r, &f) != 0) {
		json_decref(text);
		return -1;
	}
	d.kind = json_string_value(json_object_get(text, "kind"));
	d.filename = file->filename;
	d.data = file->data;
	d.len = file->len;
	int rc = filing_upload(&f, &d, &meta);
	json_decref(text);
	if (rc != 0)
		return -1;
	char *location = xasprintf("%s%s", where, json_string_value(json_object_get(meta, "id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_json(r, 201, meta);
}

int
documents_send(struct req *r, const char *doc_id, const char *applicant_id)
{
	struct filing_bytes d;
	char etag[2 * SHA256_LEN + 3];
	struct flow f;

	if (!is_uuid(doc_id))
		return req_fail(r, 404, "no document with this id");
	if (rest_flow(r, &f) != 0 || filing_download(&f, doc_id, applicant_id, &d) != 0)
		return -1;
	char *disposition = upload_disposition(d.filename);
	reply_header(r, "Content-Disposition", disposition);
	free(disposition);
	snprintf(etag, sizeof(etag), "\"%s\"", d.sha256);
	reply_header(r, "ETag", etag);
	/* sent from libpq's own buffer, released once the response is done */
	return reply_owned(r, 200, d.content_type, d.data, d.len, filing_bytes_release, d.owner);
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
	json_t *items, *page;
	struct flow f;

	if (!is_uuid(id))
		return req_fail(r, 404, "no applicant with this id");
	if (rest_flow(r, &f) != 0 || filing_list(&f, id, false, &items) != 0 ||
	    rest_page_ascending(r, items, "created_at", "id", &page) != 0)
		return -1;
	return reply_json(r, 200, page);
}

int
documents_get(struct req *r)
{
	static const char *const none[] = {NULL};

	if (req_query_only(r, none) != 0)
		return -1;
	return documents_send(r, req_param(r, 0), NULL);
}

int
documents_delete(struct req *r)
{
	const char *id = req_param(r, 0);
	struct flow f;

	if (!is_uuid(id))
		return req_fail(r, 404, "no document with this id");
	if (rest_flow(r, &f) != 0 || filing_delete(&f, id) != 0)
		return -1;
	return reply_empty(r, 204);
}
