/* Where a chunked body ends, by its raw bytes: table-driven, whole and split at every byte. */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "edge/chunked.h"

struct chunked_case {
	const char *bytes;
	enum chunked_verdict want;
	size_t end; /* CHUNKED_END: the body's length; CHUNKED_BAD: the bad byte's position + 1 */
};

#define NEXT "GET / HTTP/1.1\r\n" /* what follows a body: never part of it */

static const struct chunked_case cases[] = {
    {"0\r\n\r\n" NEXT, CHUNKED_END, 5},
    {"5\r\nhello\r\n0\r\n\r\n" NEXT, CHUNKED_END, 15},
    {"5\r\nhe\r\nx\r\n0\r\n\r\n" NEXT, CHUNKED_END, 15}, /* CRLF inside the data is data */
    {"A\r\n0123456789\r\n0\r\n\r\n", CHUNKED_END, 20},
    {"a;name=value\r\n0123456789\r\n0;x\r\n\r\n", CHUNKED_END, 33},
    {"0\r\nX-Trailer: a\r\nY: b\r\n\r\n" NEXT, CHUNKED_END, 25},
    {"00000000000000f\r\n0123456789abcde\r\n0\r\n\r\n", CHUNKED_END, 39},
    {"5\r\nhel", CHUNKED_MORE, 0},
    {"0\r\n", CHUNKED_MORE, 0},
    {"0\r\nX: a\r\n", CHUNKED_MORE, 0},
    {"", CHUNKED_MORE, 0},
    /* not a size */
    {"\r\n", CHUNKED_BAD, 1},
    {"x\r\n", CHUNKED_BAD, 1},
    {" 5\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 1},
    {"5 \r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 2},
    {"5 ;a\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 2},
    {"0x5\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 2},
    {"-5\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 1},
    {"0000000000000005\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 16},
    /* line ends */
    {"5\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 2},
    {"5\r\nhello\n0\r\n\r\n", CHUNKED_BAD, 9},
    {"5\r\nhello\r0\r\n\r\n", CHUNKED_BAD, 10},
    {"5\r\nhelloX\r\n0\r\n\r\n", CHUNKED_BAD, 9},
    {"0\r\n\n", CHUNKED_BAD, 4},
    {"0\r\n\rX", CHUNKED_BAD, 5},
    {"5;a\nb\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 4},
    {"5;a\0b\r\nhello\r\n0\r\n\r\n", CHUNKED_BAD, 4},
    /* trailers: no obs-fold, no bare LF, no control character */
    {"0\r\nX: a\r\n b\r\n\r\n", CHUNKED_BAD, 10},
    {"0\r\nX: a\nY: b\r\n\r\n", CHUNKED_BAD, 8},
    {"0\r\nX: a\x01\r\n\r\n", CHUNKED_BAD, 8},
    {"0\r\n: a\r\n\r\n", CHUNKED_BAD, 4},
};

/* A case's bytes (NUL included where the literal has one): its length. */
static size_t
case_len(const struct chunked_case *k)
{
	size_t n = strlen(k->bytes);
	if (k->want == CHUNKED_BAD && k->end > n) /* a NUL within: up to the bad byte at least */
		n = k->end;
	return n;
}

static void
test_whole(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct chunked c;
		size_t used = 12345, len = case_len(&cases[i]);
		chunked_init(&c);
		enum chunked_verdict v = chunked_scan(&c, cases[i].bytes, len, &used);
		size_t want_used = cases[i].want == CHUNKED_MORE ? len : cases[i].end;
		if (v != cases[i].want || used != want_used)
			fail_msg("case %zu: %d after %zu bytes, want %d after %zu", i, v, used,
			         cases[i].want, want_used);
	}
}

/* The same verdict at the same byte however the bytes arrive: here one at a time. */
static void
test_byte_by_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct chunked c;
		size_t len = case_len(&cases[i]), at = 0, used = 0;
		enum chunked_verdict v = CHUNKED_MORE;
		chunked_init(&c);
		while (at < len && v == CHUNKED_MORE) {
			v = chunked_scan(&c, cases[i].bytes + at, 1, &used);
			at += used;
		}
		if (v != cases[i].want || (v != CHUNKED_MORE && at != cases[i].end))
			fail_msg("case %zu, byte by byte: %d at %zu, want %d at %zu", i, v, at,
			         cases[i].want, cases[i].end);
	}
}

/* A big chunk is counted, not looked at: 15 hex digits of size are taken. */
static void
test_big_chunk(void **state)
{
	(void)state;
	struct chunked c;
	size_t used;
	char data[4096];

	memset(data, '\n', sizeof(data)); /* line ends in the data are data */
	chunked_init(&c);
	assert_int_equal(chunked_scan(&c, "fffffffffffffff\r\n", 17, &used), CHUNKED_MORE);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(chunked_scan(&c, data, sizeof(data), &used), CHUNKED_MORE);
	assert_int_equal(used, sizeof(data));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole),
	    cmocka_unit_test(test_byte_by_byte),
	    cmocka_unit_test(test_big_chunk),
	};
	return cmocka_run_group_tests_name("unit chunked", tests, NULL, NULL);
}
