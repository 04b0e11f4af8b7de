/*
 * vault: the per-applicant data keys (DESIGN "Per-applicant data keys").
 *
 * Each applicant has a random 256-bit data key. It is stored wrapped under
 * the current epoch of the keyring (RECRUITD_KEYRING_FILE, store/keyring.h)
 * in the key database
 * (RECRUITD_KEYS_DATABASE_URL), apart from the data, so that destroying one
 * row there makes every copy of the applicant's sealed values unreadable:
 * in the main database, its WAL, its replicas and its backups. One more key
 * of the same kind, the index key, keys the hashes that let the store find
 * an address or a name without decrypting (vault_hash).
 *
 * Unwrapped keys are kept in a bounded cache (store/keycache.c: sharded,
 * one mutex per shard, so the request path takes no global lock; 4-way
 * sets, so the keys of the records in use stay); vault_destroy drops them,
 * and a lookup already under way when a key is destroyed does not put it
 * back (each shard counts its drops). Other processes hear of a destruction
 * through the key database's NOTIFY (vault_watch_start) and drop the key at
 * once; one whose listening connection was lost forgets its whole cache when
 * it reconnects.
 *
 * This header is the API of the vault's files, each one concern (vault.c
 * lists them): the keyring's epochs (keyring.c), the key database's table of
 * data keys and their cache (data_keys.c), the index key's hashes
 * (blind.c), sealed values (sealing.c).
 *
 * vault_open is called once, before any thread; everything else is
 * thread-safe.
 */
#ifndef RECRUITD_STORE_VAULT_H
#define RECRUITD_STORE_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/seal.h"
#include "core/xalloc.h"

struct db;

/*
 * Read the keyring (keyring_file; when it does not exist yet, the single
 * master key file legacy_master is migrated into it: store/keyring.h),
 * connect pool_size connections to the key database, make a cache for
 * cache_keys unwrapped keys (56 bytes each) and load (creating on first
 * use) the index key; a key database that is down only delays that. 0, or
 * -1 with a message (no key material) in err.
 */
int vault_open(const char *keyring_file, const char *legacy_master, const char *keys_url,
               unsigned pool_size, size_t cache_keys, char *err, size_t errlen) WARN_UNUSED;
void vault_close(void);

/*
 * Make the keyring file (mode 0600) when it does not exist: the single
 * master key file legacy (may be NULL) migrated into it when there is one,
 * else a first epoch of 32 random bytes. 0 (made or already there), or -1
 * with a message in err.
 */
int vault_init_keyring(const char *keyring_file, const char *legacy, char *err,
                       size_t errlen) WARN_UNUSED;

/* Apply the key database's migrations (dir) to keys_url. 0 or -1. */
int vault_migrate(const char *keys_url, const char *dir) WARN_UNUSED;

/*
 * The key named id (a UUID's text; for a record from before the key ids,
 * the applicant's data key has the applicant's id): 0 with key, 1 when
 * there is none (destroyed, or never made), -1 when the key database cannot
 * answer.
 */
int vault_key(const char *id, unsigned char key[SEAL_KEY_LEN]) WARN_UNUSED;

/*
 * The keys of n applicants at once (one round trip for those not cached):
 * found[i] tells whether keys[i] holds id i's key. 0, or -1 when the key
 * database cannot answer.
 */
int vault_keys(const char *const *ids, size_t n, unsigned char (*keys)[SEAL_KEY_LEN],
               bool *found) WARN_UNUSED;

/*
 * A new key and its id (a UUID's text), stored before they are returned
 * (made ahead, a few at a time per thread: it costs no round trip to the
 * key database but one in sixteen). Every value whose purpose can end on
 * its own takes one: an applicant's record key and history key, a
 * document's, an export package's, a pending submission's, an e-mail
 * change's (DESIGN "A key for every value whose purpose can end on its
 * own"). 0 or -1.
 */
int vault_fresh(char id[37], unsigned char key[SEAL_KEY_LEN]) WARN_UNUSED;

/* The key of id, made now when it has none (a record from before the keys). 0 or -1. */
int vault_key_or_new(const char *id, unsigned char key[SEAL_KEY_LEN]) WARN_UNUSED;

/* vault_key_or_new for n applicants at once (two round trips for all that have none). */
int vault_keys_or_new(const char *const *ids, size_t n,
                      unsigned char (*keys)[SEAL_KEY_LEN]) WARN_UNUSED;

/* Destroy the n keys named ids (and forget them here). 0, or -1 (nothing certain). */
int vault_destroy(const char *const *ids, size_t n) WARN_UNUSED;

/*
 * The blind indexes (applicants.email_hash, search_grams) are HMAC-SHA256
 * under an index key: the current epoch's for every row written (its id
 * recorded beside the hashes), and while another set may still be on
 * record, that one too for lookups: during a rotation, the previous
 * epoch's; before every row of before the epochs is indexed anew, the index
 * key of before ("legacy"). vault_index_sets: the ids of the sets to hash
 * under, the current first: how many (1 or 2), or -1 when the key database
 * cannot tell whether the key of before is there.
 */
#define VAULT_INDEX_ID_LEN 17
int vault_index_sets(char ids[2][VAULT_INDEX_ID_LEN]) WARN_UNUSED;

/* HMAC-SHA256 of msg under the index key of set id: 0, or -1 when it is not at hand. */
int vault_index_hash_of(const char *id, const void *msg, size_t len,
                        unsigned char out[32]) WARN_UNUSED;

/* HMAC-SHA256 of msg under the current epoch's rate-limit key, as 64 hex digits. */
void vault_rate_hash(const char *msg, char out[65]);

