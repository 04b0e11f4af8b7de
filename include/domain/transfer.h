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

/* Build the archive in memory; new bytes (free) with their length, or NULL on failure (logged). */
unsigned char *transfer_build(const struct transfer_input *in, size_t *len);

/* A document as declared before its bytes are read: its stored name, size and sha256 (hex). */
struct transfer_doc_meta {
	const char *filename;
	size_t len;
	const char *sha256;
};

/* What the archive holds besides the documents' bytes (borrowed until transfer_finish). */
struct transfer_head {
	const char *employee_id;
	const char *applicant_id;
	const char *created_at;
	time_t mtime;
	const char *applicant_json;
	const char *applications_json;
	const struct transfer_doc_meta *docs;
	size_t ndocs;
};

/* Where the archive's bytes go, in order: 0, or -1 to stop. */
typedef int (*transfer_sink_fn)(void *cls, const void *data, size_t len);

struct transfer_writer;

/*
 * Start streaming an archive to sink: the manifest (from in, the
 * documents' sizes and hashes as declared) and the two JSON files are
 * written at once. A new writer, or NULL on failure (logged, nothing owned).
 */
struct transfer_writer *transfer_begin(const struct transfer_head *in, transfer_sink_fn sink,
                                       void *cls);

/*
 * Add the next document's bytes (borrowed; the caller may free them after).
 * -1 when they differ from what was declared, or writing failed.
 */
int transfer_add(struct transfer_writer *w, const unsigned char *data, size_t len);

/*
 * The same in slices, for documents read a piece at a time: begin, data
 * (any number of times, the pieces in order), end. Each returns 0 or -1;
 * end checks the whole against the declared size and hash.
 */
int transfer_add_begin(struct transfer_writer *w);
int transfer_add_data(struct transfer_writer *w, const unsigned char *data, size_t len);
int transfer_add_end(struct transfer_writer *w);

/*
 * Finish the archive once every document was added: its SHA-256 and total
 * length. Frees w either way. 0 or -1.
 */
int transfer_finish(struct transfer_writer *w, unsigned char sha[32], size_t *len);

/* Give up on an archive; frees w. */
void transfer_abort(struct transfer_writer *w);

/*
 * Check an archive against its manifest: every entry a regular file with a
 * safe relative path, every file listed with its size and SHA-256, nothing
 * missing or extra. Returns 0, or -1 with what is wrong, naming the entry,
 * in err (errlen bytes).
 */
int transfer_verify(const unsigned char *data, size_t len, char *err, size_t errlen);

#endif
