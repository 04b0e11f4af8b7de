/* Raw request heads at the gate: judged without reading past the bytes given. */
#include <stdlib.h>
#include <string.h>

#include "edge/head.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	struct head_frame f, g;
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	enum head_verdict v = head_check(copy, size, &why, &f);
	if ((v == HEAD_BAD || v == HEAD_TOO_LARGE) && why == NULL)
		__builtin_trap();
	if (v == HEAD_OK && (f.len > size || (f.chunked && f.length != 0)))
		__builtin_trap();
	/* a verdict on a whole head, and where it ends, stand when more bytes follow it */
	if (v == HEAD_OK && size < 65536) {
		char *more = malloc(size + 8);
		memcpy(more, data, size);
		memcpy(more + size, "GET / HT", 8);
		if (head_check(more, size + 8, &why, &g) != HEAD_OK || g.len != f.len ||
		    g.chunked != f.chunked || g.length != f.length)
			__builtin_trap();
		free(more);
	}
	free(copy);
	return 0;
}