/* HMAC-SHA256 of msg under the keyring's suppression key (it never rotates), as 64 hex digits. */
void vault_suppression_hash(const char *msg, char out[65]);

/*
 * The suppression list's secret of before (it lived in the main database's
 * server_secrets; old entries are SHA-256 over it and an address): true
 * with it in out. vault_keep_legacy_suppression moves it into the keyring
 * (recruitctl): 0, or -1 with a message.
 */
bool vault_legacy_suppression(unsigned char out[32]);
int vault_keep_legacy_suppression(const unsigned char secret[32], char *err,
                                  size_t errlen) WARN_UNUSED;

/*
 * Destroy the index key of before, once no row is indexed under it
 * (applicants_reindex_batch has rebuilt them all): 0 or -1.
 */
int vault_destroy_legacy_index(void) WARN_UNUSED;

/*
 * A value sealed under key, bound to the applicant id and the field, as the
 * text of a bytea parameter ("\x" and hex digits). NULL when plain is NULL.
 * A new string, or NULL with *failed set when the cipher failed.
 */
char *vault_seal_text(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                      const char *plain, bool *failed);

/*
 * Open a sealed value given as bytea text ("\x..."): a new NUL-terminated
 * string, or NULL when it does not open (another key, id or field, or
 * changed).
 */
char *vault_open_text(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                      const char *hex);

/* Seal / open raw bytes under key with the ad "id/field". See seal_value. */
unsigned char *vault_seal(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                          const void *plain, size_t len, size_t *out_len) WARN_UNUSED;
unsigned char *vault_unseal(const unsigned char key[SEAL_KEY_LEN], const char *id,
                            const char *field, const void *in, size_t len,
                            size_t *out_len) WARN_UNUSED;

/*
 * Large values (documents, export packages) are sealed in segments of
 * VAULT_SEGMENT bytes, each bound to the id, the field and its place (the
 * last one marked), so a slice can be read without the rest and none can be
 * dropped, repeated or moved. vault_segments_len: the sealed length of len
 * plain bytes.
 */
#define VAULT_SEGMENT 65536
size_t vault_segments_len(size_t len);
unsigned char *vault_seal_segments(const unsigned char key[SEAL_KEY_LEN], const char *id,
                                   const char *field, const void *plain, size_t len,
                                   size_t *out_len) WARN_UNUSED;
/*
 * Open the whole segments in (in_len bytes, starting with segment number
 * first) of a value of plain_len bytes into out (room for
 * in_len bytes): 0 with *out_len, or -1 when any does not open.
 */
int vault_open_segments(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                        size_t plain_len, size_t first, const unsigned char *in, size_t in_len,
                        unsigned char *out, size_t *out_len) WARN_UNUSED;

/*
 * A step of a rotation run between re-wrapping the keys and destroying the
 * old epochs (rebuilding the blind indexes under the new epoch): fn(arg,
 * batch, progress) answers 0 or -1.
 */
struct vault_rotation_step {
	int (*fn)(void *arg, unsigned batch, FILE *progress);
	void *arg;
};

/*
 * Rotate the keyring's epochs (DESIGN "Key epochs"): make a new epoch
 * (unless a rotation was left under way: then go on with it), re-wrap
 * every data key under it in batches of batch, each committed on its own,
 * run step (may be NULL), then destroy every epoch older than the previous
 * one. Every process is told at each change of the keyring (NOTIFY
 * recruitd_keyring). Killed midway, running it again goes on where it
 * stopped. One rotation at a time (a lock in the key database). Progress
 * lines go to out. 0, 1 when another rotation holds the lock, or -1.
 */
int vault_rotate(unsigned batch, const struct vault_rotation_step *step, FILE *out) WARN_UNUSED;

/*
 * A rotation's pace: after each batch (keys re-wrapped, records indexed) it
 * pauses for percent/100 of the time the batch took, so that the API's
 * reads beside it keep their latency (default 100: about half of the
 * machine's time; 0 for a maintenance window). vault_rotation_pause is that
 * pause, for a batch begun at since (core/clock.h's clock_ms).
 */
void vault_rotation_pace(unsigned percent);
void vault_rotation_pause(long long since);

/*
 * Whether a rotation is due: the current epoch is hours old or more, or a
 * rotation was left under way. What the scheduler asks every so often
 * before calling vault_rotate (RECRUITD_KEY_EPOCH_HOURS).
 */
bool vault_rotation_due(unsigned hours);

/*
 * Fill the cache with the limit newest keys, read page at a time (the
 * start-up peak is the cache and one page's result, not every key's at
 * once): how many, or -1. recruitd does it on a thread of its own at
 * start, so reads do not each wait on the key database the first time.
 */
long vault_warm(size_t limit, size_t page);

/*
 * Tests only (NULL otherwise): called by vault_keys between reading keys
 * from the key database and keeping them in the cache, with the ids it
 * read, so a test can destroy one there.
 */
extern void (*vault_test_between_fetch_and_cache)(const char *const *ids, size_t n);

/* Whether the key database answers: 0 or -1. */
int vault_ping(void) WARN_UNUSED;

/* The current epoch's id (16 hex digits; the thread's own copy), for recruitctl. */
const char *vault_epoch_id(void);

/*
 * Hear of keys other processes destroy (NOTIFY recruitd_data_keys from the
 * key database, db/keys/0002) and drop them from this process's cache at
 * once; after a lost connection, the whole cache. Hear of a rotation's
 * changes to the keyring (NOTIFY recruitd_keyring) and read the keyring
 * file again before the next use. recruitd calls it after
 * vault_open; vault_watch_stop before vault_close.
 */
void vault_watch_start(const char *keys_url);
void vault_watch_stop(void);

#endif
