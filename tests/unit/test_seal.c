/* seal: AES-256-GCM of one value, with associated data; key wrapping. */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/digest.h"
#include "core/seal.h"
#include "core/xalloc.h"
#include "store/vault.h"

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

/* A thread keeps the last key's schedule: values under keys that alternate still open right. */
static void
test_keys_in_turn(void **state)
{
	unsigned char k1[SEAL_KEY_LEN], k2[SEAL_KEY_LEN];
	unsigned char *s[6], *o;
	size_t n[6], m;

	(void)state;
	assert_int_equal(seal_new_key(k1), 0);
	assert_int_equal(seal_new_key(k2), 0);
	for (int i = 0; i < 6; i++) /* k1, k2, k1, k2, ... */
		assert_non_null(s[i] = seal_value(i % 2 ? k2 : k1, "ad", 2, "value", 5, &n[i]));
	for (int i = 5; i >= 0; i--) {
		o = seal_open(i % 2 ? k2 : k1, "ad", 2, s[i], n[i], &m);
		assert_non_null(o);
		assert_memory_equal(o, "value", 5);
		free(o);
		/* and not under the other key, right after the right one */
		assert_null(seal_open(i % 2 ? k1 : k2, "ad", 2, s[i], n[i], &m));
		assert_null(
		    seal_open(i % 2 ? k2 : k1, "ad", 2, s[(i + 1) % 6], n[(i + 1) % 6], &m));
	}
	for (int i = 0; i < 6; i++)
		free(s[i]);
}

/* HMAC-SHA256 with a prepared key: RFC 4231's test cases 2 and 6 (a key longer than a block). */
static void
test_hmac(void **state)
{
	unsigned char out[SHA256_LEN], big[131];
	char hex[2 * SHA256_LEN + 1];

	(void)state;
	struct hmac_key *k = hmac_prepare("Jefe", 4);
	const char *msg = "what do ya want for nothing?";
	hmac_sha256(k, msg, strlen(msg), out);
	hex_encode(out, sizeof(out), hex);
	assert_string_equal(hex,
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	hmac_sha256(k, msg, strlen(msg), out); /* again: the prepared key is not used up */
	hex_encode(out, sizeof(out), hex);
	assert_string_equal(hex,
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	hmac_free(k);
	memset(big, 0xaa, sizeof(big));
	k = hmac_prepare(big, sizeof(big));
	msg = "Test Using Larger Than Block-Size Key - Hash Key First";
	hmac_sha256(k, msg, strlen(msg), out);
	hex_encode(out, sizeof(out), hex);
	assert_string_equal(hex,
	                    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	hmac_free(k);
}

/*
 * Segments are bound to "id/field#i" (and "$" on the last); a binding that
 * does not fit its buffer is refused, never cut short or read past its end
 * (snprintf's would-be length was trusted).
 */
static void
test_segments_binding_fits(void **state)
{
	static const char id[] = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
	size_t len = 3 * VAULT_SEGMENT + 5, n, got;
	unsigned char *plain = xmalloc(len), *out = xmalloc(len);

	(void)state;
	for (size_t i = 0; i < len; i++)
		plain[i] = (unsigned char)(i * 7);
	unsigned char *sealed = vault_seal_segments(key, id, "document:x", plain, len, &n);
	assert_non_null(sealed);
	assert_int_equal(n, vault_segments_len(len));
	assert_int_equal(vault_open_segments(key, id, "document:x", len, 0, sealed, n, out, &got),
	                 0);
	assert_int_equal(got, len);
	assert_memory_equal(out, plain, len);
	/* a field too long for the binding's buffer: refused both ways */
	char field[201];
	memset(field, 'f', sizeof(field) - 1);
	field[sizeof(field) - 1] = '\0';
	size_t m = 0;
	assert_null(vault_seal_segments(key, id, field, plain, len, &m));
	assert_int_equal(vault_open_segments(key, id, field, len, 0, sealed, n, out, &got), -1);
	free(sealed);
	free(out);
	free(plain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip), cmocka_unit_test(test_tampering_is_refused),
	    cmocka_unit_test(test_wrapping),   cmocka_unit_test(test_keys_in_turn),
	    cmocka_unit_test(test_hmac),       cmocka_unit_test(test_segments_binding_fits),
	};
	return cmocka_run_group_tests_name("unit seal", tests, NULL, NULL);
}
