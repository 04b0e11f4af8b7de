/*
 * hiring_archive: the sealed archive a hire makes of the recruitment
 * record as it stands inside the hire's transaction (domain/transfer.h
 * builds it), streamed into the employee's archive chunks as libarchive
 * writes it: each document is read a slice at a time, so a hire holds one
 * slice and one chunk in memory whatever the documents' sizes. Runs inside
 * the caller's transaction (flows/hiring.c); follows flows/flow.h.
 */
#ifndef RECRUITD_FLOWS_HIRING_ARCHIVE_H
#define RECRUITD_FLOWS_HIRING_ARCHIVE_H

#include <stddef.h>
#include <time.h>

#include "core/digest.h"
#include "core/xalloc.h"

struct flow;

/* Whose archive, and when (borrowed). */
struct hiring_archive_in {
	const char *employee_id, *applicant_id;
	const char *hired_at; /* RFC 3339: the manifest's created_at */
	time_t mtime;         /* the same: every entry's modification time */
};

/*
 * Build and store the archive of in->applicant_id's record for employee
 * in->employee_id: 0 with its length and SHA-256 (hex), or -1 with the
 * problem set (the caller rolls back).
 */
int hiring_archive_build(const struct flow *f, const struct hiring_archive_in *in, size_t *len,
                         char sha[2 * SHA256_LEN + 1]) WARN_UNUSED;

#endif
