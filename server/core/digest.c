/* digest: hashes, encodings and randomness, on OpenSSL's libcrypto and getrandom(2). */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/digest.h"

/*
 * SHA-256 fetched from its provider once: EVP_sha256() has OpenSSL look it up
 * again on every use, under a lock shared by all threads.
 */
static EVP_MD *fetched_sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
fetch_sha256(void)
{
	fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *
md_sha256(void)
{
	pthread_once(&sha256_once, fetch_sha256);
	return fetched_sha256 ? fetched_sha256 : EVP_sha256();
}

void
sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int n = SHA256_LEN;

	EVP_Digest(data, len, out, &n, md_sha256(), NULL);
}

struct sha256_stream *
sha256_begin(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL || EVP_DigestInit_ex(c, md_sha256(), NULL) != 1)
		abort(); /* out of memory */
	return (struct sha256_stream *)c;
}

void
sha256_add(struct sha256_stream *s, const void *data, size_t len)
{
	EVP_DigestUpdate((EVP_MD_CTX *)s, data, len);
}

void
sha256_end(struct sha256_stream *s, unsigned char out[SHA256_LEN])
{
	unsigned int n = SHA256_LEN;

	EVP_DigestFinal_ex((EVP_MD_CTX *)s, out, &n);
	EVP_MD_CTX_free((EVP_MD_CTX *)s);
}

struct hmac_key {
	EVP_MD_CTX *inner, *outer; /* SHA-256 with (key ^ ipad) and (key ^ opad) absorbed */
};

struct hmac_key *
hmac_prepare(const void *key, size_t len)
{
	unsigned char k[64] = {0}, pad[64];
	struct hmac_key *h = xcalloc(1, sizeof(*h));

	if (len > sizeof(k))
		sha256(key, len, k);
	else
		memcpy(k, key, len);
	h->inner = EVP_MD_CTX_new();
	h->outer = EVP_MD_CTX_new();
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	int ok = h->inner && h->outer && EVP_DigestInit_ex(h->inner, md_sha256(), NULL) == 1 &&
	         EVP_DigestUpdate(h->inner, pad, sizeof(pad)) == 1;
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	ok = ok && EVP_DigestInit_ex(h->outer, md_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(h->outer, pad, sizeof(pad)) == 1;
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	if (!ok) {
		hmac_free(h);
		return NULL;
	}
	return h;
}

void
hmac_free(struct hmac_key *k)
{
	if (k == NULL)
		return;
	EVP_MD_CTX_free(k->inner);
	EVP_MD_CTX_free(k->outer);
	free(k);
}

void
hmac_sha256(const struct hmac_key *k, const void *msg, size_t len, unsigned char out[SHA256_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char in[SHA256_LEN];
	unsigned int n = SHA256_LEN;

	if (c == NULL || EVP_MD_CTX_copy_ex(c, k->inner) != 1 ||
	    EVP_DigestUpdate(c, msg, len) != 1 || EVP_DigestFinal_ex(c, in, &n) != 1 ||
	    EVP_MD_CTX_copy_ex(c, k->outer) != 1 || EVP_DigestUpdate(c, in, sizeof(in)) != 1 ||
	    EVP_DigestFinal_ex(c, out, &n) != 1)
		abort(); /* out of memory: nothing else makes these fail */
	EVP_MD_CTX_free(c);
}

void
hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
b64url_encode(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0, i = 0;

	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

long
b64url_decode(const char *in, unsigned char *out, size_t outlen)
{
	unsigned v = 0, bits = 0;
	size_t o = 0;

	for (; *in; in++) {
		const char *p = strchr(b64, *in);
		if (p == NULL || *in == '\0')
			return -1;
		v = (v << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outlen)
				return -1;
			out[o++] = (unsigned char)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	if (bits >= 6 || v != 0) /* a dangling character or non-zero padding bits */
		return -1;
	return (long)o;
}

static ssize_t (*random_source)(void *buf, size_t len, unsigned flags) = getrandom;

void
digest_test_random_source(ssize_t (*source)(void *buf, size_t len, unsigned flags))
{
	random_source = source != NULL ? source : getrandom;
}

int
random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = random_source(p, len, 0);
		if (n < 0 && errno == EINTR) /* a signal came before any byte did: ask again */
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Random bytes for ids, taken from getrandom(2) a page at a time by each
 * thread: one system call per 256 ids rather than one per request.
 */
static int
id_bytes(unsigned char out[16])
{
	static _Thread_local unsigned char pool[4096];
	static _Thread_local size_t left;

	if (left < 16) {
		if (random_bytes(pool, sizeof(pool)) != 0)
			return -1;
		left = sizeof(pool);
	}
	left -= 16;
	memcpy(out, pool + left, 16);
	return 0;
}

int
uuid_v4(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	char *o = out;

	if (id_bytes(b) != 0) { /* never an id that is not random (all zero, as once) */
		out[0] = '\0';
		return -1;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
	return 0;
}

bool
digest_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
