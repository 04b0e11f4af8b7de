/*
 * hiring_archive: the archive of a hired applicant's record. See
 * hiring_archive.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "domain/transfer.h"
#include "flows/flow.h"
#include "flows/hiring_archive.h"
#include "flows/record.h"
#include "store/applicants.h"
#include "store/documents.h"
#include "store/employees.h"

/*
 * The archive's bytes go to the database in chunks of CHUNK_BYTES as
 * libarchive writes them, so a hire holds one document slice and one chunk
 * at a time (make bench and the API test measure it).
 */
#define CHUNK_BYTES (1u << 20)

/* Where the archive's bytes collect until a chunk is full; store_failed once the store refused. */
struct chunker {
	const struct flow *f;
	const char *employee_id;
	int seq;
	unsigned char *buf;
	size_t len;
	bool store_failed;
};

static int
flush_chunk(struct chunker *c)
{
	if (c->len == 0)
		return 0;
	if (employees_archive_chunk(c->f->db, c->employee_id, c->seq++, c->buf, c->len) != 0) {
		c->store_failed = true;
		return -1;
	}
	c->len = 0;
	return 0;
}

/* transfer_sink_fn: the archive's next bytes, a chunk written whenever one fills. */
static int
to_chunks(void *cls, const void *data, size_t len)
{
	struct chunker *c = cls;

	while (len > 0) {
		size_t n = CHUNK_BYTES - c->len < len ? CHUNK_BYTES - c->len : len;
		memcpy(c->buf + c->len, data, n);
		c->len += n;
		data = (const unsigned char *)data + n;
		len -= n;
		if (c->len == CHUNK_BYTES && flush_chunk(c) != 0)
			return -1;
	}
	return 0;
}

/* One document's bytes, read a slice of CHUNK_BYTES at a time (each wiped once written). */
static int
add_document(struct chunker *c, struct transfer_writer *w, const char *id, size_t len)
{
	if (transfer_add_begin(w) != 0)
		return -1;
	for (size_t off = 0; off < len; off += CHUNK_BYTES) {
		size_t n;
		unsigned char *one = documents_slice(c->f->db, id, off, CHUNK_BYTES, &n);
		int rc = one ? transfer_add_data(w, one, n) : -1;
		if (one == NULL)
			c->store_failed = true;
		else
			explicit_bzero(one, n);
		free(one);
		if (rc != 0)
			return -1;
	}
	return transfer_add_end(w);
}

/* Stream the archive: the head, then every document; 0 with its length and hash, or -1. */
static int
stream(struct chunker *c, const struct transfer_head *head, const struct employee_docs *docs,
       size_t *len, unsigned char digest[SHA256_LEN])
{
	struct transfer_writer *w = transfer_begin(head, to_chunks, c);

	if (w == NULL)
		return -1;
	for (size_t i = 0; i < docs->n; i++)
		if (add_document(c, w, docs->ids[i], docs->meta[i].len) != 0) {
			transfer_abort(w);
			return -1;
		}
	return transfer_finish(w, digest, len) == 0 && flush_chunk(c) == 0 ? 0 : -1;
}

/* The record as it now stands (applicant, applications, documents) streamed into the chunks. */
static int
build(const struct flow *f, const struct hiring_archive_in *in, const char *applicant_text,
      const char *apps, const struct employee_docs *docs, size_t *len, char *sha)
{
	struct chunker c = {f, in->employee_id, 0, xmalloc(CHUNK_BYTES), 0, false};
	struct transfer_head head = {in->employee_id, in->applicant_id, in->hired_at,
	                             in->mtime,       applicant_text,   apps,
	                             docs->meta,      docs->n};
	unsigned char digest[SHA256_LEN];
	int rc = stream(&c, &head, docs, len, digest);

	free(c.buf);
	if (rc == 0)
		hex_encode(digest, SHA256_LEN, sha);
	else if (c.store_failed)
		flow_fail_db(f);
	else
		flow_fail(f, 500, NULL, "the archive could not be built (request %s)",
		          f->request_id);
	return rc;
}

int
hiring_archive_build(const struct flow *f, const struct hiring_archive_in *in, size_t *len,
                     char sha[2 * SHA256_LEN + 1])
{
	struct employee_docs docs = {0};
	struct record rec = {0};
	json_t *applicant = NULL;
	char *apps = NULL, *applicant_text = NULL;
	int rc = -1;

	/* the one record builder's archive view: the record, every application in full */
	if (applicants_current(f->db, in->applicant_id, &applicant, NULL) != 0 ||
	    employees_docs(f->db, in->applicant_id, &docs) != 0) {
		json_decref(applicant);
		flow_fail_db(f);
	} else if (record_gather(f, in->applicant_id, applicant, true, &rec) == 0) {
		applicant_text = record_archive_applicant(&rec);
		apps = record_archive_applications(&rec);
		rc = build(f, in, applicant_text, apps, &docs, len, sha);
	}
	record_fini(&rec);
	employees_docs_fini(&docs);
	free(applicant_text);
	free(apps);
	return rc;
}
