/*
 * chunked: the end of a chunked body, byte by byte. See chunked.h. The
 * grammar taken is a strict subset of what libmicrohttpd 0.9.75 reads
 * (which also takes a bare LF or CR for CRLF after a chunk's data), so a
 * body this scanner takes ends at the same byte for both of us.
 */
#include <stdbool.h>

#include "edge/chunked.h"

#define SIZE_DIGITS 15     /* libmicrohttpd refuses 16 or more */
#define EXTENSION_MAX 1024 /* bytes of a chunk's extensions */
#define TRAILERS_MAX 16384 /* bytes of the trailer section, as a head */

enum {
	SIZE,          /* hex digits of the chunk size */
	EXTENSION,     /* after ';', up to the CR */
	SIZE_LF,       /* the LF of the size line */
	DATA,          /* the chunk's bytes */
	DATA_CR,       /* the CRLF after them */
	DATA_LF,       /*   */
	TRAILER_START, /* a trailer line, or the CR of the empty line that ends the body */
	TRAILER,       /* a trailer line, up to its CR */
	TRAILER_LF,    /* its LF */
	END_LF,        /* the LF of the empty line */
};

void
chunked_init(struct chunked *c)
{
	c->state = SIZE;
	c->left = 0;
	c->count = 0;
}

static int
hex(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

/* A byte of an extension or a trailer line: not a control character (HTAB is one's right). */
static bool
is_text(unsigned char ch)
{
	return (ch >= 0x20 && ch != 0x7f) || ch == '\t';
}

/* A byte that may start a trailer line: a field name's (no white space, so no obs-fold). */
static bool
starts_field(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && ch != ':';
}

/* One byte outside a chunk's data: the next state, or -1 when the body is not well formed. */
static int
step(struct chunked *c, unsigned char ch)
{
	int d;

	switch (c->state) {
	case SIZE:
		if ((d = hex(ch)) >= 0 && c->count < SIZE_DIGITS) {
			c->left = c->left * 16 + (unsigned)d;
			c->count++;
			return SIZE;
		}
		if (c->count == 0 || (ch != ';' && ch != '\r'))
			return -1;
		c->count = 0;
		return ch == ';' ? EXTENSION : SIZE_LF;
	case EXTENSION:
		if (ch == '\r')
			return SIZE_LF;
		return is_text(ch) && ++c->count <= EXTENSION_MAX ? EXTENSION : -1;
	case SIZE_LF:
		if (ch != '\n')
			return -1;
		c->count = 0;
		return c->left > 0 ? DATA : TRAILER_START;
	case DATA_CR:
		return ch == '\r' ? DATA_LF : -1;
	case DATA_LF:
		c->left = 0; /* the next size is read from zero */
		return ch == '\n' ? SIZE : -1;
	case TRAILER_START:
		if (ch == '\r')
			return END_LF;
		return starts_field(ch) && ++c->count <= TRAILERS_MAX ? TRAILER : -1;
	case TRAILER:
		if (ch == '\r')
			return TRAILER_LF;
		return is_text(ch) && ++c->count <= TRAILERS_MAX ? TRAILER : -1;
	case TRAILER_LF:
		return ch == '\n' ? TRAILER_START : -1;
	default:
		return -1;
	}
}

enum chunked_verdict
chunked_scan(struct chunked *c, const char *buf, size_t len, size_t *used)
{
	size_t i = 0;

	while (i < len) {
		if (c->state == DATA) {
			size_t take = len - i < c->left ? len - i : (size_t)c->left;
			i += take;
			if ((c->left -= take) == 0)
				c->state = DATA_CR;
			continue;
		}
		if (c->state == END_LF) {
			*used = i + 1;
			return buf[i] == '\n' ? CHUNKED_END : CHUNKED_BAD;
		}
		int next = step(c, (unsigned char)buf[i++]);
		if (next < 0) {
			*used = i;
			return CHUNKED_BAD;
		}
		c->state = next;
	}
	*used = len;
	return CHUNKED_MORE;
}
