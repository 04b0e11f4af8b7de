/*
 * blind: the keyed hashes of the blind indexes, the rate limits and the
 * suppression list. See blind.h; the public part is vault.h's. The index
 * key of before the epochs is a row of the key database like a data key
 * (store/data_keys.c), read through the same functions, but never cached by
 * id: its id is not a UUID.
 */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/digest.h"
#include "store/vault.h"

#include "blind.h"
#include "keyring.h"

enum legacy { UNKNOWN, PRESENT, ABSENT };

static struct {
	pthread_mutex_t mu;
	_Atomic int legacy;    /* enum legacy */
	struct hmac_key *hmac; /* the index key of before, prepared (PRESENT) */
} B = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* Whether the index key of before is there (asked once): 0, or -1 when the key database is away. */
static int
legacy_ready(void)
{
	unsigned char key[SEAL_KEY_LEN];
	bool found = false;
	int rc = 0;

	if (atomic_load(&B.legacy) != UNKNOWN)
		return 0;
	pthread_mutex_lock(&B.mu);
	if (atomic_load(&B.legacy) == UNKNOWN) {
		const char *id = "index";
		rc = vault_keys(&id, 1, (unsigned char(*)[SEAL_KEY_LEN])key, &found);
		if (rc == 0 && found && (B.hmac = hmac_prepare(key, SEAL_KEY_LEN)) == NULL)
			rc = -1;
		if (rc == 0)
			atomic_store(&B.legacy, found ? PRESENT : ABSENT);
		OPENSSL_cleanse(key, sizeof(key));
	}
	pthread_mutex_unlock(&B.mu);
	return rc;
}

void
blind_forget(void)
{
	pthread_mutex_lock(&B.mu);
	hmac_free(B.hmac);
	B.hmac = NULL;
	atomic_store(&B.legacy, UNKNOWN);
	pthread_mutex_unlock(&B.mu);
}

int
vault_index_sets(char ids[2][VAULT_INDEX_ID_LEN])
{
	char two[2][KEYRING_ID_LEN + 1];
	unsigned char probe[2][32];
	int n = keyring_index_hashes("", 0, probe, two);

	memcpy(ids[0], two[0], KEYRING_ID_LEN + 1);
	if (n == 2) { /* a rotation: the previous epoch's rows are still indexed under it */
		memcpy(ids[1], two[1], KEYRING_ID_LEN + 1);
		return 2;
	}
	if (legacy_ready() != 0)
		return -1;
	if (atomic_load(&B.legacy) == PRESENT) {
		memcpy(ids[1], BLIND_LEGACY, sizeof(BLIND_LEGACY));
		return 2;
	}
	return 1;
}

int
vault_index_hash_of(const char *id, const void *msg, size_t len, unsigned char out[32])
{
	if (strcmp(id, BLIND_LEGACY) != 0)
		return keyring_index_hash_of(id, msg, len, out);
	int rc = -1;
	pthread_mutex_lock(&B.mu);
	if (B.hmac != NULL) {
		hmac_sha256(B.hmac, msg, len, out);
		rc = 0;
	}
	pthread_mutex_unlock(&B.mu);
	return rc;
}

/* 32 bytes as 64 hex digits. */
static void
hex64(const unsigned char h[32], char out[65])
{
	hex_encode(h, 32, out);
}

void
vault_rate_hash(const char *msg, char out[65])
{
	unsigned char h[32];

	keyring_rate_hash(msg, strlen(msg), h);
	hex64(h, out);
}

void
vault_suppression_hash(const char *msg, char out[65])
{
	unsigned char h[32];

	keyring_suppression_hash(msg, strlen(msg), h);
	hex64(h, out);
}

bool
vault_legacy_suppression(unsigned char out[32])
{
	return keyring_legacy_suppression(out);
}

int
vault_keep_legacy_suppression(const unsigned char secret[32], char *err, size_t errlen)
{
	return keyring_keep_legacy_suppression(secret, err, errlen);
}
