/*
 * Sealed values as they come back from storage (a backup restored, a row
 * changed by hand): seal_open must refuse every input it did not seal, never
 * read out of bounds, and open what it did seal. The first byte splits the
 * input into associated data and the value.
 */
#include <stdlib.h>
#include <string.h>

#include "core/seal.h"
#include "fuzz.h"

static const unsigned char key[SEAL_KEY_LEN] = {0x5e, 0xa1, 0xed};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t adlen, n, m;

	if (size == 0)
		return 0;
	adlen = data[0] % 32 < size - 1 ? data[0] % 32 : size - 1;
	const uint8_t *ad = data + 1, *value = data + 1 + adlen;
	size_t vlen = size - 1 - adlen;
	/* arbitrary bytes do not open (a forged tag is 2^-128) */
	unsigned char *out = seal_open(key, ad, adlen, value, vlen, &m);
	if (out != NULL)
		__builtin_trap();
	/* the same bytes sealed do, exactly */
	unsigned char *sealed = seal_value(key, ad, adlen, value, vlen, &n);
	if (sealed == NULL || n != vlen + SEAL_OVERHEAD)
		__builtin_trap();
	out = seal_open(key, ad, adlen, sealed, n, &m);
	if (out == NULL || m != vlen || memcmp(out, value, vlen) != 0)
		__builtin_trap();
	free(out);
	free(sealed);
	return 0;
}
