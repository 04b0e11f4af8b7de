/*
 * blind (private to store/): the index key, the one key of the key database
 * that is no applicant's (its owner is "index"), which keys the hashes that
 * let the store find an address or a name without decrypting (vault.h's
 * vault_hash). Made once by whichever process comes first, loaded when
 * first needed. Thread-safe.
 */
#ifndef RECRUITD_STORE_BLIND_H
#define RECRUITD_STORE_BLIND_H

#include "core/xalloc.h"

/* The index key at hand (loaded, or made, now if need be): 0, or -1 when the key database cannot
 * give it yet. */
int blind_ready(void) WARN_UNUSED;

/* Wipe the index key: the next blind_ready loads it again. */
void blind_forget(void);

#endif
