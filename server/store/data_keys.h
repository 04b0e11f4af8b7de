/*
 * data_keys (private to store/): the key database's table of wrapped data
 * keys, one row per owner (an applicant's id, or "index" for the index
 * key, store/blind.c), and the pool of connections to it. The public part
 * is vault.h's: vault_key, vault_keys, vault_fresh, vault_key_or_new,
 * vault_keys_or_new, vault_destroy, vault_warm, vault_watch_start and
 * vault_watch_stop. data_keys_open is called once, before any thread; the
 * rest is thread-safe.
 */
#ifndef RECRUITD_STORE_DATA_KEYS_H
#define RECRUITD_STORE_DATA_KEYS_H

#include <stddef.h>

#include "core/buf.h"
#include "core/seal.h"
#include "core/xalloc.h"

struct db;

/* Called when another process destroys the index key of before (store/blind.c's forget). */
extern void (*data_keys_index_destroyed)(void);

/* Connect pool_size connections to keys_url (lazily) and make a cache for cache_keys keys. */
void data_keys_open(const char *keys_url, unsigned pool_size, size_t cache_keys);

/* Close the connections and wipe the cache. */
void data_keys_close(void);

/* Whether the key database answers: 0 or -1. */
int data_keys_ping(void) WARN_UNUSED;

/*
 * Wrap again, batch by batch (each committed on its own), every key not
 * under master to_id (store/keyring.h's keyring_rewrap); *done counts them.
 * 0, or -1 (a reason on stderr when a key's master is not at hand).
 */
int data_keys_rewrap(const char *to_id, unsigned batch, long *done) WARN_UNUSED;

/* A connection to the key database from the pool (NULL: none within 5 s), and back. */
struct db *data_keys_acquire(void);
void data_keys_release(struct db *db);

/*
 * Keys on their way to the key table, as three array literals (ids,
 * wrapped keys, epochs) built one key at a time for one statement.
 */
struct new_keys {
	struct buf owners, wrapped, masters;
	size_t n;
	int failed; /* an element could not be added */
};
void new_keys_init(struct new_keys *nk);
void new_keys_fini(struct new_keys *nk);
/* Add owner's key, wrapped under the epoch master. */
void new_keys_push(struct new_keys *nk, const char *owner, const unsigned char w[SEAL_WRAPPED_LEN],
                   const char *master);

#endif
