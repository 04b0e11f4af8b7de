/*
 * exports: a copy of a person's data. The package is built when a
 * know_specific request is verified: data.json (the record, its consents,
 * applications with history and evaluations without their authors,
 * documents' metadata, the audit entries about the person by actor role,
 * their privacy requests), categories.json, index.html, the documents' exact
 * bytes, and the manifest; written to the database in chunks as it streams,
 * one document in memory at a time. The person downloads it signed in
 * (GET /v1/me/exports/{id}, a sign-in within 15 minutes) or through the
 * e-mailed link (GET /v1/exports/{token}, 24 hours, 3 downloads): the
 * package streams out chunk by chunk as the client takes it, counted and
 * audited once its first chunk has opened (store/exports.h). The purge run
 * deletes packages after 7 days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/exports.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/export.h"
#include "domain/privacy.h"
#include "domain/upload.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/export_chunks.h"
#include "store/exports.h"
#include "store/privacy.h"

#define CHUNK (256u << 10)

/* A document goes into the package in slices of this many bytes (whole sealed segments). */
#define SLICE_BYTES (1u << 20)

/*
 * Where the package streams: chunks of CHUNK bytes into export_chunks. A
 * full chunk is written when more bytes come, so the last one written is
 * known to be the last and marked so (store/export_chunks.h).
 */
struct sink {
	struct db *db;
	const char *applicant, *id;
	unsigned char *buf;
	size_t len;
	int seq;
};

static int
flush(struct sink *s, bool last)
{
	if (s->len == 0 ||
	    exports_chunk(s->db, s->applicant, s->id, s->seq++, last, s->buf, s->len) != 0)
		return -1;
	s->len = 0;
	return 0;
}

