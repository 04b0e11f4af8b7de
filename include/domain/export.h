/*
 * export: the package a request for a copy of one's data becomes. A ZIP,
 * streamed through libarchive to a sink, holding data.json (every record
 * about the person), categories.json, index.html (the same, readable in a
 * browser: domain/report.h), documents/ with each document's exact bytes under a safe name,
 * and manifest.json last: every other file with its size and sha256. The
 * writer holds one file at a time. Thread-safe (one writer per thread).
 */
#ifndef RECRUITD_DOMAIN_EXPORT_H
#define RECRUITD_DOMAIN_EXPORT_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "core/digest.h"
#include "core/xalloc.h"

/* Where the package's bytes go, in order: 0, or -1 to stop. */
typedef int (*export_sink_fn)(void *cls, const void *data, size_t len);

struct export_writer;

/* Start a package (entries dated mtime). NULL on failure (logged). */
struct export_writer *export_begin(time_t mtime, export_sink_fn sink, void *cls);

/* Add a file at path (a safe relative path) with its bytes. 0, or -1 (the writer is spoilt). */
int export_add(struct export_writer *w, const char *path, const void *data, size_t len) WARN_UNUSED;

/*
 * The same in pieces, for a large file: begin with its length, then its
 * bytes in any number of calls, then end (checks that len bytes came).
 * 0, or -1 (the writer is spoilt).
 */
int export_add_begin(struct export_writer *w, const char *path, size_t len) WARN_UNUSED;
int export_add_data(struct export_writer *w, const void *data, size_t len) WARN_UNUSED;
int export_add_end(struct export_writer *w) WARN_UNUSED;

/* The path of the index-th document (1-based) named filename: documents/NN-safe-name (new). */
char *export_document_path(size_t index, const char *filename);

/*
 * Write manifest.json and end the package: 0 with its size and sha256, or
 * -1. Frees the writer either way.
 */
int export_finish(struct export_writer *w, size_t *size,
                  unsigned char sha256[SHA256_LEN]) WARN_UNUSED;

/* Give up on a package (nothing more is written). NULL is a no-op. */
void export_abort(struct export_writer *w);

#endif
