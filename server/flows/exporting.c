/*
 * exporting: building a copy of a person's data and its downloads. See
 * exporting.h. The package's bytes go to the database as they are made
 * (store/export_chunks.h), never whole in memory; a download opens the
 * first chunk before it is counted, so one that cannot open it (the key
 * database away) uses none of the link's three.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/token.h"
#include "domain/export.h"
#include "domain/privacy.h"
#include "domain/report.h"
#include "flows/exporting.h"
#include "flows/flow.h"
#include "flows/record.h"
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

/*
 * data.json's members: the record's export view (flows/record.c: without
 * HR's notes or staff names) and what else is about the person (the audit
 * entries by actor role, their privacy requests). The person's own data for
 * their own copy: a restricted record is theirs to see too. New reference,
 * or NULL with the problem set.
 */
static json_t *
subject_data(const struct flow *f, const char *applicant)
{
	json_t *record = NULL, *rest, *data;
	struct record rec;
	long version;

	if (applicants_current(f->db, applicant, &record, &version) != 0) {
		flow_fail_db(f);
		return NULL;
	}
	if (record_gather(f, applicant, record, true, &rec) != 0) {
		record_fini(&rec);
		return NULL;
	}
	if ((rest = exports_subject_data(f->db, applicant)) == NULL) {
		record_fini(&rec);
		flow_fail_db(f);
		return NULL;
	}
	data = record_for_export(&rec);
	record_fini(&rec);
	json_object_update(data, rest);
	json_decref(rest);
	return data;
}

/* One document's exact bytes (i: its place in the package, from 1), slice by slice. */
static int
write_document(struct export_writer *w, struct db *db, size_t i, const json_t *doc)
{
	const char *id = json_string_value(json_object_get(doc, "id"));
	size_t size = (size_t)json_integer_value(json_object_get(doc, "size"));
	char *path = export_document_path(i, json_string_value(json_object_get(doc, "filename")));
	int rc = export_add_begin(w, path, size);

	free(path);
	for (size_t off = 0; rc == 0 && off < size; off += SLICE_BYTES) {
		size_t n;
		unsigned char *bytes = documents_slice(db, id, off, SLICE_BYTES, &n);
		rc = bytes ? export_add_data(w, bytes, n) : -1;
		if (bytes)
			explicit_bzero(bytes, n);
		free(bytes);
	}
	return rc == 0 ? export_add_end(w) : -1;
}

/* {document id: its path in the package} for the documents docs, in their order. */
static json_t *
document_paths(const json_t *docs)
{
	json_t *paths = json_object(), *doc;
	size_t i;

	json_array_foreach(docs, i, doc)
	{
		char *path = export_document_path(
		    i + 1, json_string_value(json_object_get(doc, "filename")));
		json_object_set_new(paths, json_string_value(json_object_get(doc, "id")),
		                    json_string(path));
		free(path);
	}
	return paths;
}

/* Write every file of the package; 0 or -1. */
static int
write_files(struct export_writer *w, const struct flow *f, const char *applicant,
            const json_t *data, const json_t *categories)
{
	json_t *docs = NULL, *doc;
	size_t i;

	if (exports_documents(f->db, applicant, &docs) != 0)
		return -1;
	json_t *paths = document_paths(docs);
	struct report_in in = {.data = data,
	                       .categories = categories,
	                       .paths = paths,
	                       .company = f->cfg->company_name,
	                       .zone = f->cfg->zone,
	                       .made = time(NULL)};
	char *text = json_dumps(data, JSON_INDENT(2) | JSON_SORT_KEYS);
	char *cats = json_dumps(categories, JSON_INDENT(2));
	char *html = report_html(&in);
	int rc = text && cats && html && export_add(w, "data.json", text, strlen(text)) == 0 &&
	                 export_add(w, "categories.json", cats, strlen(cats)) == 0 &&
	                 export_add(w, "index.html", html, strlen(html)) == 0
	             ? 0
	             : -1;

	free(text);
	free(cats);
	free(html);
	json_decref(paths);
	json_array_foreach(docs, i, doc) if (rc == 0) rc = write_document(w, f->db, i + 1, doc);
	json_decref(docs);
	return rc;
}

/* Stream the package of row id into its chunks: 0 with its size and hash, or -1. */
static int
stream_package(const struct flow *f, const char *id, const char *applicant, size_t *size,
               unsigned char hash[SHA256_LEN])
{
	bool docs, apps, evals;
	int rc;

	if (privacy_holdings(f->db, applicant, &docs, &apps, &evals) != 0)
		return -1;
	json_t *data = subject_data(f, applicant);
	if (data == NULL)
		return -1;
	json_t *categories = privacy_categories(docs, apps, evals);
	struct sink s = {.db = f->db, .applicant = applicant, .id = id, .buf = xmalloc(CHUNK)};
	struct export_writer *w = export_begin(time(NULL), to_chunks, &s);
	if (w == NULL || write_files(w, f, applicant, data, categories) != 0) {
		export_abort(w);
		rc = -1;
	} else {
		rc = export_finish(w, size, hash) == 0 && flush(&s, true) == 0 ? 0 : -1;
	}
	json_decref(data);
	json_decref(categories);
	free(s.buf);
	return rc;
}

int
exporting_build(const struct flow *f, const char *request_id, const char *applicant, char **link)
{
	char token[CODE_LEN + 1], token_sha[2 * SHA256_LEN + 1], id[37], hex[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	size_t size;

	*link = NULL;
	if (code_new(token, token_sha) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	if (exports_create(f->db, request_id, applicant, token_sha, id) != 0)
		return flow_fail_db(f);
	if (stream_package(f, id, applicant, &size, hash) != 0)
		return f->problem->status != 0 ? -1
		       : db_failure(f->db) != DB_OK
		           ? flow_fail_db(f)
		           : flow_fail(f, 503, NULL, "the package could not be built; retry");
	hex_encode(hash, SHA256_LEN, hex);
	if (exports_seal(f->db, id, size, hex) != 0)
		return flow_fail_db(f);
	*link = xasprintf("%s/v1/exports/%s", f->cfg->public_url, token);
	explicit_bzero(token, sizeof(token));
	return 0;
}

/* ------------------------------------------------------------------ */
/* downloads                                                            */

/* The opened stream as the handler streams it (the stream is out's now). */
static void
download_of(struct export_stream *s, struct exporting_download *out)
{
	out->size = exports_stream_size(s);
	snprintf(out->sha256, sizeof(out->sha256), "%s", exports_stream_sha256(s));
	out->read = exports_stream_read;
	out->release = exports_stream_free;
	out->stream = s;
}

int
exporting_by_link(const struct flow *f, struct pool *pool, const char *token_sha256,
                  struct exporting_download *out)
{
	struct export_stream *s = NULL;
	int rc =
	    exports_download_link(f->db, pool, f->cfg->db_wait_ms, token_sha256, f->request_id, &s);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL,
		                 "no package behind this link: it expired after 24 hours, or was "
		                 "downloaded 3 times");
	download_of(s, out);
	return 0;
}

int
exporting_own(const struct flow *f, struct pool *pool, const char *id,
              struct exporting_download *out)
{
	struct export_stream *s = NULL;
	int rc = exports_download_own(f->db, pool, f->cfg->db_wait_ms, id, f->who->applicant_id,
	                              f->request_id, &s);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no package with this id");
	download_of(s, out);
	return 0;
}