static int
to_chunks(void *cls, const void *data, size_t len)
{
	struct sink *s = cls;
	const unsigned char *p = data;

	while (len > 0) {
		if (s->len == CHUNK && flush(s, false) != 0)
			return -1;
		size_t n = CHUNK - s->len < len ? CHUNK - s->len : len;
		memcpy(s->buf + s->len, p, n);
		s->len += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* data.json's members: the record (without HR's notes) and the rest. New reference, or NULL. */
static json_t *
subject_data(struct db *db, const char *applicant)
{
	json_t *record = NULL, *rest;
	long version;

	if (applicants_current(db, applicant, &record, &version) != 0)
		return NULL;
	if ((rest = exports_subject_data(db, applicant)) == NULL) {
		json_decref(record);
		return NULL;
	}
	json_object_del(record, "legal_hold");
	json_object_del(json_object_get(record, "source"), "detail");
	json_t *expires = json_object_get(json_object_get(record, "retention"), "expires_at");
	json_object_set_new(record, "retention",
	                    json_pack("{s:O}", "expires_at", expires ? expires : json_null()));
	json_object_set_new(rest, "applicant", record);
	return rest;
}

/* Write every file of the package; 0 or -1. */
static int
write_files(struct export_writer *w, struct db *db, const char *applicant, const json_t *data,
            const json_t *categories, const char *company)
{
	char *text = json_dumps(data, JSON_INDENT(2) | JSON_SORT_KEYS);
	char *cats = json_dumps(categories, JSON_INDENT(2));
	char *html = export_index_html(data, categories, company);
	int rc = text && cats && export_add(w, "data.json", text, strlen(text)) == 0 &&
	                 export_add(w, "categories.json", cats, strlen(cats)) == 0 &&
	                 export_add(w, "index.html", html, strlen(html)) == 0
	             ? 0
	             : -1;
	free(text);
	free(cats);
	free(html);
	if (rc != 0)
		return -1;
	PGresult *docs = exports_documents(db, applicant);
	if (docs == NULL)
		return -1;
	for (int i = 0; rc == 0 && i < PQntuples(docs); i++) {
		/* in slices: the package holds one slice of a document at a time */
		size_t size = strtoull(PQgetvalue(docs, i, 2), NULL, 10);
		char *path = export_document_path((size_t)i + 1, PQgetvalue(docs, i, 1));
		rc = export_add_begin(w, path, size);
		free(path);
		for (size_t off = 0; rc == 0 && off < size; off += SLICE_BYTES) {
			size_t n;
			unsigned char *bytes =
			    documents_slice(db, PQgetvalue(docs, i, 0), off, SLICE_BYTES, &n);
			rc = bytes ? export_add_data(w, bytes, n) : -1;
			if (bytes)
				explicit_bzero(bytes, n);
			free(bytes);
		}
		if (rc == 0)
			rc = export_add_end(w);
	}
	PQclear(docs);
	return rc;
}

int
exports_build(struct req *r, struct db *db, const char *request_id, const char *applicant,
              char **link)
{
	const struct config *cfg = req_app(r)->cfg;
	char token[CODE_LEN + 1], token_sha[2 * SHA256_LEN + 1], id[37], hex[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	bool docs, apps, evals;
	size_t size;
	int rc;

	*link = NULL;
	if (code_new(token, token_sha) != 0)
		return req_fail(r, 503, "no randomness available; retry");
	if (exports_create(db, request_id, applicant, token_sha, id) != 0 ||
	    privacy_holdings(db, applicant, &docs, &apps, &evals) != 0)
		return rest_fail_db(r, db);
	json_t *data = subject_data(db, applicant);
	if (data == NULL)
		return rest_fail_db(r, db);
	json_t *categories = privacy_categories(docs, apps, evals);
	struct sink s = {.db = db, .applicant = applicant, .id = id, .buf = xmalloc(CHUNK)};
	struct export_writer *w = export_begin(time(NULL), to_chunks, &s);
	if (w == NULL || write_files(w, db, applicant, data, categories, cfg->company_name) != 0) {
		export_abort(w);
		rc = -1;
	} else {
		rc = export_finish(w, &size, hash) == 0 && flush(&s, true) == 0 ? 0 : -1;
	}
	json_decref(data);
	json_decref(categories);
	free(s.buf);
	if (rc != 0)
		return db_failure(db) != DB_OK
		           ? rest_fail_db(r, db)
		           : req_fail(r, 503, "the package could not be built; retry");
	hex_encode(hash, SHA256_LEN, hex);
	if (exports_seal(db, id, size, hex) != 0)
		return rest_fail_db(r, db);
	*link = xasprintf("%s/v1/exports/%s", cfg->public_url, token);
	explicit_bzero(token, sizeof(token));
	return 0;
}

/* Send the package as it is read, chunk by chunk; the stream is the reply's now. */
static int
send_package(struct req *r, struct export_stream *s)
{
	char etag[2 * SHA256_LEN + 3];

	snprintf(etag, sizeof(etag), "\"%s\"", exports_stream_sha256(s));
	reply_header(r, "ETag", etag);
	reply_header(r, "Content-Disposition", "attachment; filename=\"my-data.zip\"");
	return reply_stream(r, 200, "application/zip", exports_stream_size(s), exports_stream_read,
	                    exports_stream_free, s);
}

int
exports_get_by_link(struct req *r)
{
	static const char *const none[] = {NULL};
	const struct app *app = req_app(r);
	char token_sha[2 * SHA256_LEN + 1];
	struct export_stream *s = NULL;
	struct db *db;
	int rc;

	if (req_query_only(r, none) != 0)
		return -1;
	if (code_hash(req_param(r, 0), token_sha) != 0)
		return req_fail(r, 404, "no package behind this link");
	if ((db = req_db(r)) == NULL)
		return -1;
	rc = exports_download_link(db, app->pool, app->cfg->db_wait_ms, token_sha, req_id(r), &s);
	if (rc != 0) {
		return rc < 0 ? rest_fail_db(r, db)
		              : req_fail(r, 404,
		                         "no package behind this link: it expired after 24 "
		                         "hours, or was downloaded 3 times");
	}
	return send_package(r, s);
}

int
me_export_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const struct app *app = req_app(r);
	const char *id = req_param(r, 0);
	struct export_stream *s = NULL;
	struct db *db;
	int rc;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no package with this id");
	if (rest_fresh_sign_in(r, PRIVACY_FRESH_SIGN_IN_S) != 0)
		return -1;
	if ((db = req_db(r)) == NULL)
		return -1;
	rc = exports_download_own(db, app->pool, app->cfg->db_wait_ms, id,
	                          req_actor(r)->applicant_id, req_id(r), &s);
	if (rc != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, "no package with this id");
	return send_package(r, s);
}
