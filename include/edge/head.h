/*
 * head: the judge of a request head as its raw bytes arrived, before
 * libmicrohttpd parses it (libmicrohttpd 0.9.75 tolerates framing that
 * proxies read differently). Pure; thread-safe.
 *
 * Refused (HEAD_BAD, answered 400 and closed): a bare LF, a NUL or other
 * control character, an obs-fold continuation line, white space before a
 * header's colon, a request line that is not METHOD SP TARGET SP HTTP/1.x,
 * more than one Content-Length or a non-numeric one, any Transfer-Encoding
 * but a lone "chunked", Transfer-Encoding with Content-Length or in an
 * HTTP/1.0 request, and in HTTP/1.1 anything but exactly one Host (at most
 * one in HTTP/1.0).
 */
#ifndef RECRUITD_EDGE_HEAD_H
#define RECRUITD_EDGE_HEAD_H

#include <stdbool.h>
#include <stddef.h>

/* The longest request head taken, request line and headers and the empty line: larger is 431. */
#define HEAD_MAX_BYTES 16384

enum head_verdict {
	HEAD_INCOMPLETE, /* no end yet, nothing wrong so far: wait for more */
	HEAD_OK,         /* a whole head, well framed */
	HEAD_BAD,        /* 400 */
	HEAD_TOO_LARGE,  /* 431: no end within HEAD_MAX_BYTES */
};

/* How a whole head frames what follows it: where the head ends and how long its body is. */
struct head_frame {
	size_t len;                /* the head's bytes, empty lines before it and the final CRLF */
	bool chunked;              /* the body is chunked (edge/chunked.h finds its end) */
	unsigned long long length; /* else the body's bytes (0: none) */
};

/*
 * Judge the bytes received where a request head starts (a connection's
 * first byte, or the byte after the previous request's body). *why is set
 * to a static reason for HEAD_BAD and HEAD_TOO_LARGE (never quoting the
 * bytes). For HEAD_OK, frame (when not NULL) says where the head ends and
 * how its body is framed.
 */
enum head_verdict head_check(const char *buf, size_t len, const char **why,
                             struct head_frame *frame);

#endif
