/*
 * rotation: the keys and the blind indexes rotated together. See
 * rotation.h.
 */
#include <string.h>

#include "core/clock.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/rotation.h"
#include "store/vault.h"

#include "blind.h"

/* Passes over the table before giving up on rows held by requests (run it again then). */
#define PASSES 5

/* Whether records of before the epochs may remain (the index key of before is there). */
static int
legacy_present(void)
{
	char ids[2][VAULT_INDEX_ID_LEN];
	int n = vault_index_sets(ids);

	if (n < 0)
		return -1;
	return n == 2 && strcmp(ids[1], BLIND_LEGACY) == 0;
}

int
rotation_reindex(struct db *db, unsigned batch, FILE *out)
{
	long total = 0, left = 1;
	int legacy = legacy_present();

	if (legacy < 0)
		return -1;
	for (int pass = 0; pass < PASSES && left > 0; pass++) {
		char after[37] = "";
		bool end = false;
		while (!end) {
			long done;
			long long t0 = clock_ms();
			if (applicants_reindex_batch(db, (int)batch, after, &done, &end) != 0)
				return -1;
			total += done;
			vault_rotation_pause(t0);
		}
		if (applicants_unindexed(db, &left) != 0)
			return -1;
	}
	fprintf(out, "%ld records indexed under the current epoch", total);
	if (left > 0) {
		fprintf(out, "; %ld held by requests meanwhile: run it again\n", left);
		return -1;
	}
	if (legacy && vault_destroy_legacy_index() != 0) {
		fprintf(out, "; the index key of before cannot be destroyed yet: run it again\n");
		return -1;
	}
	fprintf(out, "%s\n", legacy ? "; the index key of before is destroyed" : "");
	return 0;
}

struct step {
	struct db *db;
};

static int
reindex_step(void *arg, unsigned batch, FILE *out)
{
	struct step *s = arg;

	return rotation_reindex(s->db, batch, out);
}

int
rotation_run(struct db *db, unsigned batch, FILE *out)
{
	struct step s = {db};
	struct vault_rotation_step step = {reindex_step, &s};
	int legacy = legacy_present();

	if (legacy < 0 || (legacy && rotation_reindex(db, batch, out) != 0))
		return -1;
	return vault_rotate(batch, &step, out);
}

bool
rotation_due(unsigned hours)
{
	return vault_rotation_due(hours);
}
