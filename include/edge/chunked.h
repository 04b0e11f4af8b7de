/*
 * chunked: where a chunked request body ends, found in its raw bytes as
 * they pass (RFC 9112 7.1), so the bytes after it are judged as the next
 * request's head. Strict: every line ends in CRLF; a chunk size is 1 to 15
 * hex digits with no white space, an extension has no control character,
 * a trailer line starts with a field name. Anything else is refused rather
 * than guessed at, so no body can end here and elsewhere for
 * libmicrohttpd. Pure; a struct chunked belongs to one body.
 */
#ifndef RECRUITD_EDGE_CHUNKED_H
#define RECRUITD_EDGE_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

struct chunked {
	int state;
	uint64_t left;  /* of the chunk's data, or its size while the size is read */
	unsigned count; /* digits of the size, or bytes of the extension or trailers */
};

enum chunked_verdict {
	CHUNKED_MORE, /* every byte given belongs to the body, which goes on */
	CHUNKED_END,  /* the body ended: *used bytes of those given are its last */
	CHUNKED_BAD,  /* not a well-formed chunked body */
};

/* Start a body. */
void chunked_init(struct chunked *c);

/*
 * Take the next len bytes of the body. *used is how many belong to it: len
 * for CHUNKED_MORE, at most len for CHUNKED_END.
 */
enum chunked_verdict chunked_scan(struct chunked *c, const char *buf, size_t len, size_t *used);

#endif
