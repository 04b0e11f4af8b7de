/*
 * data_keys: the wrapped data keys in the key database, and the cache of
 * unwrapped ones (store/keycache.h). See data_keys.h and vault.h. A key is
 * made ahead for new applicants, fetched in one round trip for many, and
 * destroyed with the key database's row, never to come back from a cache:
 * this process's (keycache's generations) or another's (the notices
 * vault_watch_start hears).
 */
#include <openssl/crypto.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/digest.h"
#include "core/log.h"
#include "store/db.h"
#include "store/listen.h"
#include "store/pool.h"
#include "store/vault.h"

#include "data_keys.h"
#include "keycache.h"
#include "keyring.h"
#include "sealing.h"

#define WAIT_MS 5000

static struct {
	struct pool *pool;
	struct listener *watcher; /* hears of keys destroyed by other processes */
	struct listener *ring;    /* hears of a rotation's changes to the keyring file */
	atomic_bool heard_before; /* listening has started once: a restart may have missed some */
} D;

void (*vault_test_between_fetch_and_cache)(const char *const *ids, size_t n);
void (*data_keys_index_destroyed)(void);

void
data_keys_open(const char *keys_url, unsigned pool_size, size_t cache_keys)
{
	keycache_open(cache_keys);
	D.pool = pool_create(keys_url, pool_size);
}

void
data_keys_close(void)
{
	pool_free(D.pool);
	D.pool = NULL;
	keycache_close();
}

static struct db_stmt ping = DB_STMT("SELECT 1");

int
data_keys_ping(void)
{
	struct db *db;
	int rc;

	if ((db = pool_acquire(D.pool, WAIT_MS)) == NULL)
		return -1;
	rc = db_do(db, &ping, 0, NULL);
	pool_release(D.pool, db);
	return rc;
}

/* ------------------------------------------------------------------ */
/* what other processes destroy                                         */

/* Keys destroyed by another process (ids, comma-separated): out of this one's cache too. */
static void
destroyed_elsewhere(const char *payload, void *arg)
{
	char id[37];

	(void)arg;
	for (const char *p = payload; *p;) {
		size_t len = strcspn(p, ",");
		if (len < sizeof(id)) {
			memcpy(id, p, len);
			id[len] = '\0';
			keycache_drop(id);
			/* the index key of before: every row is indexed anew */
			if (strcmp(id, "index") == 0 && data_keys_index_destroyed != NULL)
				data_keys_index_destroyed();
		}
		p += len + (p[len] == ',');
	}
}

/* Listening again after a lost connection: what was destroyed meanwhile is unknown. */
static void
watching(bool listening, void *arg)
{
	(void)arg;
	if (listening && atomic_exchange(&D.heard_before, true))
		keycache_clear();
}

/* The keyring file changed (a rotation), or notices may have been missed: read it again. */
static void
keyring_changed(const char *payload, void *arg)
{
	(void)payload;
	(void)arg;
	keyring_reload_soon();
}

static void
keyring_watching(bool listening, void *arg)
{
	(void)arg;
	if (listening)
		keyring_reload_soon();
}

void
vault_watch_start(const char *keys_url)
{
	D.ring =
	    listener_start(keys_url, "recruitd_keyring", keyring_changed, keyring_watching, NULL);
	D.watcher =
	    listener_start(keys_url, "recruitd_data_keys", destroyed_elsewhere, watching, NULL);
	if (D.watcher == NULL)
		log_msg(LOG_WARN, "data keys",
		        "no listener thread: keys other processes destroy stay "
		        "cached here until evicted");
}

void
vault_watch_stop(void)
{
	listener_stop(D.watcher);
	listener_stop(D.ring);
	D.watcher = D.ring = NULL;
}

/* ------------------------------------------------------------------ */
/* reading keys                                                         */

static struct db_stmt find_keys =
    DB_STMT("SELECT id, wrapped, master FROM data_keys WHERE id = ANY ($1::text[])");
static struct db_stmt delete_keys = DB_STMT("DELETE FROM data_keys WHERE id = ANY ($1::text[])");

