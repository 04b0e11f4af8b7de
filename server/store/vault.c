/*
 * vault: per-applicant data keys, as a whole. See vault.h. The vault's
 * files, each one concern, share vault.h as their API:
 *   vault.c      opening and closing it all, the health check, the key
 *                database's migrations, rotating the epochs;
 *   keyring.c    the keyring file: epochs and the keys derived from them
 *                (keyring.h);
 *   data_keys.c  the key database's table of wrapped data keys and the cache
 *                of unwrapped ones (data_keys.h, keycache.h);
 *   blind.c      the hashes under the index keys (blind.h);
 *   sealing.c    values sealed under a data key, whole or in segments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/vault.h"

#include "blind.h"
#include "data_keys.h"
#include "keyring.h"

static char *keys_url; /* for the rotation's own connection */

int
vault_open(const char *keyring_file, const char *legacy_master, const char *url, unsigned pool_size,
           size_t cache_keys, char *err, size_t errlen)
{
	if (keyring_open(keyring_file, legacy_master, false, err, errlen) != 0)
		return -1;
	keys_url = xstrdup(url);
	data_keys_index_destroyed = blind_forget;
	data_keys_open(url, pool_size, cache_keys);
	return 0;
}

void
vault_close(void)
{
	data_keys_close();
	keyring_close();
	blind_forget();
	free(keys_url);
	keys_url = NULL;
}

int
vault_ping(void)
{
	return data_keys_ping();
}

int
vault_destroy_legacy_index(void)
{
	const char *id = "index";
	int rc = vault_destroy(&id, 1);

	blind_forget();
	return rc;
}

int
vault_migrate(const char *url, const char *dir)
{
	struct db *db = db_connect(url);
	int rc;

	if (db == NULL)
		return -1;
	rc = migrate_run(db, dir, stderr);
	db_close(db);
	return rc;
}

/* ------------------------------------------------------------------ */
/* rotation                                                             */

static struct db_stmt take_lock =
    DB_STMT("SELECT pg_try_advisory_lock(hashtext('recruitd keyring rotation'))::int");
static struct db_stmt announce = DB_STMT("SELECT pg_notify('recruitd_keyring', $1)");
static struct db_stmt not_current = DB_STMT("SELECT count(*) FROM data_keys WHERE master <> $1");

/* Tell every process to read the keyring file again (NOTIFY recruitd_keyring). */
static void
announce_change(struct db *db, const char *epoch)
{
	const char *params[1] = {epoch};

	if (db_do(db, &announce, 1, params) != 0)
		log_msg(LOG_WARN, "keyring",
		        "the change cannot be announced; "
		        "processes see it within a second anyway");
}

bool
vault_rotation_due(unsigned hours)
{
	return keyring_rotating(NULL) ||
	       (long long)time(NULL) - (long long)keyring_current(NULL) >= 3600LL * hours;
}

/* The rotation's steps, with the lock held on db. 0 or -1. */
static int
rotate_locked(struct db *db, unsigned batch, const struct vault_rotation_step *step, FILE *f)
{
	char to[KEYRING_ID_LEN + 1], err[256], dropped[KEYRING_MAX_EPOCHS][KEYRING_ID_LEN + 1];
	bool made;
	long done = 0, left = -1;
	int ndropped;

	if (keyring_begin_rotation(to, &made, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return -1;
	}
	announce_change(db, to);
	fprintf(f, "%s epoch %s\n", made ? "rotating to a new" : "going on with the rotation to",
	        to);
	if (made)
		sleep(2); /* every process has looked at the file by now: new keys wrap under it */
	if (data_keys_rewrap(to, batch, &done) != 0)
		return -1;
	fprintf(f, "%ld keys re-wrapped under epoch %s\n", done, to);
	if (step != NULL && step->fn(step->arg, batch, f) != 0)
		return -1;
	/* a process that read the file just before the epoch appeared may have wrapped under the
	 * one before: sweep again, then nothing may be left under an older epoch */
	if (data_keys_rewrap(to, batch, &done) != 0)
		return -1;
	const char *params[1] = {to};
	if (db_count(db, &not_current, 1, params, &left) != 0 || left != 0) {
		fprintf(stderr, "recruitctl: %ld keys are not under epoch %s yet; run it again\n",
		        left, to);
		return -1;
	}
	if (keyring_end_rotation(dropped, &ndropped, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return -1;
	}
	announce_change(db, to);
	for (int i = 0; i < ndropped; i++)
		fprintf(f, "epoch %s destroyed\n", dropped[i]);
	fprintf(f, "rotation to epoch %s done\n", to);
	return 0;
}

int
vault_rotate(unsigned batch, const struct vault_rotation_step *step, FILE *f)
{
	struct db *db = db_connect(keys_url);
	long got = 0;
	int rc;

	if (db == NULL)
		return -1;
	if (db_count(db, &take_lock, 0, NULL, &got) != 0) {
		db_close(db);
		return -1;
	}
	if (got != 1) {
		fprintf(f, "another rotation is under way\n");
		db_close(db);
		return 1;
	}
	rc = rotate_locked(db, batch, step, f);
	db_close(db); /* and with it the lock */
	return rc;
}
