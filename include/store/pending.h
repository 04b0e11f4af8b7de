/*
 * pending: submissions from POST /v1/apply waiting for their e-mailed
 * confirmation code. A pending submission is not an applicant: only its
 * hashed code finds it, and it lives 24 hours at most (purge deletes the
 * rest, resume and all). It is sealed (AES-256-GCM) under a key derived
 * from the code, which only the e-mail holds: the database alone cannot
 * open it. With store/applicants.c the only module that writes a person's
 * contact data. Functions return 0 when done, 1 (or 2)
 * for the outcomes each names, -1 when the database failed (db_failure
 * tells how). Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_PENDING_H
#define RECRUITD_STORE_PENDING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;

/* How long a confirmation code is good for. */
#define PENDING_HOURS 24

/* What POST /v1/apply holds until it is confirmed. */
struct pending_new {
	const char *full_name, *email, *phone;
	bool marketing_opt_in;
	bool sharing_opt_out; /* Sec-GPC: 1 on the submission */
	const char *notice_version;
	const char *opening_id;
	const char *filename, *content_type, *sha256; /* the resume's: safe name, hash in hex */
	const unsigned char *data;
	size_t len;
	const char *code;        /* the confirmation code: the submission is sealed under it */
	const char *code_sha256; /* the confirmation code's hash, hex */
};

/* Hold a submission for PENDING_HOURS: 0, or 1 when the opening is not open (nothing held). */
int pending_insert(struct db *db, const struct pending_new *p) WARN_UNUSED;

/* A submission opened with its code. */
struct pending_open {
	char id[37];
	char *full_name, *email, *phone, *filename;
	unsigned char *data; /* the resume */
	size_t len;
};

/*
 * Find the unexpired submission of code (whose hash is code_sha256), open
 * it and lock it for the caller's transaction: 0 with out filled (release
 * with pending_open_free), 1 when there is none (or it does not open).
 */
int pending_take(struct db *db, const char *code, const char *code_sha256,
                 struct pending_open *out) WARN_UNUSED;
void pending_open_free(struct pending_open *p);

/*
 * Turn the locked submission into an application of applicant_id (locked
 * by the caller), with its history, stage event, the resume as a document
 * and the audit entries, and delete the submission: 0 with
 * application_id. 1 when the opening is no longer open, 2 when the
 * applicant has applied to it already (application_id names that one);
 * nothing changes then.
 */
int pending_attach(struct db *db, const struct pending_open *p, const char *applicant_id,
                   const char *request_id, char application_id[37]) WARN_UNUSED;

/* Delete the submissions whose code expired (dry: count them only): 0 with *n, or -1. */
int pending_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
