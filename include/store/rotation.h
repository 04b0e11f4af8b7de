/*
 * rotation: the keyring's rotation as a whole (DESIGN "Key epochs", "Blind
 * indexes rotate too"), for `recruitctl keys rotate` and the scheduler:
 * the keys re-wrapped (store/vault.h's vault_rotate) and every record's
 * blind indexes rebuilt under the new epoch's index key before the epoch
 * before the previous one is destroyed. Also the rebuild alone, for a main
 * database restored from a backup (`recruitctl keys reindex`), and for
 * records indexed before the epochs (`recruitctl keys seal-existing`).
 * One caller at a time per process; the rotation itself takes a lock in
 * the key database.
 */
#ifndef RECRUITD_STORE_ROTATION_H
#define RECRUITD_STORE_ROTATION_H

#include <stdbool.h>
#include <stdio.h>

#include "core/xalloc.h"

struct db;

/*
 * Rebuild the blind indexes of every record not indexed under the current
 * epoch, in batches of batch (each a transaction; rows a request holds are
 * taken on the next pass), then destroy the index key of before the epochs
 * if it was there. Progress lines go to out. 0, or -1 (run it again).
 */
int rotation_reindex(struct db *db, unsigned batch, FILE *out) WARN_UNUSED;

/*
 * Rotate: records indexed before the epochs indexed anew first (so that a
 * lookup during the rotation needs two sets at most), then vault_rotate
 * with the rebuild as its step. 0, 1 when another rotation holds the lock,
 * or -1 (run it again: it goes on).
 */
int rotation_run(struct db *db, unsigned batch, FILE *out) WARN_UNUSED;

/* Whether a rotation is due (every hours hours, or one left under way). */
bool rotation_due(unsigned hours);

#endif
