/*
 * head: a request head judged by its raw bytes. See head.h. It reads no
 * byte past len and keeps no state: called again with more bytes, it judges
 * them all again (heads are small, and most arrive whole).
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "edge/head.h"

struct counts {
	int host, content_length, transfer_encoding;
	bool chunked, bad_length;
	unsigned long long length; /* at most 18 digits: no overflow */
};

/* RFC 9110 tchar: what a method or a header name is made of. */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* The value without its surrounding white space: [*v, *v + *n). */
static void
trim(const char **v, size_t *n)
{
	while (*n > 0 && is_ows(**v)) {
		(*v)++;
		(*n)--;
	}
	while (*n > 0 && is_ows((*v)[*n - 1]))
		(*n)--;
}

static bool
name_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/* "METHOD SP TARGET SP HTTP/1.x" (no %00 in TARGET): 0, 1 (its minor version) or -1. */
static int
request_line(const char *s, size_t n)
{
	size_t i = 0, t;

	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return -1;
	t = ++i;
	while (i < n && s[i] != ' ') {
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return -1;
		/* a NUL, even encoded, would end the decoded path or value early: never meant */
		if (s[i] == '%' && i + 2 < n && s[i + 1] == '0' && s[i + 2] == '0')
			return -1;
		i++;
	}
	if (i == t || i == n)
		return -1;
	i++;
	if (n - i != 8 || memcmp(s + i, "HTTP/1.", 7) != 0 || (s[i + 7] != '0' && s[i + 7] != '1'))
		return -1;
	return s[i + 7] - '0';
}

/* One header line (no CRLF): NULL, or why it is refused. */
static const char *
header_line(const char *s, size_t n, struct counts *c)
{
	const char *colon = memchr(s, ':', n), *v;
	size_t name_len, vn;

	if (is_ows(s[0]))
		return "a header continues on the next line (obs-fold)";
	if (colon == NULL)
		return "a header line has no colon";
	name_len = (size_t)(colon - s);
	if (name_len == 0)
		return "a header has no name";
	for (size_t i = 0; i < name_len; i++)
		if (!is_tchar((unsigned char)s[i]))
			return is_ows(s[i]) ? "white space before a header's colon"
			                    : "a header name has a character it may not have";
	v = colon + 1;
	vn = n - name_len - 1;
	for (size_t i = 0; i < vn; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
			return "a header value has a control character";
	trim(&v, &vn);
	if (name_is(s, name_len, "Host")) {
		c->host++;
	} else if (name_is(s, name_len, "Content-Length")) {
		c->content_length++;
		c->bad_length |= vn == 0 || vn > 18;
		c->length = 0;
		for (size_t i = 0; i < vn; i++) {
			c->bad_length |= v[i] < '0' || v[i] > '9';
			c->length = c->length * 10 + (unsigned)(v[i] - '0');
		}
	} else if (name_is(s, name_len, "Transfer-Encoding")) {
		c->transfer_encoding++;
		c->chunked = vn == 7 && strncasecmp(v, "chunked", 7) == 0;
	}
	return NULL;
}

static const char *
framing(const struct counts *c, int minor)
{
	if (c->transfer_encoding > 1)
		return "more than one Transfer-Encoding header";
	if (c->transfer_encoding == 1 && !c->chunked)
		return "a Transfer-Encoding other than a lone chunked";
	if (c->content_length > 1)
		return "more than one Content-Length header";
	if (c->bad_length)
		return "a Content-Length that is not a number";
	if (c->content_length && c->transfer_encoding)
		return "both Content-Length and Transfer-Encoding";
	if (minor == 0 && c->transfer_encoding) /* RFC 9112 6.1: framing not to be trusted */
		return "Transfer-Encoding in an HTTP/1.0 request";
	if (minor == 1 && c->host != 1)
		return c->host == 0 ? "an HTTP/1.1 request without Host"
		                    : "more than one Host header";
	if (c->host > 1)
		return "more than one Host header";
	return NULL;
}

/* Judge the complete head [buf, buf + len), len counting the final CRLF CRLF. */
static enum head_verdict
judge(const char *buf, size_t len, const char **why, struct head_frame *frame)
{
	struct counts c = {0};
	const char *line = buf, *end = buf + len - 2; /* the empty line's CRLF */
	int minor = -1;

	while (line < end) {
		const char *eol = memchr(line, '\r', (size_t)(end - line));
		size_t n = (size_t)(eol - line);
		if (minor < 0) {
			if ((minor = request_line(line, n)) < 0) {
				*why = "the request line is not METHOD TARGET HTTP/1.x";
				return HEAD_BAD;
			}
		} else if ((*why = header_line(line, n, &c)) != NULL) {
			return HEAD_BAD;
		}
		line = eol + 2;
	}
	if ((*why = framing(&c, minor)) != NULL)
		return HEAD_BAD;
	frame->chunked = c.transfer_encoding == 1;
	frame->length = c.content_length == 1 ? c.length : 0;
	return HEAD_OK;
}

enum head_verdict
head_check(const char *buf, size_t len, const char **why, struct head_frame *frame)
{
	struct head_frame ignored;
	size_t start = 0, i;

	*why = NULL;
	/* Empty lines before the request line are tolerated (RFC 9112 2.2). */
	while (start + 1 < len && buf[start] == '\r' && buf[start + 1] == '\n' && start < 8)
		start += 2;
	for (i = start; i < len && i - start < HEAD_MAX_BYTES; i++) {
		if (buf[i] == '\0') {
			*why = "a NUL in the request head";
			return HEAD_BAD;
		}
		if (buf[i] == '\n' && (i == start || buf[i - 1] != '\r')) {
			*why = "a line ends in a bare LF";
			return HEAD_BAD;
		}
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] != '\n') {
			*why = "a bare CR in the request head";
			return HEAD_BAD;
		}
		if (buf[i] == '\n' && i >= start + 3 && buf[i - 2] == '\n') {
			if (frame == NULL)
				frame = &ignored;
			frame->len = i + 1;
			return judge(buf + start, i + 1 - start, why, frame);
		}
	}
	if (i - start >= HEAD_MAX_BYTES) {
		*why = "the request head is larger than 16 KiB";
		return HEAD_TOO_LARGE;
	}
	return HEAD_INCOMPLETE;
}
