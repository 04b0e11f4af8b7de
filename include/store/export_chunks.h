/*
 * export_chunks: the bytes of an export package (store/exports.h), in
 * chunks sealed under the applicant's data key, each bound to the package,
 * its place and whether it is the last, so none can be dropped, repeated,
 * moved or cut off unnoticed; and reading a package back chunk by chunk as
 * a download takes it, one chunk in memory at a time, checked against the
 * size and sha256 on record before its last chunk goes out.
 * Thread-safe on distinct connections; a stream is used by one thread at a
 * time.
 */
#ifndef RECRUITD_STORE_EXPORT_CHUNKS_H
#define RECRUITD_STORE_EXPORT_CHUNKS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;
struct pool;

/*
 * Chunk seq of package id, sealed under the applicant's data key; last
 * marks the package's final chunk. 0, or -1 with the failure kept on db
 * (the key database's as DB_UNAVAILABLE).
 */
int exports_chunk(struct db *db, const char *applicant_id, const char *id, int seq, bool last,
                  const void *data, size_t len) WARN_UNUSED;

/* A package being read for a download. */
struct export_stream;

/*
 * Open package id of applicant_id, which is size bytes whose SHA-256 is
 * sha256 (hex), and read its first chunk on db: 0 with a new *out, 1 when
 * it does not open (no key any more, a chunk missing or altered), -1 when
 * the database or the key database failed (kept on db). The chunks after
 * the first are read on connections leased from pool (waiting at most
 * wait_ms), one at a time, as exports_stream_read needs them.
 */
int exports_stream_open(struct db *db, struct pool *pool, unsigned wait_ms, const char *id,
                        const char *applicant_id, size_t size, const char *sha256,
                        struct export_stream **out) WARN_UNUSED;

/* The package's id, its size in bytes, and its SHA-256 (hex); strings borrowed. */
const char *exports_stream_id(const struct export_stream *s);
size_t exports_stream_size(const struct export_stream *s);
const char *exports_stream_sha256(const struct export_stream *s);

/*
 * Copy the package's next bytes into buf (at most max), pos being how many
 * were read before: how many (at least 1), or -1 when the package cannot
 * go on: a chunk that is missing, does not open or does not fit, the
 * database unreachable, or a package whose bytes do not add up to its
 * size and sha256 (found before any byte of the last chunk is given out).
 * stream is a struct export_stream (void *, as edge/reply.h calls it).
 */
long exports_stream_read(void *stream, size_t pos, void *buf, size_t max);

/* Free a stream (given as a void *, for edge/reply.h); NULL does nothing. */
void exports_stream_free(void *stream);

#endif
