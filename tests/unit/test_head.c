/* The request head judged by its raw bytes: every framing trick, table-driven. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/xalloc.h"
#include "edge/head.h"

struct head_case {
	const char *bytes;
	enum head_verdict want;
};

static const struct head_case cases[] = {
    {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_OK},
    {"GET / HTTP/1.0\r\n\r\n", HEAD_OK},
    {"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_OK},
    {"POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n{\"a\":", HEAD_OK},
    {"POST /v1/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  Chunked \r\n\r\n", HEAD_OK},
    {"GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\xc3\xa9\t\r\n\r\n", HEAD_OK},
    {"GET / HTTP/1.1\r\nHost: a\r\n", HEAD_INCOMPLETE},
    {"GET / HTTP/1.1\r\nHost: a\r\n\r", HEAD_INCOMPLETE},
    {"GET / HT", HEAD_INCOMPLETE},
    {"", HEAD_INCOMPLETE},
    /* framing */
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
     "chunked\r\n\r\n",
     HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\n",
     HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
     HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3 4\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", HEAD_BAD},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", HEAD_BAD},
    /* lines */
    {"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\nHost: a\n\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x01\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", HEAD_BAD},
    /* Host */
    {"GET / HTTP/1.1\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", HEAD_BAD},
    /* request line */
    {"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_BAD},
    {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", HEAD_BAD},
    {"GET /\r\n\r\n", HEAD_BAD},
    {"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_BAD},
    {"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_BAD},
    {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", HEAD_BAD},
    /* an encoded NUL ends the decoded path or value early: refused, wherever it is */
    {"GET /v1/applicants/0b4b5c4e-0a4e-4c2e-9c1e-1a2b3c4d5e6f%00 HTTP/1.1\r\nHost: a\r\n\r\n",
     HEAD_BAD},
    {"GET /v1/applicants?q=%00 HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_BAD},
    {"GET /v1/applicants?q=%000 HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_BAD},
    {"GET /v1/applicants?q=%0A0 HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_OK},
    {"GET /v1/applicants?q=100%25 HTTP/1.1\r\nHost: a\r\n\r\n", HEAD_OK},
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = "unset";
		enum head_verdict v =
		    head_check(cases[i].bytes, strlen(cases[i].bytes), &why, NULL);
		if (v != cases[i].want)
			fail_msg("case %zu: %d, want %d (%s)", i, v, cases[i].want,
			         why ? why : "-");
		if (v == HEAD_BAD)
			assert_non_null(why);
	}
}

/* A NUL anywhere in the head is refused, however it got there. */
static void
test_nul(void **state)
{
	(void)state;
	const char head[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
	const char *why;
	assert_int_equal(head_check(head, sizeof(head) - 1, &why, NULL), HEAD_BAD);
	assert_non_null(strstr(why, "NUL"));
}

/* 16 KiB in all: one byte less is taken, past it 431, even before the end arrives. */
static void
test_size(void **state)
{
	(void)state;
	const char *start = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ", *why;
	size_t fixed = strlen(start) + 4, total = HEAD_MAX_BYTES;
	char *h = xmalloc(total + 64);
	memset(h, 'a', total + 64);
	memcpy(h, start, strlen(start));
	memcpy(h + total - 4, "\r\n\r\n", 4);
	assert_true(fixed < total);
	assert_int_equal(head_check(h, total, &why, NULL), HEAD_OK);
	memcpy(h + total - 4, "aaaa", 4);
	memcpy(h + total - 3, "\r\n\r\n", 4); /* one byte more */
	assert_int_equal(head_check(h, total + 1, &why, NULL), HEAD_TOO_LARGE);
	memset(h + strlen(start), 'a', total + 64 - strlen(start)); /* no end at all */
	assert_int_equal(head_check(h, total + 64, &why, NULL), HEAD_TOO_LARGE);
	assert_int_equal(head_check(h, total - 1, &why, NULL), HEAD_INCOMPLETE);
	free(h);
}

/* Any prefix of a good head is incomplete, never bad. */
static void
test_prefixes(void **state)
{
	(void)state;
	const char *h = "POST /v1/apply HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", *why;
	for (size_t n = 0; n + 1 < strlen(h); n++)
		assert_int_equal(head_check(h, n, &why, NULL), HEAD_INCOMPLETE);
	assert_int_equal(head_check(h, strlen(h), &why, NULL), HEAD_OK);
}

/* A whole head says where it ends and how its body is framed. */
static void
test_frame(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t len;
		bool chunked;
		unsigned long long length;
	} frames[] = {
	    {"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\n", 27, false, 0},
	    {"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 29, false, 0},
	    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 012\r\n\r\n{}", 49, false, 12},
	    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999999\r\n\r\n", 64, false,
	     999999999999999999ull},
	    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", 56, true, 0},
	};
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		struct head_frame f = {0};
		const char *why;
		assert_int_equal(head_check(frames[i].bytes, strlen(frames[i].bytes), &why, &f),
		                 HEAD_OK);
		if (f.len != frames[i].len || f.chunked != frames[i].chunked ||
		    f.length != frames[i].length)
			fail_msg("case %zu: %zu bytes, chunked %d, length %llu", i, f.len,
			         f.chunked, f.length);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases), cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_size),  cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_frame),
	};
	return cmocka_run_group_tests_name("unit head", tests, NULL, NULL);
}
