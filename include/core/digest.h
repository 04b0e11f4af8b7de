/*
 * digest: SHA-256, hex, base64url and random bytes for tokens, ids, ETags
 * and document hashes. Thread-safe.
 */
#ifndef RECRUITD_DIGEST_H
#define RECRUITD_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/xalloc.h"

#define SHA256_LEN 32

void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/* SHA-256 over data that comes in pieces: begin, add any number of times, end (frees). */
struct sha256_stream;
struct sha256_stream *sha256_begin(void);
void sha256_add(struct sha256_stream *s, const void *data, size_t len);
void sha256_end(struct sha256_stream *s, unsigned char out[SHA256_LEN]);

/*
 * HMAC-SHA256 under a key prepared once (its inner and outer pads hashed
 * ahead), so each use is two hash copies and no lookup in OpenSSL's
 * provider tables (HMAC() does one per call, under a lock all threads
 * share). hmac_prepare: a new key (hmac_free), or NULL without memory.
 */
struct hmac_key;
struct hmac_key *hmac_prepare(const void *key, size_t len);
void hmac_free(struct hmac_key *k);
void hmac_sha256(const struct hmac_key *k, const void *msg, size_t len,
                 unsigned char out[SHA256_LEN]);

/* Write 2*len hex digits and a NUL to out. */
void hex_encode(const unsigned char *in, size_t len, char *out);

/* Base64url without padding; out holds at least 4*((len+2)/3)+1 bytes. Returns the length written.
 */
size_t b64url_encode(const unsigned char *in, size_t len, char *out);

/* Decode base64url without padding; returns the number of bytes, or -1 on bad input or overflow. */
long b64url_decode(const char *in, unsigned char *out, size_t outlen);

/*
 * Fill buf with len bytes from the kernel's CSPRNG (getrandom, asked again
 * when a signal interrupts it). Returns 0 or -1 (no randomness: callers
 * answer 503).
 */
int random_bytes(void *buf, size_t len) WARN_UNUSED;

/*
 * A random (version 4) UUID as 36 characters and a NUL: 0, or -1 (out
 * then "") when no randomness is available; never an id that is not random.
 */
int uuid_v4(char out[37]) WARN_UNUSED;

/*
 * Tests only: take random bytes from source (getrandom's signature) instead
 * of getrandom; NULL puts getrandom back. Not thread-safe.
 */
void digest_test_random_source(ssize_t (*source)(void *buf, size_t len, unsigned flags));

/* Constant-time equality of two equal-length byte strings. */
bool digest_equal(const void *a, const void *b, size_t len);

#endif
