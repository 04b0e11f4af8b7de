/*
 * Unit tests for domain/search.c (what ?q= means: folding, containment,
 * trigrams) and the store's sealed values (store/vault.h: one value bound to
 * its applicant and field; large values in segments), which need no
 * database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/search.h"
#include "store/vault.h"

static void
test_fold(void **state)
{
	(void)state;
	char *f = search_fold("Zoë ÑANDÚ-Østergård ADA@Example.COM");
	assert_string_equal(f, "zoë ñandú-østergård ada@example.com");
	free(f);
	f = search_fold("李小龙 😀");
	assert_string_equal(f, "李小龙 😀"); /* nothing to fold: kept */
	free(f);
	f = search_fold("bad \xff\xfe bytes"); /* not UTF-8: kept as they are */
	assert_string_equal(f, "bad \xff\xfe bytes");
	free(f);
	f = search_fold("");
	assert_string_equal(f, "");
	free(f);
}

static void
test_contains(void **state)
{
	(void)state;
	assert_true(search_contains("Ada Lovelace", "LOVE"));
	assert_true(search_contains("Zoë Ñandú", "ÑAN"));
	assert_true(search_contains("ada@example.com", "@EXAMPLE."));
	assert_true(search_contains("100% sure_thing", "% sure_")); /* literal, not a pattern */
	assert_false(search_contains("100 percent", "%"));
	assert_false(search_contains("Ada Lovelace", "Ada  Lovelace"));
	assert_true(search_contains("anything", ""));
}

struct seen {
	char grams[64][16];
	int n;
};

static void
keep(const char *gram, size_t len, void *arg)
{
	struct seen *s = arg;
	assert_true(len < sizeof(s->grams[0]));
	memcpy(s->grams[s->n], gram, len);
	s->grams[s->n][len] = '\0';
	s->n++;
}

static void
test_trigrams(void **state)
{
	struct seen s = {0};

	(void)state;
	/* three characters in a row, lower-cased, each distinct one once */
	assert_int_equal(search_trigrams("Anna nANN", keep, &s), 6);
	const char *want[] = {"ann", "nna", "na ", "a n", " na", "nan"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(s.grams[i], want[i]);
	/* characters, not bytes */
	memset(&s, 0, sizeof(s));
	assert_int_equal(search_trigrams("Zoë", keep, &s), 1);
	assert_string_equal(s.grams[0], "zoë");
	memset(&s, 0, sizeof(s));
	assert_int_equal(search_trigrams("ab", keep, &s), 0);
	assert_int_equal(search_trigrams("", keep, &s), 0);
	/* a query's trigrams are among the trigrams of whatever contains it */
	struct seen q = {0}, hay = {0};
	search_trigrams("LOVE", keep, &q);
	search_trigrams("Ada Lovelace", keep, &hay);
	for (int i = 0; i < q.n; i++) {
		bool found = false;
		for (int j = 0; j < hay.n; j++)
			found |= strcmp(q.grams[i], hay.grams[j]) == 0;
		assert_true(found);
	}
}

static void
test_sealed_text(void **state)
{
	unsigned char key[SEAL_KEY_LEN] = {1, 2, 3};
	bool failed = false;

	(void)state;
	char *s = vault_seal_text(key, "a-1", "full_name", "Ada Lovelace", &failed);
	assert_false(failed);
	assert_non_null(s);
	assert_memory_equal(s, "\\x", 2);
	assert_null(strstr(s, "Ada"));
	char *back = vault_open_text(key, "a-1", "full_name", s);
	assert_string_equal(back, "Ada Lovelace");
	free(back);
	/* bound to the applicant and the field */
	assert_null(vault_open_text(key, "a-2", "full_name", s));
	assert_null(vault_open_text(key, "a-1", "email", s));
	key[0] ^= 1;
	assert_null(vault_open_text(key, "a-1", "full_name", s));
	key[0] ^= 1;
	s[10] = s[10] == '0' ? '1' : '0';
	assert_null(vault_open_text(key, "a-1", "full_name", s));
	assert_null(vault_open_text(key, "a-1", "full_name", "not hex"));
	assert_null(vault_open_text(key, "a-1", "full_name", "\\x0"));
	free(s);
	assert_null(vault_seal_text(key, "a-1", "phone", NULL, &failed)); /* null stays null */
	assert_false(failed);
}

static void
test_segments(void **state)
{
	unsigned char key[SEAL_KEY_LEN] = {9};
	size_t len = 3 * VAULT_SEGMENT + 123, n, got;

	(void)state;
	unsigned char *plain = malloc(len);
	for (size_t i = 0; i < len; i++)
		plain[i] = (unsigned char)(i * 31 + 7);
	unsigned char *sealed = vault_seal_segments(key, "a-1", "document", plain, len, &n);
	assert_non_null(sealed);
	assert_int_equal(n, vault_segments_len(len));
	assert_int_equal(n, len + 4 * SEAL_OVERHEAD);
	unsigned char *out = malloc(n);
	/* the whole */
	assert_int_equal(vault_open_segments(key, "a-1", "document", len, 0, sealed, n, out, &got),
	                 0);
	assert_int_equal(got, len);
	assert_memory_equal(out, plain, len);
	/* a slice: segments 1 and 2 alone */
	size_t seg = VAULT_SEGMENT + SEAL_OVERHEAD;
	assert_int_equal(
	    vault_open_segments(key, "a-1", "document", len, 1, sealed + seg, 2 * seg, out, &got),
	    0);
	assert_int_equal(got, 2 * VAULT_SEGMENT);
	assert_memory_equal(out, plain + VAULT_SEGMENT, got);
	/* a segment moved, dropped or cut short does not open */
	assert_int_equal(
	    vault_open_segments(key, "a-1", "document", len, 0, sealed + seg, seg, out, &got), -1);
	assert_int_equal(
	    vault_open_segments(key, "a-1", "document", len, 0, sealed, 3 * seg, out, &got),
	    0); /* the first three whole segments are fine */
	assert_int_equal(
	    vault_open_segments(key, "a-1", "document", 3 * VAULT_SEGMENT, 0, sealed, 3 * seg, out,
	                        &got),
	    -1); /* but not as the whole of a shorter value: the third is not marked last */
	assert_int_equal(
	    vault_open_segments(key, "a-1", "document", len, 0, sealed, n - 1, out, &got), -1);
	assert_int_equal(vault_open_segments(key, "a-2", "document", len, 0, sealed, n, out, &got),
	                 -1);
	/* an empty value is one sealed segment */
	free(sealed);
	sealed = vault_seal_segments(key, "a-1", "document", "", 0, &n);
	assert_int_equal(n, SEAL_OVERHEAD);
	assert_int_equal(vault_open_segments(key, "a-1", "document", 0, 0, sealed, n, out, &got),
	                 0);
	assert_int_equal(got, 0);
	free(sealed);
	free(out);
	free(plain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fold),     cmocka_unit_test(test_contains),
	    cmocka_unit_test(test_trigrams), cmocka_unit_test(test_sealed_text),
	    cmocka_unit_test(test_segments),
	};
	return cmocka_run_group_tests_name("unit search and sealed values", tests, NULL, NULL);
}
