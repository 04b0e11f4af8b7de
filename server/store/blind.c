/*
 * blind: the index key and the keyed hashes under it. See blind.h; the
 * public part is vault.h's vault_hash. The key is a row of the key
 * database like an applicant's (store/data_keys.c), read through the same
 * functions, but never cached by id: its owner is not a UUID.
 */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>

#include "core/digest.h"
#include "store/vault.h"

#include "blind.h"

static struct {
	pthread_mutex_t mu;
	atomic_bool ready;
	unsigned char key[SEAL_KEY_LEN];
	struct hmac_key *hmac; /* the index key, prepared for hashing */
} B = {.mu = PTHREAD_MUTEX_INITIALIZER};

int
blind_ready(void)
{
	int rc;

	if (atomic_load(&B.ready))
		return 0;
	pthread_mutex_lock(&B.mu);
	if (atomic_load(&B.ready)) {
		pthread_mutex_unlock(&B.mu);
		return 0;
	}
	const char *owner = "index"; /* not a UUID: never cached, so always what the table holds */
	rc = vault_keys_or_new(&owner, 1, &B.key);
	if (rc == 0 && (B.hmac = hmac_prepare(B.key, SEAL_KEY_LEN)) == NULL)
		rc = -1;
	if (rc == 0)
		atomic_store(&B.ready, true);
	pthread_mutex_unlock(&B.mu);
	return rc;
}

void
blind_forget(void)
{
	OPENSSL_cleanse(B.key, sizeof(B.key));
	hmac_free(B.hmac);
	B.hmac = NULL;
	atomic_store(&B.ready, false);
}

int
vault_hash(const void *msg, size_t len, unsigned char out[32])
{
	if (blind_ready() != 0)
		return -1;
	hmac_sha256(B.hmac, msg, len, out);
	return 0;
}
