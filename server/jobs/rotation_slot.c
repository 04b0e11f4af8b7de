/*
 * rotation_slot: the scheduler's key rotation. See rotation_slot.h.
 *
 * A STUB until issue 26's keyring lands. To wire it (store/rotation.h):
 *
 *	if (!rotation_due(epoch_hours)) { snprintf(detail, len, "not due"); return 0; }
 *	switch (rotation_run(db, 1000, progress)) {   // progress: a FILE * to /dev/null
 *	case 0:  snprintf(detail, len, "rotated"); return 0;
 *	case 1:  snprintf(detail, len, "another instance rotates"); return 0;
 *	default: snprintf(detail, len, "rotation stopped; it goes on next time"); return -1;
 *	}
 *
 * and make rotation_slot_is_wired answer true.
 */
#include <stdio.h>

#include "jobs/rotation_slot.h"

int
rotation_slot_run(struct db *db, unsigned epoch_hours, char *detail, size_t len)
{
	(void)db;
	(void)epoch_hours;
	snprintf(detail, len, "no keyring rotation in this build");
	return 0;
}

bool
rotation_slot_is_wired(void)
{
	return false;
}