/* Unwrap row r of res (owner, wrapped, master) into key: 0, or -1 when it does not open. */
static int
unwrap_row(const PGresult *res, int r, unsigned char key[SEAL_KEY_LEN])
{
	unsigned char w[SEAL_WRAPPED_LEN + 1];
	size_t wlen;

	if (sealing_bytea_parse(PQgetvalue(res, r, 1), w, sizeof(w), &wlen) != 0)
		return -1;
	return keyring_unwrap(PQgetvalue(res, r, 0), PQgetvalue(res, r, 2), w, wlen, key);
}

/* Fetch rows for the owners: found[i] set with keys[i]. 0 or -1. */
static int
fetch(struct db *db, const char *const *ids, size_t n, unsigned char (*keys)[SEAL_KEY_LEN],
      bool *found)
{
	char *arr = db_array(ids, n);
	const char *params[1] = {arr};
	PGresult *res = db_run(db, &find_keys, 1, params);

	free(arr);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *owner = PQgetvalue(res, r, 0);
		unsigned char w[SEAL_WRAPPED_LEN + 1];
		size_t wlen;
		if (sealing_bytea_parse(PQgetvalue(res, r, 1), w, sizeof(w), &wlen) != 0)
			continue; /* not a wrapped key at all: as if the row were not there */
		for (size_t i = 0; i < n; i++)
			if (!found[i] && strcmp(ids[i], owner) == 0) {
				if (keyring_unwrap(owner, PQgetvalue(res, r, 2), w, wlen,
				                   keys[i]) == 0)
					found[i] = true;
				else
					log_msg(LOG_ERROR, "data key",
					        "a data key does not open under any epoch of "
					        "the keyring");
			}
	}
	PQclear(res);
	return 0;
}

int
vault_keys(const char *const *ids, size_t n, unsigned char (*keys)[SEAL_KEY_LEN], bool *found)
{
	const char **missing = xcalloc(n ? n : 1, sizeof(*missing));
	size_t *where = xcalloc(n ? n : 1, sizeof(*where)), m = 0;
	int rc = 0;

	struct keycache_mark mark;

	keycache_mark(&mark); /* before the key database is read: see keycache.h */
	for (size_t i = 0; i < n; i++) {
		found[i] = keycache_get(ids[i], keys[i]);
		if (!found[i]) {
			where[m] = i;
			missing[m++] = ids[i];
		}
	}
	if (m > 0) {
		unsigned char(*got)[SEAL_KEY_LEN] = xcalloc(m, SEAL_KEY_LEN);
		bool *ok = xcalloc(m, sizeof(*ok));
		struct db *db = pool_acquire(D.pool, WAIT_MS);
		rc = db == NULL ? -1 : fetch(db, missing, m, got, ok);
		pool_release(D.pool, db);
		if (rc == 0 && vault_test_between_fetch_and_cache != NULL)
			vault_test_between_fetch_and_cache(missing, m);
		for (size_t j = 0; rc == 0 && j < m; j++)
			if (ok[j]) {
				memcpy(keys[where[j]], got[j], SEAL_KEY_LEN);
				found[where[j]] = true;
				keycache_put(missing[j], got[j], &mark);
			}
		OPENSSL_cleanse(got, m * SEAL_KEY_LEN);
		free(got);
		free(ok);
	}
	free(missing);
	free(where);
	return rc;
}

