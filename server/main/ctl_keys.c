/*
 * recruitctl's keys commands: init, rotate (and rotate-master), reindex and
 * seal-existing. See man/recruitctl.1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/config.h"
#include "store/applicants.h"
#include "store/applications.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/employees.h"
#include "store/evaluations.h"
#include "store/privacy.h"
#include "store/rotation.h"
#include "store/vault.h"

#include "ctl.h"

int
cmd_keys_init(struct ctx *c)
{
	char err[256];

	if (c->argc != 0) {
		fprintf(stderr, "usage: recruitctl keys init\n");
		return 2;
	}
	if (vault_init_keyring(c->cfg.keyring_file, c->cfg.master_key_file, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return 1;
	}
	return 0;
}

/*
 * The value of the flag name, a whole number from lo to hi, into out (def
 * when the flag is not given): 0, or -1 with what it takes on stderr.
 */
static int
number_flag(struct ctx *c, const char *name, long lo, long hi, long def, long *out)
{
	const char *v = flag(c, name);
	unsigned long long n;

	*out = def;
	if (v == NULL)
		return 0;
	if (config_parse_uint(v, (unsigned long long)lo, (unsigned long long)hi, &n) == 0) {
		*out = (long)n;
		return 0;
	}
	fprintf(stderr, "recruitctl: %s takes a whole number from %ld to %ld\n", name, lo, hi);
	return -1;
}

/* --batch: 1 to 100000 keys or rows a transaction. */
static int
batch_flag(struct ctx *c, long def, long *batch)
{
	return number_flag(c, "--batch", 1, 100000, def, batch);
}

int
cmd_keys_rotate(struct ctx *c)
{
	long batch, pace;

	if (batch_flag(c, 1000, &batch) != 0 ||
	    number_flag(c, "--pace", 0, 1000, 300, &pace) != 0 || c->argc % 2 != 0 || c->argc > 4) {
		fprintf(stderr, "usage: recruitctl keys rotate [--batch N] [--pace PERCENT]\n");
		return 2;
	}
	vault_rotation_pace((unsigned)pace);
	vault_or_die(c);
	struct db *db = connect_or_die(c);
	int rc = rotation_run(db, (unsigned)batch, stderr);
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}

int
cmd_keys_reindex(struct ctx *c)
{
	long batch;

	if (batch_flag(c, 1000, &batch) != 0 || (c->argc != 0 && c->argc != 2)) {
		fprintf(stderr, "usage: recruitctl keys reindex [--batch N]\n");
		return 2;
	}
	vault_or_die(c);
	struct db *db = connect_or_die(c);
	int rc = rotation_reindex(db, (unsigned)batch, stderr);
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}

/*
 * Seal what was stored before the data keys, batch by batch, each batch a
 * transaction of its own that skips rows a request holds: safe with the API
 * up, and killed midway, run again it goes on. --max-batches stops early
 * (for tests of just that).
 */
int
cmd_keys_seal(struct ctx *c)
{
	static const struct {
		const char *what;
		int (*batch)(struct db *, int, long *);
	} passes[] = {{"applicants", applicants_seal_batch},
	              {"applicants' free text", applicants_seal_free_text_batch},
	              {"documents", documents_seal_batch},
	              {"document names", documents_seal_names_batch},
	              {"evaluations", evaluations_seal_batch},
	              {"stage reasons", applications_seal_reasons_batch},
	              {"employees' address hashes", employees_wrap_contacts_batch}};
	long batch, max, batches = 0;
	int rc = 0;

	if (batch_flag(c, 200, &batch) != 0 ||
	    number_flag(c, "--max-batches", 1, 1000000000, -1, &max) != 0 || c->argc % 2 != 0 ||
	    c->argc > 4) {
		fprintf(stderr,
		        "usage: recruitctl keys seal-existing [--batch N] [--max-batches N]\n");
		return 2;
	}
	vault_or_die(c);
	struct db *db = connect_or_die(c);
	for (size_t p = 0; rc == 0 && p < sizeof(passes) / sizeof(passes[0]); p++) {
		long total = 0, n = 1;
		long long t0 = clock_ms();
		while (rc == 0 && n > 0 && (max < 0 || batches < max)) {
			if ((rc = passes[p].batch(db, (int)batch, &n)) == 0 && n > 0) {
				total += n;
				batches++;
			}
		}
		fprintf(stderr, "%s: %ld sealed in %.1f s%s\n", passes[p].what, total,
		        (double)(clock_ms() - t0) / 1000,
		        rc != 0 ? " (then the database failed)" : "");
	}
	/* what the main database kept of the keys' secrets, and indexes of before the epochs */
	char err[256];
	if (rc == 0 && max < 0 && privacy_move_suppression_secret(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		rc = -1;
	}
	if (rc == 0 && max < 0)
		rc = rotation_reindex(db, (unsigned)batch, stderr);
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}
