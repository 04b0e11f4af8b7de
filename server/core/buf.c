/* buf: growable byte buffer with a hard cap. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void
buf_init(struct buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

void
buf_fini(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

static void
reserve(struct buf *b, size_t need)
{
	size_t want;

	if (need + 1 <= b->alloc)
		return;
	want = b->alloc ? b->alloc : 256;
	while (want < need + 1)
		want *= 2;
	b->data = xrealloc(b->data, want);
	b->alloc = want;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len)
		return -1;
	reserve(b, b->len + n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return buf_append(b, small, (size_t)n);
	if ((size_t)n > b->cap - b->len)
		return -1;
	reserve(b, b->len + (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
buf_steal(struct buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = xcalloc(1, 1);
	b->data = NULL;
	b->len = b->alloc = 0;
	return p;
}

int
buf_append_html(struct buf *b, const char *s)
{
	int rc = 0;

	for (; s != NULL && *s && rc == 0; s++) {
		const char *r = *s == '&'    ? "&amp;"
		                : *s == '<'  ? "&lt;"
		                : *s == '>'  ? "&gt;"
		                : *s == '"'  ? "&quot;"
		                : *s == '\'' ? "&#39;"
		                             : NULL;
		rc = r ? buf_append(b, r, strlen(r)) : buf_append(b, s, 1);
	}
	return rc;
}
