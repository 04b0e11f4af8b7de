/* seal: AES-256-GCM of one value, with associated data; key wrapping. */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/seal.h"

static const unsigned char key[SEAL_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

static void
test_round_trip(void **state)
{
	size_t n, m;

	(void)state;
	unsigned char *a = seal_value(key, "id|email", 8, "ada@example.com", 15, &n);
	unsigned char *b = seal_value(key, "id|email", 8, "ada@example.com", 15, &m);
	assert_non_null(a);
	assert_int_equal(n, 15 + SEAL_OVERHEAD);
	assert_memory_not_equal(a, b, n); /* a fresh nonce every time */
	assert_null(memmem(a, n, "ada@", 4));
	unsigned char *plain = seal_open(key, "id|email", 8, a, n, &m);
	assert_non_null(plain);
	assert_int_equal(m, 15);
	assert_string_equal((char *)plain, "ada@example.com");
	free(plain);
	/* the empty value too */
	unsigned char *e = seal_value(key, NULL, 0, "", 0, &n);
	assert_int_equal(n, SEAL_OVERHEAD);
	plain = seal_open(key, NULL, 0, e, n, &m);
	assert_non_null(plain);
	assert_int_equal(m, 0);
	free(plain);
	free(e);
	free(a);
	free(b);
}

static void
test_tampering_is_refused(void **state)
{
	size_t n, m;
	unsigned char other[SEAL_KEY_LEN] = {9};

	(void)state;
	unsigned char *a = seal_value(key, "id-1|phone", 10, "+1 415 555 0100", 15, &n);
	/* another row's or field's associated data, another key: nothing */
	assert_null(seal_open(key, "id-2|phone", 10, a, n, &m));
	assert_null(seal_open(key, "id-1|email", 10, a, n, &m));
	assert_null(seal_open(other, "id-1|phone", 10, a, n, &m));
	/* any changed byte: nothing */
	for (size_t i = 0; i < n; i++) {
		a[i] ^= 0x01;
		assert_null(seal_open(key, "id-1|phone", 10, a, n, &m));
		a[i] ^= 0x01;
	}
	/* too short, truncated */
	assert_null(seal_open(key, "id-1|phone", 10, a, SEAL_OVERHEAD - 1, &m));
	assert_null(seal_open(key, "id-1|phone", 10, a, n - 1, &m));
	free(a);
}

static void
test_wrapping(void **state)
{
	unsigned char master[SEAL_KEY_LEN], data[SEAL_KEY_LEN], back[SEAL_KEY_LEN],
	    wrapped[SEAL_WRAPPED_LEN];

	(void)state;
	assert_int_equal(seal_new_key(master), 0);
	assert_int_equal(seal_new_key(data), 0);
	assert_memory_not_equal(master, data, SEAL_KEY_LEN);
	assert_int_equal(seal_wrap(master, "applicant-1", data, wrapped), 0);
	assert_int_equal(seal_unwrap(master, "applicant-1", wrapped, back), 0);
	assert_memory_equal(back, data, SEAL_KEY_LEN);
	assert_int_equal(seal_unwrap(master, "applicant-2", wrapped, back), -1);
	master[0] ^= 1;
	assert_int_equal(seal_unwrap(master, "applicant-1", wrapped, back), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_tampering_is_refused),
	    cmocka_unit_test(test_wrapping),
	};
	return cmocka_run_group_tests_name("unit seal", tests, NULL, NULL);
}
