/*
 * filing: an applicant's documents (resumes, cover letters, others), as
 * staff and the applicant themselves file, list, read and remove them. A
 * document is accepted by its bytes (the caller has sniffed them,
 * domain/upload.h), kept with its SHA-256 and size under a safe name, and
 * given back byte for byte. Every upload, download and removal is audited.
 *
 * Visibility: a restricted record (an erasure a floor or a hold held back)
 * is hidden from recruiters, in the statements themselves: its documents
 * answer 404 to them, as if there were none. HR sees it, and the person's
 * own documents stay theirs to read; nobody adds to it (409 restricted).
 *
 * Each function follows flows/flow.h: 0 with its outputs (new references),
 * or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_FILING_H
#define RECRUITD_FLOWS_FILING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"
#include "domain/upload.h"

struct flow;

/* A document to file: its bytes, already sniffed as type. */
struct filing_new {
	const char *applicant_id;
	const char *kind;     /* resume (NULL: resume), cover_letter, other */
	const char *filename; /* as the client named it (made safe here), may be NULL */
	enum doc_type type;
	const unsigned char *data;
	size_t len;
};

/*
 * File a document for its applicant, within their quota
 * (RECRUITD_DOCUMENT_QUOTA_COUNT and _BYTES; 409 document-quota past it):
 * *meta {id, applicant_id, kind, filename, content_type, size, sha256,
 * created_at}. 404 or 410 (the tombstone) when the applicant is not on
 * record; 409 restricted (404 for a recruiter) for a restricted record.
 */
int filing_upload(const struct flow *f, const struct filing_new *d, json_t **meta) WARN_UNUSED;

/*
 * Every document's metadata of an applicant, oldest first, as staff see it
 * (self_view false) or as the applicant does (true: {id, kind, filename,
 * content_type, size, created_at}): *items. 404 or 410 when the applicant
 * is not on record (or not to be seen).
 */
int filing_list(const struct flow *f, const char *applicant_id, bool self_view,
                json_t **items) WARN_UNUSED;

/* A document's bytes as read: borrowed until filing_bytes_release(owner). */
struct filing_bytes {
	void *owner; /* what filing_bytes_release frees */
	const char *filename, *content_type, *sha256;
	const char *data;
	size_t len;
};

/*
 * Read document doc_id, only applicant_id's when that is not NULL (the
 * applicant's own): *out. 404 when there is no such document to be seen.
 */
int filing_download(const struct flow *f, const char *doc_id, const char *applicant_id,
                    struct filing_bytes *out) WARN_UNUSED;

/* Release what filing_download read (safe on NULL). */
void filing_bytes_release(void *owner);

/* Remove document doc_id (its sealed bytes' key goes with it). 404 when there is none to be seen.
 */
int filing_delete(const struct flow *f, const char *doc_id) WARN_UNUSED;

/*
 * The applicant's own removal of their document doc_id, the same removal
 * as staff's (audited, its key with it), in a transaction of its own:
 * 404 when they have no such document; 409 last-resume when it is their
 * only resume while an application of theirs is open (a resume stays for
 * as long as someone may read the application); 409 restricted when the
 * record is restricted (kept under a legal floor or hold: nothing leaves it
 * before the floor ends, DESIGN "Retention").
 */
int filing_delete_own(const struct flow *f, const char *doc_id,
                      const char *applicant_id) WARN_UNUSED;

#endif
