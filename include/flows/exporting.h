/*
 * exporting: a copy of a person's data (a know_specific request). The
 * package is built when the request is verified (exporting_build, in the
 * flow's open transaction): data.json (the record, its consents,
 * applications with history and evaluations without their authors,
 * documents' metadata, the audit entries about the person by actor role,
 * their privacy requests), categories.json, index.html, the documents'
 * exact bytes, and the manifest; written to the database in chunks as it
 * streams, one slice of a document in memory at a time. The person
 * downloads it through the e-mailed link (24 hours, 3 downloads) or signed
 * in (7 days): the package streams out chunk by chunk as the client takes
 * it, counted and audited once its first chunk has opened. Each function
 * follows flows/flow.h: 0 with its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_EXPORTING_H
#define RECRUITD_FLOWS_EXPORTING_H

#include <stddef.h>

#include "core/digest.h"
#include "core/xalloc.h"

struct flow;
struct pool;

/*
 * In the flow's open transaction: build the package of everything held
 * about applicant for privacy request request_id. 0 with the e-mailed
 * download link (a new string, {PUBLIC_URL}/v1/exports/TOKEN: wipe and free
 * it); 503 when the package could not be built.
 */
int exporting_build(const struct flow *f, const char *request_id, const char *applicant,
                    char **link) WARN_UNUSED;

/*
 * A download, ready to stream: its size and SHA-256 (hex), and the stream
 * with the two functions edge/reply.h's reply_stream takes (read a chunk,
 * release the stream), which owns it from then on.
 */
struct exporting_download {
	size_t size;
	char sha256[2 * SHA256_LEN + 1];
	long (*read)(void *stream, size_t pos, void *buf, size_t max);
	void (*release)(void *stream);
	void *stream;
};

/*
 * The package behind the e-mailed link whose token hashes to token_sha256,
 * counted as one of its 3 downloads and audited: 0 with *out (its later
 * chunks read on connections leased from pool); 404 when there is none (any
 * more).
 */
int exporting_by_link(const struct flow *f, struct pool *pool, const char *token_sha256,
                      struct exporting_download *out) WARN_UNUSED;

/* The signed-in applicant's own package id, audited: as exporting_by_link. */
int exporting_own(const struct flow *f, struct pool *pool, const char *id,
                  struct exporting_download *out) WARN_UNUSED;

#endif
