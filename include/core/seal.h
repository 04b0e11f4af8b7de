/*
 * seal: authenticated encryption of one value with AES-256-GCM (OpenSSL's
 * libcrypto). A sealed value is NONCE (12 random bytes, fresh for every
 * value) || CIPHERTEXT || TAG (16 bytes), SEAL_OVERHEAD bytes longer than
 * the plaintext. Associated data (e.g. the applicant id and the field name)
 * is bound in: a value moved to another row or field does not open.
 * Opening checks the tag before anything is returned. Thread-safe.
 *
 * The idempotency store seals responses with it today; per-applicant data
 * keys (issue 17) will seal personal columns, and wrap each data key under
 * the master key with seal_wrap.
 */
#ifndef RECRUITD_CORE_SEAL_H
#define RECRUITD_CORE_SEAL_H

#include <stddef.h>

#include "core/xalloc.h"

#define SEAL_KEY_LEN 32
#define SEAL_NONCE_LEN 12
#define SEAL_TAG_LEN 16
#define SEAL_OVERHEAD (SEAL_NONCE_LEN + SEAL_TAG_LEN)

/*
 * Seal len bytes of plain under key with ad (adlen bytes, may be 0): new
 * bytes (len + SEAL_OVERHEAD of them, into *out_len), or NULL when there is
 * no randomness or the cipher failed.
 */
unsigned char *seal_value(const unsigned char key[SEAL_KEY_LEN], const void *ad, size_t adlen,
                          const void *plain, size_t len, size_t *out_len) WARN_UNUSED;

/*
 * Open a sealed value: new bytes (NUL-terminated for convenience; the length
 * into *out_len), or NULL when it is too short, was sealed under another key
 * or other ad, or was changed in any way.
 */
unsigned char *seal_open(const unsigned char key[SEAL_KEY_LEN], const void *ad, size_t adlen,
                         const unsigned char *in, size_t len, size_t *out_len) WARN_UNUSED;

/* A new random key: 0, or -1 when there is no randomness. */
int seal_new_key(unsigned char key[SEAL_KEY_LEN]) WARN_UNUSED;

/*
 * Wrap a data key under the master key (bound to the owner's id as ad):
 * SEAL_KEY_LEN + SEAL_OVERHEAD bytes into out. 0 or -1.
 */
#define SEAL_WRAPPED_LEN (SEAL_KEY_LEN + SEAL_OVERHEAD)
int seal_wrap(const unsigned char master[SEAL_KEY_LEN], const char *owner,
              const unsigned char key[SEAL_KEY_LEN],
              unsigned char out[SEAL_WRAPPED_LEN]) WARN_UNUSED;

/* Unwrap it: 0 with key, or -1 (another master key, another owner, or changed). */
int seal_unwrap(const unsigned char master[SEAL_KEY_LEN], const char *owner,
                const unsigned char in[SEAL_WRAPPED_LEN],
                unsigned char key[SEAL_KEY_LEN]) WARN_UNUSED;

#endif
