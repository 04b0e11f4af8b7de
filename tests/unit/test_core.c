/* Config, paging cursors, tokens, SQLSTATE classes, encodings, capped buffers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../unit/cm.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/token.h"
#include "core/zone.h"
#include "domain/letters.h"
#include "edge/paging.h"
#include "store/auth.h"
#include "store/db.h"

static const char *const *env_table;

static const char *
table_env(const char *name)
{
	for (const char *const *e = env_table; e && *e; e += 2)
		if (strcmp(e[0], name) == 0)
			return e[1];
	return NULL;
}

static int
parse_with(const char *const *table, struct config *cfg, char *err)
{
	env_table = table;
	return config_parse(cfg, table_env, err, 256);
}

static void
test_config_defaults(void **state)
{
	static const char *const t[] = {"RECRUITD_DATABASE_URL", "dbname=x", NULL};
	struct config cfg;
	char err[256];

	(void)state;
	assert_int_equal(parse_with(t, &cfg, err), 0);
	assert_string_equal(cfg.listen_host, "127.0.0.1");
	assert_int_equal(cfg.listen_port, 8080);
	assert_int_equal(cfg.max_upload_bytes, 10u << 20);
	assert_true(cfg.threads >= 1);
	assert_int_equal(cfg.pool_size, cfg.threads + 2);
	assert_string_equal(cfg.database_url, "dbname=x");
	/* the applicant's side */
	assert_int_equal(cfg.applicant_token_hours, 168);
	assert_int_equal(cfg.rate_per_address_minute, 30);
	assert_int_equal(cfg.rate_per_email_hour, 5);
	assert_string_equal(cfg.notice_url, "/privacy-notice");
	assert_null(cfg.notice_file);
	assert_string_equal(cfg.public_url, "http://127.0.0.1:8080");
	assert_string_equal(cfg.company_name, "Example Company");
	assert_int_equal(cfg.ntrusted_proxies, 0);
	assert_string_equal(zone_name(cfg.zone), "UTC");
	config_fini(&cfg);
}

static void
test_config_values(void **state)
{
	static const char *const t[] = {"RECRUITD_DATABASE_URL",
	                                "dbname=x",
	                                "RECRUITD_LISTEN",
	                                "[::1]:9090",
	                                "RECRUITD_MAX_UPLOAD_BYTES",
	                                "2048",
	                                "RECRUITD_THREADS",
	                                "8",
	                                "RECRUITD_LOG_LEVEL",
	                                "debug",
	                                "RECRUITD_HOLIDAYS",
	                                "2027-01-01, 2026-12-25",
	                                "RECRUITD_TRUSTED_PROXIES",
	                                "10.0.0.5, 2001:DB8:0::1,192.0.2.1",
	                                "RECRUITD_TIMEZONE",
	                                "America/Los_Angeles",
	                                NULL};
	struct config cfg;
	char err[256];

	(void)state;
	assert_int_equal(parse_with(t, &cfg, err), 0);
	assert_string_equal(cfg.listen_host, "::1");
	assert_int_equal(cfg.listen_port, 9090);
	assert_int_equal(cfg.max_upload_bytes, 2048);
	assert_int_equal(cfg.threads, 8);
	assert_int_equal(cfg.pool_size, 10);
	assert_int_equal(cfg.nholidays, 2); /* sorted */
	assert_int_equal(cfg.holidays[0], clock_day_of_date("2026-12-25"));
	assert_int_equal(cfg.holidays[1], clock_day_of_date("2027-01-01"));
	assert_int_equal(cfg.ntrusted_proxies, 3); /* as inet_ntop writes them */
	assert_string_equal(cfg.trusted_proxies[0], "10.0.0.5");
	assert_string_equal(cfg.trusted_proxies[1], "2001:db8::1");
	assert_string_equal(cfg.trusted_proxies[2], "192.0.2.1");
	assert_string_equal(zone_name(cfg.zone), "America/Los_Angeles");
	assert_int_equal(zone_offset(cfg.zone, 1784116800), -7 * 3600); /* 2026-07-15: PDT */
	config_fini(&cfg);
}

