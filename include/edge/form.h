/*
 * form: the parts of a multipart/form-data body, collected under caps as
 * the HTTP edge streams them in: text fields up to a small size, file parts
 * up to the upload limit, at most FORM_MAX_PARTS parts. Not tied to
 * libmicrohttpd, whose post processor feeds it. Not thread-safe (one per
 * request).
 */
#ifndef RECRUITD_FORM_H
#define RECRUITD_FORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/xalloc.h"

#define FORM_MAX_PARTS 32
#define FORM_TEXT_CAP 8192

struct form;

struct form_file {
	const unsigned char *data; /* borrowed; NULL when empty */
	size_t len;
	const char *filename; /* as the client sent it (unsafe), or "" */
};

/* A new, empty form whose file parts may hold at most file_cap bytes each. */
struct form *form_create(size_t file_cap);
void form_free(struct form *f);

/*
 * Add size bytes at offset off of part `name` (filename non-NULL for a file
 * part). A chunk at offset 0 starts a new part. Returns 0, or -1 when a cap
 * is passed (form_too_large then tells) or the parts are too many.
 */
int form_add(struct form *f, const char *name, const char *filename, const char *data, uint64_t off,
             size_t size) WARN_UNUSED;

/* Whether a part went past its cap. */
bool form_too_large(const struct form *f);

/* How many parts are called name. */
int form_count(const struct form *f, const char *name);

/* The file part called name, or NULL when there is none (or it is a text field). */
const struct form_file *form_file(const struct form *f, const char *name);

/*
 * The text fields as a JSON object of strings (new reference); NULL when a
 * value is not valid UTF-8. A name given twice keeps its last value (see
 * form_count to refuse that).
 */
json_t *form_text_json(const struct form *f);

/* SHA-256 over every part (name, file name, bytes) in order: what the form says. */
void form_digest(const struct form *f, unsigned char out[32]);

/* The i-th (from 0) text field called name (borrowed, NUL-terminated), or NULL. */
const char *form_text_at(const struct form *f, const char *name, int i);

/* The first part whose name is not in allowed (NULL-terminated), or NULL. */
const char *form_unknown(const struct form *f, const char *const *allowed);

#endif
