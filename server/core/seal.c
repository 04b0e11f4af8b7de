/*
 * seal: AES-256-GCM of one value. See seal.h.
 *
 * The cipher is fetched from its provider once (EVP_aes_256_gcm() has
 * OpenSSL look it up again on every use, under a lock all threads share),
 * and each thread keeps a context for sealing and one for opening, each
 * holding the last key it was given: values sealed or opened under the
 * same key in a row (a record's fields, a document's segments) pay for the
 * key schedule once.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/seal.h"

struct keyed {
	EVP_CIPHER_CTX *c;
	unsigned char key[SEAL_KEY_LEN];
	bool has_key;
};

struct contexts {
	struct keyed seal, open;
};

static EVP_CIPHER *gcm;
static pthread_key_t thread_contexts;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
free_contexts(void *p)
{
	struct contexts *t = p;

	EVP_CIPHER_CTX_free(t->seal.c);
	EVP_CIPHER_CTX_free(t->open.c);
	OPENSSL_cleanse(t, sizeof(*t));
	free(t);
}

static void
setup(void)
{
	gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	pthread_key_create(&thread_contexts, free_contexts);
}

/* This thread's contexts (made on first use, freed when the thread ends), or NULL. */
static struct contexts *
contexts(void)
{
	struct contexts *t;

	pthread_once(&once, setup);
	if ((t = pthread_getspecific(thread_contexts)) != NULL)
		return t;
	t = xcalloc(1, sizeof(*t));
	t->seal.c = EVP_CIPHER_CTX_new();
	t->open.c = EVP_CIPHER_CTX_new();
	if (t->seal.c == NULL || t->open.c == NULL ||
	    pthread_setspecific(thread_contexts, t) != 0) {
		free_contexts(t);
		return NULL;
	}
	return t;
}

/* Start k's operation (enc: seal) with key and nonce, the key schedule reused when it is k's. */
static bool
start(struct keyed *k, bool enc, const unsigned char key[SEAL_KEY_LEN], const unsigned char *nonce)
{
	const EVP_CIPHER *cipher = gcm ? gcm : EVP_aes_256_gcm();
	bool same = k->has_key && memcmp(k->key, key, SEAL_KEY_LEN) == 0;
	int ok = same ? EVP_CipherInit_ex(k->c, NULL, NULL, NULL, nonce, enc)
	              : EVP_CipherInit_ex(k->c, cipher, NULL, key, nonce, enc);

	k->has_key = ok == 1;
	if (k->has_key && !same)
		memcpy(k->key, key, SEAL_KEY_LEN);
	return ok == 1;
}

unsigned char *
seal_value(const unsigned char key[SEAL_KEY_LEN], const void *ad, size_t adlen, const void *plain,
           size_t len, size_t *out_len)
{
	struct contexts *t = contexts();
	unsigned char *out;
	int n = 0, m = 0, a = 0;

	if (len > (size_t)(1 << 30) || adlen > (size_t)(1 << 20) || t == NULL)
		return NULL;
	EVP_CIPHER_CTX *c = t->seal.c;
	out = xmalloc(len + SEAL_OVERHEAD);
	if (random_bytes(out, SEAL_NONCE_LEN) != 0 || !start(&t->seal, true, key, out) ||
	    (adlen > 0 && EVP_EncryptUpdate(c, NULL, &a, ad, (int)adlen) != 1) ||
	    EVP_EncryptUpdate(c, out + SEAL_NONCE_LEN, &n, plain, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, out + SEAL_NONCE_LEN + n, &m) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN,
	                        out + SEAL_NONCE_LEN + n + m) != 1) {
		t->seal.has_key = false;
		free(out);
		return NULL;
	}
	*out_len = SEAL_NONCE_LEN + (size_t)n + (size_t)m + SEAL_TAG_LEN;
	return out;
}

unsigned char *
seal_open(const unsigned char key[SEAL_KEY_LEN], const void *ad, size_t adlen,
          const unsigned char *in, size_t len, size_t *out_len)
{
	struct contexts *t = contexts();
	unsigned char tag[SEAL_TAG_LEN], *out;
	int n = 0, m = 0, a = 0;

	if (len < SEAL_OVERHEAD || len > (size_t)(1 << 30) + SEAL_OVERHEAD ||
	    adlen > (size_t)(1 << 20) || t == NULL)
		return NULL;
	EVP_CIPHER_CTX *c = t->open.c;
	memcpy(tag, in + len - SEAL_TAG_LEN,
	       SEAL_TAG_LEN); /* OpenSSL takes it as void *, not const */
	out = xmalloc(len - SEAL_OVERHEAD + 1);
	if (!start(&t->open, false, key, in) ||
	    (adlen > 0 && EVP_DecryptUpdate(c, NULL, &a, ad, (int)adlen) != 1) ||
	    EVP_DecryptUpdate(c, out, &n, in + SEAL_NONCE_LEN, (int)(len - SEAL_OVERHEAD)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN, tag) != 1 ||
	    EVP_DecryptFinal_ex(c, out + n, &m) != 1) {
		explicit_bzero(out, len - SEAL_OVERHEAD + 1);
		free(out);
		return NULL;
	}
	*out_len = (size_t)n + (size_t)m;
	out[*out_len] = '\0';
	return out;
}

int
seal_new_key(unsigned char key[SEAL_KEY_LEN])
{
	return random_bytes(key, SEAL_KEY_LEN);
}

int
seal_wrap(const unsigned char master[SEAL_KEY_LEN], const char *owner,
          const unsigned char key[SEAL_KEY_LEN], unsigned char out[SEAL_WRAPPED_LEN])
{
	size_t n;
	unsigned char *w = seal_value(master, owner, strlen(owner), key, SEAL_KEY_LEN, &n);

	if (w == NULL || n != SEAL_WRAPPED_LEN) {
		free(w);
		return -1;
	}
	memcpy(out, w, SEAL_WRAPPED_LEN);
	free(w);
	return 0;
}

int
seal_unwrap(const unsigned char master[SEAL_KEY_LEN], const char *owner,
            const unsigned char in[SEAL_WRAPPED_LEN], unsigned char key[SEAL_KEY_LEN])
{
	size_t n;
	unsigned char *k = seal_open(master, owner, strlen(owner), in, SEAL_WRAPPED_LEN, &n);

	if (k == NULL || n != SEAL_KEY_LEN) {
		free(k);
		return -1;
	}
	memcpy(key, k, SEAL_KEY_LEN);
	explicit_bzero(k, SEAL_KEY_LEN);
	free(k);
	return 0;
}
