/*
 * keycache: the unwrapped data keys a process keeps (vault.c's cache),
 * private to store/. Sharded, one mutex per shard, so the request path
 * takes no global lock; 4-way sets, so the keys of the records in use stay.
 *
 * A key destroyed must never come back: a lookup that read a key from the
 * key database just before its destruction would otherwise put it in the
 * cache just after. So each shard counts its drops (a generation), a lookup
 * marks the generations before it reads, and a put under an older mark than
 * its shard's is refused. A destruction drops its keys again once the key
 * database has deleted them, so any read that could still see them marked
 * before that drop.
 *
 * keycache_open is called before any thread; the rest is thread-safe.
 */
#ifndef RECRUITD_STORE_KEYCACHE_H
#define RECRUITD_STORE_KEYCACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/seal.h"

#define KEYCACHE_SHARDS 64

/* The shards' generations at one moment (keycache_mark). */
struct keycache_mark {
	unsigned long gen[KEYCACHE_SHARDS];
};

/* Make room for about keys keys (56 bytes each). */
void keycache_open(size_t keys);
/* Wipe and free every key. */
void keycache_close(void);

/* The key of id (a UUID's text) into key: true when it is kept here. */
bool keycache_get(const char *id, unsigned char key[SEAL_KEY_LEN]);

/* Mark the generations now, before reading keys that are to be kept. */
void keycache_mark(struct keycache_mark *m);

/*
 * Keep id's key, read after mark m, unless a key of its shard has been
 * dropped since m (it may have been this one, destroyed meanwhile).
 */
void keycache_put(const char *id, const unsigned char key[SEAL_KEY_LEN],
                  const struct keycache_mark *m);

/* Forget id's key (wiped), and refuse puts marked before now in its shard. */
void keycache_drop(const char *id);

/* Forget every key, and refuse every put marked before now. */
void keycache_clear(void);

#endif