int
vault_key(const char *id, unsigned char key[SEAL_KEY_LEN])
{
	bool found = false;

	if (vault_keys(&id, 1, (unsigned char(*)[SEAL_KEY_LEN])key, &found) != 0)
		return -1;
	return found ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* making keys                                                          */

static struct db_stmt insert_keys = DB_STMT(
    "INSERT INTO data_keys (id, wrapped, master) "
    "SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[]) ON CONFLICT (id) DO NOTHING");

/* Make a new key for owner into key, and add it wrapped. */
static void
new_keys_add(struct new_keys *nk, const char *owner, unsigned char key[SEAL_KEY_LEN])
{
	unsigned char w[SEAL_WRAPPED_LEN];
	char master_id[KEYRING_ID_LEN + 1];

	if (seal_new_key(key) != 0 || keyring_wrap(owner, key, w, master_id) != 0)
		nk->failed = 1;
	else
		new_keys_push(nk, owner, w, master_id);
}

/* Insert them, owners that have a key already left as they are: how many were new, or -1. */
static long
new_keys_store(struct new_keys *nk)
{
	struct db *db;
	long inserted = -1;

	if (nk->failed || nk->n == 0)
		return nk->failed ? -1 : 0;
	char *o = xasprintf("{%s}", nk->owners.data), *w = xasprintf("{%s}", nk->wrapped.data),
	     *m = xasprintf("{%s}", nk->masters.data);
	const char *params[3] = {o, w, m};
	if ((db = pool_acquire(D.pool, WAIT_MS)) != NULL) {
		PGresult *res = db_run(db, &insert_keys, 3, params);
		if (res != NULL)
			inserted = strtol(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	pool_release(D.pool, db);
	free(o);
	free(w);
	free(m);
	return inserted;
}

/*
 * Keys for new applicants, made ahead: each thread keeps a stash of STASH
 * (id, key) pairs, stored in one statement, so a create costs no round
 * trip to the key database but one in STASH, and takes no lock. A process
 * that stops leaves its unused pairs behind: keys that seal nothing.
 */
#define STASH 16
static _Thread_local struct {
	char id[STASH][37];
	unsigned char key[STASH][SEAL_KEY_LEN];
	int n;
} stash;

static int
refill(void)
{
	struct new_keys nk;

	new_keys_init(&nk);
	for (int i = 0; i < STASH; i++) {
		if (uuid_v4(stash.id[i]) != 0)
			nk.failed = 1; /* no randomness: nothing is stored */
		else
			new_keys_add(&nk, stash.id[i], stash.key[i]);
	}
	/* fresh random ids: all of them are new, or something is wrong */
	int rc = new_keys_store(&nk) == STASH ? 0 : -1;
	new_keys_fini(&nk);
	if (rc == 0)
		stash.n = STASH;
	else
		OPENSSL_cleanse(stash.key, sizeof(stash.key));
	return rc;
}

int
vault_fresh(char id[37], unsigned char key[SEAL_KEY_LEN])
{
	if (stash.n == 0 && refill() != 0)
		return -1;
	stash.n--;
	memcpy(id, stash.id[stash.n], 37);
	memcpy(key, stash.key[stash.n], SEAL_KEY_LEN);
	OPENSSL_cleanse(stash.key[stash.n], SEAL_KEY_LEN);
	struct keycache_mark mark; /* a new id: nobody has destroyed its key */
	keycache_mark(&mark);
	keycache_put(id, key, &mark);
	return 0;
}

int
vault_keys_or_new(const char *const *ids, size_t n, unsigned char (*keys)[SEAL_KEY_LEN])
{
	bool *found = xcalloc(n ? n : 1, sizeof(*found));
	struct new_keys nk;
	int rc = vault_keys(ids, n, keys, found);

	new_keys_init(&nk);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!found[i])
			new_keys_add(&nk, ids[i], keys[i]);
	if (rc == 0 && nk.n > 0) {
		rc = new_keys_store(&nk) < 0 ? -1 : 0;
		/* what is stored now, a concurrent maker's key included, is what counts */
		for (size_t i = 0; i < n; i++)
			if (!found[i])
				OPENSSL_cleanse(keys[i], SEAL_KEY_LEN);
		bool *again = xcalloc(n, sizeof(*again));
		if (rc == 0)
			rc = vault_keys(ids, n, keys, again);
		for (size_t i = 0; rc == 0 && i < n; i++)
			if (!again[i])
				rc = -1;
		free(again);
	}
	new_keys_fini(&nk);
	free(found);
	return rc;
}

int
vault_key_or_new(const char *id, unsigned char key[SEAL_KEY_LEN])
{
	return vault_keys_or_new(&id, 1, (unsigned char(*)[SEAL_KEY_LEN])key);
}

/* ------------------------------------------------------------------ */
/* destroying, warming, re-wrapping                                     */

int
vault_destroy(const char *const *ids, size_t n)
{
	struct db *db;
	int rc = 0;

	for (size_t i = 0; i < n; i++) /* no read from the cache from now on */
		keycache_drop(ids[i]);
	if (n == 0)
		return 0;
	if ((db = pool_acquire(D.pool, WAIT_MS)) == NULL)
		return -1;
	char *arr = db_array(ids, n);
	const char *params[1] = {arr};
	rc = db_do(db, &delete_keys, 1, params);
	free(arr);
	pool_release(D.pool, db);
	/* and no lookup that read them before the deletion keeps them (keycache.h) */
	for (size_t i = 0; i < n; i++)
		keycache_drop(ids[i]);
	return rc;
}

/* A page of the newest keys before the keyset ($1, $2), $3 of them (an index in that order). */
static struct db_stmt newest_keys =
    DB_STMT("SELECT id, wrapped, master, created_at::text FROM data_keys "
            "WHERE id <> 'index' AND (created_at, id) < ($1::timestamptz, $2) "
            "ORDER BY created_at DESC, id DESC LIMIT $3::int");

long
vault_warm(size_t limit, size_t page)
{
	struct keycache_mark mark;
	char at[64] = "infinity", after[128] = "", n[24];
	long warmed = 0;

	keycache_mark(&mark); /* before the keys are read: see keycache.h */
	while ((size_t)warmed < limit) {
		struct db *db = pool_acquire(D.pool, WAIT_MS);
		if (db == NULL)
			return warmed > 0 ? warmed : -1;
		size_t want = limit - (size_t)warmed < page ? limit - (size_t)warmed : page;
		snprintf(n, sizeof(n), "%zu", want);
		const char *params[3] = {at, after, n};
		PGresult *res = db_run(db, &newest_keys, 3, params);
		pool_release(D.pool, db);
		if (res == NULL)
			return warmed > 0 ? warmed : -1;
		int rows = PQntuples(res);
		for (int r = 0; r < rows; r++) {
			unsigned char key[SEAL_KEY_LEN];
			if (unwrap_row(res, r, key) == 0) {
				keycache_put(PQgetvalue(res, r, 0), key, &mark);
				warmed++;
			}
			OPENSSL_cleanse(key, sizeof(key));
		}
		if (rows > 0) {
			snprintf(at, sizeof(at), "%s", PQgetvalue(res, rows - 1, 3));
			snprintf(after, sizeof(after), "%s", PQgetvalue(res, rows - 1, 0));
		}
		PQclear(res);
		if ((size_t)rows < want)
			break;
	}
	return warmed;
}

void
new_keys_init(struct new_keys *nk)
{
	memset(nk, 0, sizeof(*nk));
	buf_init(&nk->owners, (size_t)1 << 30);
	buf_init(&nk->wrapped, (size_t)1 << 30);
	buf_init(&nk->masters, (size_t)1 << 30);
}

void
new_keys_fini(struct new_keys *nk)
{
	buf_fini(&nk->owners);
	buf_fini(&nk->wrapped);
	buf_fini(&nk->masters);
}

void
new_keys_push(struct new_keys *nk, const char *owner, const unsigned char w[SEAL_WRAPPED_LEN],
              const char *master)
{
	char hex[2 * SEAL_WRAPPED_LEN + 1];
	const char *sep = nk->n++ ? "," : "";

	hex_encode(w, SEAL_WRAPPED_LEN, hex);
	if (buf_printf(&nk->owners, "%s%s", sep, owner) != 0 ||
	    buf_printf(&nk->wrapped, "%s\"\\\\x%s\"", sep, hex) != 0 ||
	    buf_printf(&nk->masters, "%s%s", sep, master) != 0)
		nk->failed = 1;
}

struct db *
data_keys_acquire(void)
{
	return pool_acquire(D.pool, WAIT_MS);
}

void
data_keys_release(struct db *db)
{
	pool_release(D.pool, db);
}
