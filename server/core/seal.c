/* seal: AES-256-GCM of one value. See seal.h. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/seal.h"

unsigned char *
seal_value(const unsigned char key[SEAL_KEY_LEN], const void *ad, size_t adlen, const void *plain,
           size_t len, size_t *out_len)
{
	unsigned char *out;
	EVP_CIPHER_CTX *c;
	int n = 0, m = 0, a = 0;

	if (len > (size_t)(1 << 30) || adlen > (size_t)(1 << 20) ||
	    (c = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	out = xmalloc(len + SEAL_OVERHEAD);
	if (random_bytes(out, SEAL_NONCE_LEN) != 0 ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, out) != 1 ||
	    (adlen > 0 && EVP_EncryptUpdate(c, NULL, &a, ad, (int)adlen) != 1) ||
	    EVP_EncryptUpdate(c, out + SEAL_NONCE_LEN, &n, plain, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, out + SEAL_NONCE_LEN + n, &m) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN,
	                        out + SEAL_NONCE_LEN + n + m) != 1) {
		EVP_CIPHER_CTX_free(c);
		free(out);
		return NULL;
	}
	EVP_CIPHER_CTX_free(c);
	*out_len = SEAL_NONCE_LEN + (size_t)n + (size_t)m + SEAL_TAG_LEN;
	return out;
}

unsigned char *
seal_open(const unsigned char key[SEAL_KEY_LEN], const void *ad, size_t adlen,
          const unsigned char *in, size_t len, size_t *out_len)
{
	unsigned char tag[SEAL_TAG_LEN], *out;
	EVP_CIPHER_CTX *c;
	int n = 0, m = 0, a = 0;

	if (len < SEAL_OVERHEAD || len > (size_t)(1 << 30) + SEAL_OVERHEAD ||
	    adlen > (size_t)(1 << 20) || (c = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	memcpy(tag, in + len - SEAL_TAG_LEN,
	       SEAL_TAG_LEN); /* OpenSSL takes it as void *, not const */
	out = xmalloc(len - SEAL_OVERHEAD + 1);
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, in) != 1 ||
	    (adlen > 0 && EVP_DecryptUpdate(c, NULL, &a, ad, (int)adlen) != 1) ||
	    EVP_DecryptUpdate(c, out, &n, in + SEAL_NONCE_LEN, (int)(len - SEAL_OVERHEAD)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN, tag) != 1 ||
	    EVP_DecryptFinal_ex(c, out + n, &m) != 1) {
		EVP_CIPHER_CTX_free(c);
		explicit_bzero(out, len - SEAL_OVERHEAD + 1);
		free(out);
		return NULL;
	}
	EVP_CIPHER_CTX_free(c);
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
