/*
 * rotation_slot: the scheduler's key rotation. See rotation_slot.h. The
 * rotation is store/rotation.h's (issue 26): run when rotation_due says
 * the epoch is old enough (or one was left under way), resumable, one at a
 * time across instances (its own lock in the key database, besides the
 * scheduler's lease).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/rotation_slot.h"
#include "store/rotation.h"

#define BATCH 1000

int
rotation_slot_run(struct db *db, unsigned epoch_hours, char *detail, size_t len)
{
	char *said = NULL;
	size_t n = 0;

	if (!rotation_due(epoch_hours)) {
		snprintf(detail, len, "not due");
		return 0;
	}
	FILE *out = open_memstream(&said, &n);
	int r = out == NULL ? -1 : rotation_run(db, BATCH, out);
	if (out != NULL)
		fclose(out);
	/* its last line: how it ended (epoch ids and counts only) */
	char *last = said;
	for (char *p = said; p && *p; p++)
		if (*p == '\n' && p[1] != '\0')
			last = p + 1;
	if (last != NULL)
		last[strcspn(last, "\n")] = '\0';
	snprintf(detail, len, "%s",
	         r < 0   ? "cut short: it goes on at the next run"
	         : r > 0 ? "another instance rotates"
	         : last  ? last
	                 : "rotated");
	free(said);
	return r < 0 ? -1 : 0;
}

bool
rotation_slot_is_wired(void)
{
	return true;
}
