/*
 * keyring (private to store/): the master keys that wrap every data key,
 * read from RECRUITD_MASTER_KEY_FILE. Up to three are known at once: the
 * file's, a rotation's next one (the same path with ".next"), and the one
 * the file held before a rotation replaced it. Each is named by its
 * fingerprint (16 hex digits), which a wrapped key's row carries, so a
 * rotation can go batch by batch and a process can tell which master opens
 * a row. New keys are wrapped under the newest; a row under an unknown
 * master makes the files be read again. keyring_open is called once, before
 * any thread; the rest is thread-safe (one mutex).
 */
#ifndef RECRUITD_STORE_KEYRING_H
#define RECRUITD_STORE_KEYRING_H

#include <stddef.h>

#include "core/seal.h"
#include "core/xalloc.h"

#define KEYRING_ID_LEN 16

/* Read the master key file (and a rotation's next one): 0, or -1 with a message in err. */
int keyring_open(const char *master_file, char *err, size_t errlen) WARN_UNUSED;

/* Wipe every master key and forget the files. */
void keyring_close(void);

/*
 * Wrap owner's key under the newest master (the files read again first when
 * they changed): 0 with out and the master's id, or -1.
 */
int keyring_wrap(const char *owner, const unsigned char key[SEAL_KEY_LEN],
                 unsigned char out[SEAL_WRAPPED_LEN], char master_id[KEYRING_ID_LEN + 1]);

/* Unwrap a row of owner wrapped under master_id: 0 with key, or -1 (unknown master, no opening). */
int keyring_unwrap(const char *owner, const char *master_id, const unsigned char *wrapped,
                   size_t len, unsigned char key[SEAL_KEY_LEN]);

/*
 * A rotation's step for one row: owner's key wrapped under from_id, wrapped
 * again under to_id into out. 0, or -1 when either master is not at hand.
 */
int keyring_rewrap(const char *owner, const char *from_id, const char *to_id,
                   const unsigned char *wrapped, size_t len, unsigned char out[SEAL_WRAPPED_LEN]);

/*
 * Begin a rotation: make the next master file (32 random bytes, mode 0600)
 * unless it exists, and read the files again: 0 with the next master's id
 * in to_id, or -1 with a message in err.
 */
int keyring_next(char to_id[KEYRING_ID_LEN + 1], char *err, size_t errlen) WARN_UNUSED;

/* End a rotation: the next master file moved over the master file. 0, or -1 with a message. */
int keyring_promote(char *err, size_t errlen) WARN_UNUSED;

#endif
