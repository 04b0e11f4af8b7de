/*
 * transfer: the sealed archive a hired applicant's recruitment record
 * becomes. A POSIX pax tar.gz, built in memory with libarchive, holding
 * manifest.json (format_version, employee_id, applicant_id, created_at and
 * every other file's path, size and sha256), applicant.json,
 * applications.json and documents/ with each document's exact bytes under a
 * safe, unique name. Only regular files; no absolute paths, no "..", no
 * links. The same input always gives the same bytes (fixed times, owners
 * and modes; no gzip timestamp). Thread-safe.
 */
#ifndef RECRUITD_TRANSFER_H
#define RECRUITD_TRANSFER_H

#include <stddef.h>
#include <time.h>

#include "core/xalloc.h"

#define TRANSFER_FORMAT_VERSION 1

struct transfer_doc {
	const char *filename; /* the stored (already safe) name; made safe again regardless */
	const unsigned char *data;
	size_t len;
};

struct transfer_input {
	const char *employee_id;
	const char *applicant_id;
	const char *created_at; /* RFC 3339; also the entries' modification time */
	time_t mtime;
	const char *applicant_json;    /* serialised JSON */
	const char *applications_json; /* serialised JSON */
	const struct transfer_doc *docs;
	size_t ndocs;
};

/* Build the archive; new bytes (free) with their length, or NULL on failure (logged). */
unsigned char *transfer_build(const struct transfer_input *in, size_t *len);

/*
 * Check an archive against its manifest: every entry a regular file with a
 * safe relative path, every file listed with its size and SHA-256, nothing
 * missing or extra. Returns 0, or -1 with what is wrong, naming the entry,
 * in err (errlen bytes).
 */
int transfer_verify(const unsigned char *data, size_t len, char *err, size_t errlen);

#endif
