/* Chunked bodies at the gate: the same end at the same byte however the bytes are split. */
#include <stdlib.h>
#include <string.h>

#include "edge/chunked.h"
#include "fuzz.h"

/* Scan [data, data + size) in pieces of at most step bytes: the verdict, *at the bytes taken. */
static enum chunked_verdict
scan(const char *data, size_t size, size_t step, size_t *at)
{
	struct chunked c;
	enum chunked_verdict v = CHUNKED_MORE;
	size_t used;

	chunked_init(&c);
	*at = 0;
	while (*at < size && v == CHUNKED_MORE) {
		size_t n = size - *at < step ? size - *at : step;
		v = chunked_scan(&c, data + *at, n, &used);
		if (used > n || (v == CHUNKED_MORE && used != n))
			__builtin_trap();
		*at += used;
	}
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so ASan sees any read past the end */
	char *copy = malloc(size ? size : 1);
	size_t whole, split;

	memcpy(copy, data, size);
	enum chunked_verdict v = scan(copy, size, size ? size : 1, &whole);
	size_t step = size ? (size_t)data[0] % 7 + 1 : 1;
	if (scan(copy, size, step, &split) != v || split != whole)
		__builtin_trap();
	free(copy);
	return 0;
}