static void
test_config_refuses(void **state)
{
	static const char *const bad[][5] = {
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_LISTEN", "8080", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_LISTEN", "host:99999", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_MAX_UPLOAD_BYTES", "ten", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_MAX_UPLOAD_BYTES", "-1", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_THREADS", "0", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_LOG_LEVEL", "loud", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_APPLICANT_TOKEN_HOURS", "0", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_RATE_PER_EMAIL_HOUR", "many", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_RATE_PER_ADDRESS_MINUTE", "0", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_PRIVACY_NOTICE_URL", "javascript:alert(1)",
	     NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_PRIVACY_NOTICE_URL", "/a\" onclick=\"x", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_COMPANY_NAME", "Evil\r\nBcc: x@y", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_HOLIDAYS", "2026-12-25,2026-02-30", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_HOLIDAYS", "christmas", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_TRUSTED_PROXIES", "10.0.0.1, proxy.local",
	     NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_TRUSTED_PROXIES", "10.0.0.256", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_TIMEZONE", "Mars/Olympus_Mons", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_TIMEZONE", "PST8PDT; rm -rf", NULL},
	    {"RECRUITD_DATABASE_URL", "x", "RECRUITD_TIMEZONE", "../../../etc/passwd", NULL},
	};
	struct config cfg;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_with(bad[i], &cfg, err) == 0)
			fail_msg("accepted case %zu", i);
		assert_non_null(strstr(err, bad[i][2]));
	}
}

/* One-time codes: 43 base64url characters, only their hash kept; anything else is no code. */
static void
test_codes(void **state)
{
	char a[CODE_LEN + 1], b[CODE_LEN + 1], ha[2 * SHA256_LEN + 1], hb[2 * SHA256_LEN + 1],
	    again[2 * SHA256_LEN + 1];

	(void)state;
	assert_int_equal(code_new(a, ha), 0);
	assert_int_equal(code_new(b, hb), 0);
	assert_int_equal(strlen(a), CODE_LEN);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(ha), 64);
	assert_null(strstr(ha, a));
	assert_int_equal(code_hash(a, again), 0);
	assert_string_equal(again, ha);
	static const char *const bad[] = {"",
	                                  "short",
	                                  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                                  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                                  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
	                                  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (code_hash(bad[i], again) == 0)
			fail_msg("took %s for a code", bad[i]);
	assert_int_equal(code_hash(NULL, again), -1);
}

/* The letters: plain text, signed with the company's name, the link alone on its line. */
static void
test_letters(void **state)
{
	struct letter l;

	(void)state;
	letter_confirm_application(&l, "Acme", "Site Reliability Engineer",
	                           "https://jobs.acme.test/apply/confirm?code=abc");
	assert_string_equal(l.subject,
	                    "Confirm your application to Acme: Site Reliability Engineer");
	assert_non_null(strstr(l.body, "the position \"Site Reliability Engineer\" at Acme"));
	assert_non_null(strstr(l.body, "\nhttps://jobs.acme.test/apply/confirm?code=abc\n"));
	assert_non_null(strstr(l.body, "24 hours"));
	assert_non_null(strstr(l.body, "\n-- \nAcme\n"));
	assert_null(strstr(l.body, "<")); /* no markup, no tracking pixel */
	letter_fini(&l);
	letter_sign_in(&l, "Acme", "https://jobs.acme.test/me?code=xyz");
	assert_string_equal(l.subject, "Your sign-in link for Acme");
	assert_non_null(strstr(l.body, "\nhttps://jobs.acme.test/me?code=xyz\n"));
	assert_non_null(strstr(l.body, "15 minutes"));
	letter_fini(&l);
	assert_null(l.subject);
}

