/*
 * blind (private to store/): the keys of the hashes that let the store find
 * an address or a name without decrypting (vault.h's vault_index_sets,
 * vault_index_hash_of), of the rate limits and of the suppression list
 * (vault_rate_hash, vault_suppression_hash). The blind indexes are keyed by
 * the keyring epoch's index key (store/keyring.h), so that they rotate with
 * the epochs; rows written before the epochs are under the index key of
 * before, a row of the key database named "index", loaded (never made)
 * when first needed and destroyed once every row is indexed anew
 * (applicants_reindex_batch). Thread-safe.
 */
#ifndef RECRUITD_STORE_BLIND_H
#define RECRUITD_STORE_BLIND_H

#include "core/xalloc.h"

/* The id the index key of before goes by in vault_index_sets (no epoch's id is this). */
#define BLIND_LEGACY "legacy"

/* Forget the index key of before: the next use asks the key database again. */
void blind_forget(void);

#endif
