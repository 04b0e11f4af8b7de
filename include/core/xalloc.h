/*
 * xalloc: allocation that cannot fail. Out of memory aborts the process, so
 * a NULL from any parser in recruitd means bad input, never exhaustion.
 * Thread-safe.
 */
#ifndef RECRUITD_XALLOC_H
#define RECRUITD_XALLOC_H

#include <stddef.h>

#define WARN_UNUSED __attribute__((warn_unused_result))

/* Like malloc/calloc/realloc/strdup/strndup; abort on failure. Returns new memory. */
void *xmalloc(size_t n) __attribute__((malloc, returns_nonnull));
void *xcalloc(size_t n, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));
char *xstrndup(const char *s, size_t n) __attribute__((malloc, returns_nonnull));

/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), returns_nonnull));

/* Make jansson allocate through the wrappers above. Call once at start. */
void xalloc_install_jansson(void);

#endif
