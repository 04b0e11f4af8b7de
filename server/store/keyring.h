/*
 * keyring (private to store/): the epochs whose keys wrap every data key,
 * and the keys derived from them, read from RECRUITD_KEYRING_FILE (DESIGN
 * "Deletion that reaches everything": key epochs).
 *
 * The file is small text, versioned, mode 0600 or refused:
 *
 *   recruitd-keyring 1
 *   suppression <64 hex digits>
 *   epoch <id: 16 hex digits> <created: seconds since 1970> <64 hex digits>
 *   ...                                  (oldest first; the last is current)
 *   rotating <id>                        (while a rotation to that epoch runs)
 *
 * An epoch's id is the fingerprint of its key (the same as the single
 * master key file's before it, so that a migrated master key file's epoch
 * opens the rows data_keys.master names). New keys are wrapped under the
 * current epoch; a row under an epoch this process does not know makes it
 * read the file again, once, before failing. The file is rewritten
 * atomically (a temporary file, fsync, rename, fsync of the folder) by
 * recruitctl only; recruitd processes read it again when told so
 * (keyring_reload_soon, from the key database's NOTIFY), and at most once
 * a second look whether it changed.
 *
 * Each epoch's key derives the keys of the blind indexes and of the rate
 * limits (HMAC-SHA256 of the epoch key over a label); the suppression key
 * is random, kept in the file, and never rotates.
 *
 * Key material lives in one locked (mlock) area where the system allows,
 * and is wiped (OPENSSL_cleanse) when released. keyring_open is called once,
 * before any thread; the rest is thread-safe (a read-write lock).
 */
#ifndef RECRUITD_STORE_KEYRING_H
#define RECRUITD_STORE_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/seal.h"
#include "core/xalloc.h"

#define KEYRING_ID_LEN 16
#define KEYRING_MAX_EPOCHS 8

/*
 * Read the keyring file. When it does not exist, the single master key file
 * legacy (and a rotation's "legacy.next") is migrated into it: its key the
 * first epoch, a new suppression key beside it, the legacy files removed
 * once the keyring is on disk. When neither exists: a new keyring if
 * create, else an error. 0, or -1 with a message (no key material) in err.
 */
int keyring_open(const char *file, const char *legacy, bool create, char *err,
                 size_t errlen) WARN_UNUSED;

/* Wipe every key and forget the file. */
void keyring_close(void);

/* Read the file again before the next use (another process changed it). Signal-safe. */
void keyring_reload_soon(void);

/*
 * Wrap owner's key under the current epoch: 0 with out and the epoch's id,
 * or -1.
 */
int keyring_wrap(const char *owner, const unsigned char key[SEAL_KEY_LEN],
                 unsigned char out[SEAL_WRAPPED_LEN], char epoch_id[KEYRING_ID_LEN + 1]);

/* Unwrap a row of owner wrapped under epoch_id: 0 with key, or -1 (unknown epoch, no opening). */
int keyring_unwrap(const char *owner, const char *epoch_id, const unsigned char *wrapped,
                   size_t len, unsigned char key[SEAL_KEY_LEN]);

/*
 * A rotation's step for one row: owner's key wrapped under from_id, wrapped
 * again under to_id into out. 0, or -1 when either epoch is not at hand.
 */
int keyring_rewrap(const char *owner, const char *from_id, const char *to_id,
                   const unsigned char *wrapped, size_t len, unsigned char out[SEAL_WRAPPED_LEN]);

/* The current epoch's id into id, and when it was made (seconds since 1970). */
time_t keyring_current(char id[KEYRING_ID_LEN + 1]);

/* Whether a rotation is under way (its epoch id into to, which may be NULL). */
bool keyring_rotating(char to[KEYRING_ID_LEN + 1]);

/* The ids of every epoch, oldest first (how many into *n). */
void keyring_epochs(char ids[KEYRING_MAX_EPOCHS][KEYRING_ID_LEN + 1], int *n);

/*
 * Begin a rotation: the file read again; when no rotation is under way, a
 * new epoch made current and marked rotating, and the file rewritten. 0
 * with the rotation's epoch id in to (*made: whether it is new), or -1
 * with a message in err. recruitctl only (one rotation at a time: the
 * caller holds the key database's rotation lock).
 */
int keyring_begin_rotation(char to[KEYRING_ID_LEN + 1], bool *made, char *err,
                           size_t errlen) WARN_UNUSED;

/*
 * End a rotation: the mark removed and every epoch older than the one
 * before the current destroyed (removed from the file, wiped here); their
 * ids into dropped (how many into *ndropped). 0, or -1 with a message.
 */
int keyring_end_rotation(char dropped[KEYRING_MAX_EPOCHS][KEYRING_ID_LEN + 1], int *ndropped,
                         char *err, size_t errlen) WARN_UNUSED;

/*
 * Blind-index hashes of msg: HMAC-SHA256 under the current epoch's index
 * key into out[0], and during a rotation under the previous epoch's into
 * out[1]; how many (1 or 2), with their epochs' ids in ids (may be NULL).
 */
int keyring_index_hashes(const void *msg, size_t len, unsigned char out[2][32],
                         char ids[2][KEYRING_ID_LEN + 1]);

/* HMAC-SHA256 of msg under the index key of the epoch named id: 0, or -1 when it is not known. */
int keyring_index_hash_of(const char *id, const void *msg, size_t len, unsigned char out[32]);

/* HMAC-SHA256 of msg under the suppression key (never rotates). */
void keyring_suppression_hash(const void *msg, size_t len, unsigned char out[32]);

/*
 * The suppression list's secret of before (SHA-256 over it and an address;
 * it lived in the main database's server_secrets), kept in the keyring so
 * that old entries are still found: true with it in out, false when none.
 */
bool keyring_legacy_suppression(unsigned char out[SEAL_KEY_LEN]);

/* Keep that secret in the keyring (recruitctl, once): 0, or -1 with a message in err. */
int keyring_keep_legacy_suppression(const unsigned char secret[SEAL_KEY_LEN], char *err,
                                    size_t errlen) WARN_UNUSED;

/* HMAC-SHA256 of msg under the current epoch's rate-limit key. */
void keyring_rate_hash(const void *msg, size_t len, unsigned char out[32]);

#endif
