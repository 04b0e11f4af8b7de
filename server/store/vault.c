/*
 * vault: per-applicant data keys, as a whole. See vault.h. The vault's
 * files, each one concern, share vault.h as their API:
 *   vault.c      opening and closing it all, the health check, the key
 *                database's migrations, rotating the master key;
 *   keyring.c    the master keys, read from their files (keyring.h);
 *   data_keys.c  the key database's table of wrapped data keys and the cache
 *                of unwrapped ones (data_keys.h, keycache.h);
 *   blind.c      the index key and the hashes under it (blind.h);
 *   sealing.c    values sealed under a data key, whole or in segments.
 */
#include <stdio.h>
#include <unistd.h>

#include "core/log.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/vault.h"

#include "blind.h"
#include "data_keys.h"
#include "keyring.h"

int
vault_open(const char *master_file, const char *keys_url, unsigned pool_size, size_t cache_keys,
           char *err, size_t errlen)
{
	if (keyring_open(master_file, err, errlen) != 0)
		return -1;
	data_keys_open(keys_url, pool_size, cache_keys);
	if (blind_ready() != 0)
		log_msg(
		    LOG_WARN, "key database",
		    "the index key cannot be read yet (is the key database up and migrated, and "
		    "does the master key match it?); requests that need it get 503 until it can");
	return 0;
}

void
vault_close(void)
{
	data_keys_close();
	keyring_close();
	blind_forget();
}

int
vault_ping(void)
{
	return blind_ready() != 0 ? -1 : data_keys_ping();
}

int
vault_migrate(const char *keys_url, const char *dir)
{
	struct db *db = db_connect(keys_url);
	int rc;

	if (db == NULL)
		return -1;
	rc = migrate_run(db, dir, stderr);
	db_close(db);
	return rc;
}

int
vault_rotate_master(unsigned batch, FILE *f)
{
	char err[256], to[KEYRING_ID_LEN + 1];
	long done = 0;
	int rc;

	if (keyring_next(to, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return -1;
	}
	fprintf(f, "re-wrapping every data key under master key %s\n", to);
	rc = data_keys_rewrap(to, batch, &done);
	if (rc == 0 && keyring_promote(err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		rc = -1;
	}
	if (rc == 0) {
		/* A process that read the files just before the next key appeared may have
		 * wrapped a key under the old one since: give it a moment, and sweep again. */
		sleep(1);
		rc = data_keys_rewrap(to, batch, &done);
	}
	fprintf(f, "%ld data keys re-wrapped%s\n", done,
	        rc == 0 ? "; the master key file now holds the new key" : "");
	return rc;
}
