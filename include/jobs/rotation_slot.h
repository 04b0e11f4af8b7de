/*
 * rotation_slot: the scheduler's key rotation (DESIGN "Scheduler and
 * notifications": key rotation every RECRUITD_KEY_EPOCH_HOURS), the one
 * place the scheduler's "key_rotation" job (jobs/duties.c) calls: the
 * keyring's rotation of issue 26 (store/rotation.h's rotation_due and
 * rotation_run).
 */
#ifndef RECRUITD_JOBS_ROTATION_SLOT_H
#define RECRUITD_JOBS_ROTATION_SLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;

/*
 * Rotate the keyring when its epoch is epoch_hours old (or a rotation was
 * left under way), on db (outside any transaction). detail (len bytes)
 * says what it did, never personal data. 0 when done or not due (another
 * instance rotating counts as done), -1 when it failed (the scheduler
 * tries again).
 */
int rotation_slot_run(struct db *db, unsigned epoch_hours, char *detail, size_t len) WARN_UNUSED;

/* Whether this build rotates keys at all (false: a build without the keyring's rotation). */
bool rotation_slot_is_wired(void);

#endif