static void
test_cursor(void **state)
{
	char k1[PAGING_KEY_MAX], k2[PAGING_KEY_MAX];
	char *c = paging_cursor_encode("2026-11-24T21:03:00.123456Z",
	                               "f6413b3a-d967-4162-955f-b26b50696e00");
	int limit;

	(void)state;
	assert_int_equal(paging_cursor_decode(c, k1, k2), 0);
	assert_string_equal(k1, "2026-11-24T21:03:00.123456Z");
	assert_string_equal(k2, "f6413b3a-d967-4162-955f-b26b50696e00");
	free(c);
	assert_int_equal(paging_cursor_decode("not a cursor!", k1, k2), -1);
	assert_int_equal(paging_cursor_decode("YWJj", k1, k2), -1); /* "abc": no separator */
	assert_int_equal(paging_cursor_decode("", k1, k2), -1);
	assert_int_equal(paging_limit_parse("50", &limit), 0);
	assert_int_equal(limit, 50);
	assert_int_equal(paging_limit_parse("200", &limit), 0);
	assert_int_equal(paging_limit_parse("201", &limit), -1);
	assert_int_equal(paging_limit_parse("0", &limit), -1);
	assert_int_equal(paging_limit_parse("-5", &limit), -1);
	assert_int_equal(paging_limit_parse("5x", &limit), -1);
	assert_int_equal(paging_limit_parse("", &limit), -1);
}

