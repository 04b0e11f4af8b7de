/*
 * buf: a growable byte buffer with a hard cap. Appending past the cap is an
 * error the caller turns into a 413, never an allocation. Not thread-safe;
 * one owner at a time.
 */
#ifndef RECRUITD_BUF_H
#define RECRUITD_BUF_H

#include <stddef.h>

#include "core/xalloc.h"

struct buf {
	char *data; /* NUL-terminated after every append; NULL while empty */
	size_t len;
	size_t cap; /* hard limit on len */
	size_t alloc;
};

/* Initialise an empty buffer that refuses to grow past cap bytes. */
void buf_init(struct buf *b, size_t cap);

/* Release the memory; the buffer is empty again. buf_fini on an empty buffer is a no-op. */
void buf_fini(struct buf *b);

/* Append n bytes. Returns 0, or -1 (nothing appended) if len would pass cap. */
int buf_append(struct buf *b, const void *p, size_t n) WARN_UNUSED;

/* Append a formatted string; same contract as buf_append. */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))) WARN_UNUSED;

/* Hand the bytes to the caller (free() them); the buffer is empty again. */
char *buf_steal(struct buf *b);

/* Append s (may be NULL: nothing) made safe for HTML, in element content and quoted attributes
 * alike. 0, or -1 past the cap. */
int buf_append_html(struct buf *b, const char *s) WARN_UNUSED;

#endif