static void
test_tokens(void **state)
{
	char token[TOKEN_MAX_LEN], id[TOKEN_KEY_ID_LEN + 1], id2[TOKEN_KEY_ID_LEN + 1];
	unsigned char h[SHA256_LEN], h2[SHA256_LEN];

	(void)state;
	assert_int_equal(token_new(TOKEN_STAFF_PREFIX, token, id, h), 0);
	assert_int_equal(strncmp(token, "rks_", 4), 0);
	assert_int_equal(token_parse(token, TOKEN_STAFF_PREFIX, id2, h2), 0);
	assert_string_equal(id, id2);
	assert_true(digest_equal(h, h2, SHA256_LEN));
	/* the same token is not an applicant token */
	assert_int_equal(token_parse(token, TOKEN_APPLICANT_PREFIX, id2, h2), -1);
	/* a changed secret hashes differently */
	token[strlen(token) - 2] = token[strlen(token) - 2] == 'A' ? 'B' : 'A';
	if (token_parse(token, TOKEN_STAFF_PREFIX, id2, h2) == 0)
		assert_false(digest_equal(h, h2, SHA256_LEN));
	assert_int_equal(token_parse("rks_", TOKEN_STAFF_PREFIX, id2, h2), -1);
	assert_int_equal(token_parse("rks_0123456789abcdef_short", TOKEN_STAFF_PREFIX, id2, h2),
	                 -1);
	assert_int_equal(
	    token_parse("rks_0123456789ABCDEF_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	                TOKEN_STAFF_PREFIX, id2, h2),
	    -1);
	assert_int_equal(role_parse("hr"), ROLE_HR);
	assert_int_equal(role_parse("recruiter"), ROLE_RECRUITER);
	assert_int_equal(role_parse("admin"), ROLE_NONE);
}

static void
test_classify(void **state)
{
	(void)state;
	assert_int_equal(db_classify("23505"), DB_UNIQUE);
	assert_int_equal(db_classify("23514"), DB_INVALID);
	assert_int_equal(db_classify("22P02"), DB_INVALID);
	assert_int_equal(db_classify("40001"), DB_RETRY);
	assert_int_equal(db_classify("40P01"), DB_RETRY);
	assert_int_equal(db_classify("08006"), DB_UNAVAILABLE);
	assert_int_equal(db_classify("57P01"), DB_UNAVAILABLE);
	assert_int_equal(db_classify("53300"), DB_UNAVAILABLE);
	assert_int_equal(db_classify(NULL), DB_UNAVAILABLE);
	assert_int_equal(db_classify("42501"), DB_REFUSED);
	assert_int_equal(db_classify("42601"), DB_BUG);
}

static void
test_encodings(void **state)
{
	unsigned char in[40], out[40];
	char enc[64], hex[9];

	(void)state;
	for (size_t len = 0; len < sizeof(in); len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)(i * 37 + len);
		b64url_encode(in, len, enc);
		assert_int_equal(b64url_decode(enc, out, sizeof(out)), (long)len);
		assert_memory_equal(in, out, len);
	}
	assert_int_equal(b64url_decode("a", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("ab+", out, sizeof(out)), -1);
	hex_encode((const unsigned char *)"\x01\xab\xff\x00", 4, hex);
	assert_string_equal(hex, "01abff00");
	unsigned char h[SHA256_LEN];
	char hh[65];
	sha256("abc", 3, h);
	hex_encode(h, SHA256_LEN, hh);
	assert_string_equal(hh, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_buf_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, "12345", 5), 0);
	assert_int_equal(buf_append(&b, "67890", 5), 0);
	assert_int_equal(buf_append(&b, "x", 1), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "1234567890");
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	buf_fini(&b);
	buf_fini(&b);
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Version 4 UUIDs: the layout, the version and variant bits, and no repeats across many. */
static void
test_uuid_v4(void **state)
{
	enum { N = 2000 }; /* several refills of each thread's pool of random bytes */
	static char ids[N][37];
	(void)state;

	for (int i = 0; i < N; i++) {
		char *u = ids[i];
		assert_int_equal(uuid_v4(u), 0);
		assert_int_equal(strlen(u), 36);
		for (int j = 0; j < 36; j++) {
			if (j == 8 || j == 13 || j == 18 || j == 23)
				assert_int_equal(u[j], '-');
			else
				assert_non_null(strchr("0123456789abcdef", u[j]));
		}
		assert_int_equal(u[14], '4');
		assert_non_null(strchr("89ab", u[19]));
	}
	qsort(ids, N, sizeof(ids[0]), by_text);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
}

/* Sources of random bytes for digest_test_random_source. */
static int interruptions, calls;

/* getrandom, interrupted by a signal every other call (before any byte). */
static ssize_t
interrupted(void *buf, size_t len, unsigned flags)
{
	calls++;
	if (interruptions++ % 2 == 0) {
		errno = EINTR;
		return -1;
	}
	return getrandom(buf, len < 100 ? len : 100, flags); /* a short read too */
}

static ssize_t
broken(void *buf, size_t len, unsigned flags)
{
	(void)buf;
	(void)len;
	(void)flags;
	calls++;
	errno = EIO;
	return -1;
}

/*
 * A signal that interrupts getrandom is no failure: it is asked again. A
 * source that fails gives no id at all (-1, callers answer 503), never a
 * zero id, and no bytes.
 */
static void
test_randomness_failures(void **state)
{
	unsigned char b[300];
	char id[37];
	(void)state;

	interruptions = calls = 0;
	digest_test_random_source(interrupted);
	assert_int_equal(random_bytes(b, sizeof(b)), 0);
	assert_true(calls >= 6); /* three short reads, each after an interruption */

	calls = 0;
	digest_test_random_source(broken);
	assert_int_equal(random_bytes(b, sizeof(b)), -1);
	assert_int_equal(calls, 1);
	/* ids come from a pool of 256 per thread: within 257 the source is asked, and fails */
	int rc = 0;
	for (int i = 0; i < 257 && rc == 0; i++) {
		rc = uuid_v4(id);
		assert_true(rc != 0 || strcmp(id, "00000000-0000-4000-8000-000000000000") != 0);
	}
	assert_int_equal(rc, -1);
	assert_string_equal(id, "");
	digest_test_random_source(NULL);
	assert_int_equal(uuid_v4(id), 0);
	assert_int_equal(strlen(id), 36);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_defaults), cmocka_unit_test(test_config_values),
	    cmocka_unit_test(test_config_refuses),  cmocka_unit_test(test_cursor),
	    cmocka_unit_test(test_tokens),          cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_encodings),       cmocka_unit_test(test_buf_cap),
	    cmocka_unit_test(test_uuid_v4),         cmocka_unit_test(test_codes),
	    cmocka_unit_test(test_letters),         cmocka_unit_test(test_randomness_failures),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
