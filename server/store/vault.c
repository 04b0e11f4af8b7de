/*
 * vault: per-applicant data keys. See vault.h.
 *
 * The key table (db/keys/) holds one row per owner: an applicant's id, or
 * "index" for the index key. Each row names the master key that wraps it by
 * its fingerprint, so a rotation can go batch by batch and a process can
 * tell which master opens a row. Up to three masters are known at once: the
 * one in RECRUITD_MASTER_KEY_FILE, the rotation's next one (the same path
 * with ".next"), and the one the file held before a rotation replaced it.
 * New keys are wrapped under the newest; a row under an unknown master makes
 * the process read the files again.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/digest.h"
#include "core/log.h"
#include "store/db.h"
#include "store/listen.h"
#include "store/migrate.h"
#include "store/pool.h"
#include "store/vault.h"

#include "keycache.h"

#define MASTER_ID_LEN 16
#define MAX_MASTERS 3
#define WAIT_MS 5000

struct master {
	unsigned char key[SEAL_KEY_LEN];
	char id[MASTER_ID_LEN + 1];
};

static struct {
	char *file, *next_file;
	struct stat file_seen; /* the master file as last read */
	pthread_mutex_t mu;    /* masters */
	struct master masters[MAX_MASTERS];
	int nmasters;
	int newest; /* index of the master new keys are wrapped under */
	struct pool *pool;
	pthread_mutex_t index_mu;
	atomic_bool index_ready;
	unsigned char index_key[SEAL_KEY_LEN];
	struct hmac_key *index_hmac; /* the index key, prepared for hashing */
	struct listener *watcher;    /* hears of keys destroyed by other processes */
	atomic_bool heard_before; /* listening has started once: a restart may have missed some */
} V = {.mu = PTHREAD_MUTEX_INITIALIZER, .index_mu = PTHREAD_MUTEX_INITIALIZER};

static int index_key(void);

void (*vault_test_between_fetch_and_cache)(const char *const *ids, size_t n);

/* ------------------------------------------------------------------ */
/* master keys                                                          */

static void
fingerprint(const unsigned char key[SEAL_KEY_LEN], char id[MASTER_ID_LEN + 1])
{
	unsigned char h[SHA256_LEN], in[16 + SEAL_KEY_LEN];

	memcpy(in, "recruitd master ", 16);
	memcpy(in + 16, key, SEAL_KEY_LEN);
	sha256(in, sizeof(in), h);
	OPENSSL_cleanse(in, sizeof(in));
	hex_encode(h, MASTER_ID_LEN / 2, id);
}

/* Read a master key file: 0, 1 when it does not exist, -1 with a message. */
static int
read_master(const char *path, unsigned char key[SEAL_KEY_LEN], struct stat *st, char *err,
            size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	unsigned char extra;

	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "RECRUITD_MASTER_KEY_FILE: cannot open %s: %s", path,
		         strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || (st->st_mode & 077) != 0) {
		snprintf(err, errlen,
		         "RECRUITD_MASTER_KEY_FILE: %s may be read by others (chmod 600 it)", path);
		close(fd);
		return -1;
	}
	n = read(fd, key, SEAL_KEY_LEN);
	if (n != SEAL_KEY_LEN || read(fd, &extra, 1) != 0) {
		snprintf(err, errlen, "RECRUITD_MASTER_KEY_FILE: %s must hold exactly 32 bytes",
		         path);
		close(fd);
		OPENSSL_cleanse(key, SEAL_KEY_LEN);
		return -1;
	}
	close(fd);
	return 0;
}

/* Know a master (under V.mu); returns its index. */
static int
learn(const unsigned char key[SEAL_KEY_LEN])
{
	char id[MASTER_ID_LEN + 1];

	fingerprint(key, id);
	for (int i = 0; i < V.nmasters; i++)
		if (strcmp(V.masters[i].id, id) == 0)
			return i;
	if (V.nmasters == MAX_MASTERS) { /* forget the oldest that is not the newest */
		int drop = V.newest == 0 ? 1 : 0;
		memmove(&V.masters[drop], &V.masters[drop + 1],
		        (size_t)(V.nmasters - drop - 1) * sizeof(V.masters[0]));
		if (V.newest > drop)
			V.newest--;
		V.nmasters--;
	}
	memcpy(V.masters[V.nmasters].key, key, SEAL_KEY_LEN);
	memcpy(V.masters[V.nmasters].id, id, sizeof(id));
	return V.nmasters++;
}

/*
 * Read the files again (under V.mu) when the master file changed or a next
 * one appeared: the newest is the next one if there is one, else the file's.
 */
static int
refresh_masters(char *err, size_t errlen)
{
	unsigned char key[SEAL_KEY_LEN];
	struct stat st;
	int rc;

	if ((rc = read_master(V.file, key, &st, err, errlen)) != 0) {
		if (rc == 1)
			snprintf(err, errlen, "RECRUITD_MASTER_KEY_FILE: %s does not exist",
			         V.file);
		return -1;
	}
	V.file_seen = st;
	V.newest = learn(key);
	if (read_master(V.next_file, key, &st, err, errlen) == 0)
		V.newest = learn(key);
	OPENSSL_cleanse(key, sizeof(key));
	return 0;
}

/* Whether the files changed since they were read (two stat calls). */
static bool
masters_changed(void)
{
	struct stat st;

	if (stat(V.next_file, &st) == 0)
		return true; /* cheap to re-read, and rare: only during a rotation */
	return stat(V.file, &st) == 0 &&
	       (st.st_ino != V.file_seen.st_ino || st.st_mtime != V.file_seen.st_mtime ||
	        st.st_size != V.file_seen.st_size);
}

/* Wrap key for owner under the newest master; its id into master_id. 0 or -1. */
static int
wrap(const char *owner, const unsigned char key[SEAL_KEY_LEN], unsigned char out[SEAL_WRAPPED_LEN],
     char master_id[MASTER_ID_LEN + 1])
{
	char err[256];
	int rc;

	pthread_mutex_lock(&V.mu);
	if (masters_changed() && refresh_masters(err, sizeof(err)) != 0)
		log_msg(LOG_WARN, "master key",
		        "the master key file cannot be read again; "
		        "keeping the key read before");
	rc = seal_wrap(V.masters[V.newest].key, owner, key, out);
	memcpy(master_id, V.masters[V.newest].id, MASTER_ID_LEN + 1);
	pthread_mutex_unlock(&V.mu);
	return rc;
}

/* Unwrap a row wrapped under master_id: 0, or -1 (unknown master or not opening). */
static int
unwrap(const char *owner, const char *master_id, const unsigned char *wrapped, size_t len,
       unsigned char key[SEAL_KEY_LEN])
{
	char err[256];
	int rc = -1;

	if (len != SEAL_WRAPPED_LEN)
		return -1;
	pthread_mutex_lock(&V.mu);
	for (int pass = 0; pass < 2 && rc != 0; pass++) {
		for (int i = 0; i < V.nmasters; i++)
			if (strcmp(V.masters[i].id, master_id) == 0) {
				rc = seal_unwrap(V.masters[i].key, owner, wrapped, key);
				break;
			}
		if (rc != 0 && pass == 0 && refresh_masters(err, sizeof(err)) != 0)
			break;
	}
	pthread_mutex_unlock(&V.mu);
	return rc;
}

static struct db_stmt ping = DB_STMT("SELECT 1");

int
vault_ping(void)
{
	struct db *db;
	int rc;

	if (index_key() != 0 || (db = pool_acquire(V.pool, WAIT_MS)) == NULL)
		return -1;
	rc = db_do(db, &ping, 0, NULL);
	pool_release(V.pool, db);
	return rc;
}

const char *
vault_master_id(void)
{
	return V.masters[V.newest].id;
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
		}
		p += len + (p[len] == ',');
	}
}

/* Listening again after a lost connection: what was destroyed meanwhile is unknown. */
static void
watching(bool listening, void *arg)
{
	(void)arg;
	if (listening && atomic_exchange(&V.heard_before, true))
		keycache_clear();
}

void
vault_watch_start(const char *keys_url)
{
	V.watcher =
	    listener_start(keys_url, "recruitd_data_keys", destroyed_elsewhere, watching, NULL);
	if (V.watcher == NULL)
		log_msg(LOG_WARN, "data keys",
		        "no listener thread: keys other processes destroy stay "
		        "cached here until evicted");
}

void
vault_watch_stop(void)
{
	listener_stop(V.watcher);
	V.watcher = NULL;
}

/* ------------------------------------------------------------------ */
/* the key table                                                        */

static struct db_stmt find_keys =
    DB_STMT("SELECT owner, wrapped, master FROM data_keys WHERE owner = ANY ($1::text[])");
static struct db_stmt delete_keys = DB_STMT("DELETE FROM data_keys WHERE owner = ANY ($1::text[])");

/* The bytes of a bytea in text form ("\x..."): 0, or -1 when it is not that. */
static int
bytea_text(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
	size_t n;

	if (hex[0] != '\\' || hex[1] != 'x' || (n = strlen(hex + 2)) % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++) {
			char c = hex[2 + 2 * i + (size_t)j];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

static char *
hex_text(const unsigned char *in, size_t len)
{
	char *out = xmalloc(2 * len + 3);

	out[0] = '\\';
	out[1] = 'x';
	hex_encode(in, len, out + 2);
	return out;
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
		if (bytea_text(PQgetvalue(res, r, 1), w, sizeof(w), &wlen) != 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!found[i] && strcmp(ids[i], owner) == 0) {
				if (unwrap(owner, PQgetvalue(res, r, 2), w, wlen, keys[i]) == 0)
					found[i] = true;
				else
					log_msg(LOG_ERROR, "data key",
					        "a data key does not open under any known master "
					        "key");
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
		struct db *db = pool_acquire(V.pool, WAIT_MS);
		rc = db == NULL ? -1 : fetch(db, missing, m, got, ok);
		pool_release(V.pool, db);
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

static struct db_stmt insert_keys = DB_STMT(
    "INSERT INTO data_keys (owner, wrapped, master) "
    "SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[]) ON CONFLICT (owner) DO NOTHING");

/* New keys on their way to the key table: insert_keys's three arrays, built one key at a time. */
struct new_keys {
	struct buf owners, wrapped, masters;
	size_t n;
	int failed;
};

static void
new_keys_init(struct new_keys *nk)
{
	memset(nk, 0, sizeof(*nk));
	buf_init(&nk->owners, (size_t)1 << 30);
	buf_init(&nk->wrapped, (size_t)1 << 30);
	buf_init(&nk->masters, (size_t)1 << 30);
}

static void
new_keys_fini(struct new_keys *nk)
{
	buf_fini(&nk->owners);
	buf_fini(&nk->wrapped);
	buf_fini(&nk->masters);
}

/* Make a new key for owner into key, and add it wrapped. */
static void
new_keys_add(struct new_keys *nk, const char *owner, unsigned char key[SEAL_KEY_LEN])
{
	unsigned char w[SEAL_WRAPPED_LEN];
	char master_id[MASTER_ID_LEN + 1], hex[2 * SEAL_WRAPPED_LEN + 1];
	const char *sep = nk->n++ ? "," : "";

	if (seal_new_key(key) != 0 || wrap(owner, key, w, master_id) != 0) {
		nk->failed = 1;
		return;
	}
	hex_encode(w, sizeof(w), hex);
	if (buf_printf(&nk->owners, "%s%s", sep, owner) != 0 ||
	    buf_printf(&nk->wrapped, "%s\"\\\\x%s\"", sep, hex) != 0 ||
	    buf_printf(&nk->masters, "%s%s", sep, master_id) != 0)
		nk->failed = 1;
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
	if ((db = pool_acquire(V.pool, WAIT_MS)) != NULL) {
		PGresult *res = db_run(db, &insert_keys, 3, params);
		if (res != NULL)
			inserted = strtol(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	pool_release(V.pool, db);
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

int
vault_destroy(const char *const *ids, size_t n)
{
	struct db *db;
	int rc = 0;

	for (size_t i = 0; i < n; i++) /* no read from the cache from now on */
		keycache_drop(ids[i]);
	if (n == 0)
		return 0;
	if ((db = pool_acquire(V.pool, WAIT_MS)) == NULL)
		return -1;
	char *arr = db_array(ids, n);
	const char *params[1] = {arr};
	rc = db_do(db, &delete_keys, 1, params);
	free(arr);
	pool_release(V.pool, db);
	/* and no lookup that read them before the deletion keeps them (keycache.h) */
	for (size_t i = 0; i < n; i++)
		keycache_drop(ids[i]);
	return rc;
}

/* ------------------------------------------------------------------ */
/* hashes and sealed values                                             */

/* The index key: made once, by whichever process comes first; loaded when first needed. */
static int
index_key(void)
{
	int rc;

	if (atomic_load(&V.index_ready))
		return 0;
	pthread_mutex_lock(&V.index_mu);
	if (atomic_load(&V.index_ready)) {
		pthread_mutex_unlock(&V.index_mu);
		return 0;
	}
	const char *owner = "index"; /* not a UUID: never cached, so always what the table holds */
	rc = vault_keys_or_new(&owner, 1, &V.index_key);
	if (rc == 0 && (V.index_hmac = hmac_prepare(V.index_key, SEAL_KEY_LEN)) == NULL)
		rc = -1;
	if (rc == 0)
		atomic_store(&V.index_ready, true);
	pthread_mutex_unlock(&V.index_mu);
	return rc;
}

int
vault_hash(const void *msg, size_t len, unsigned char out[32])
{
	if (index_key() != 0)
		return -1;
	hmac_sha256(V.index_hmac, msg, len, out);
	return 0;
}

/* "id/field", the associated data of a sealed value. */
static char *
ad_of(const char *id, const char *field, size_t *len)
{
	char *ad = xasprintf("%s/%s", id, field);
	*len = strlen(ad);
	return ad;
}

unsigned char *
vault_seal(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
           const void *plain, size_t len, size_t *out_len)
{
	size_t adlen;
	char *ad = ad_of(id, field, &adlen);
	unsigned char *out = seal_value(key, ad, adlen, plain, len, out_len);

	free(ad);
	return out;
}

unsigned char *
vault_unseal(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
             const void *in, size_t len, size_t *out_len)
{
	size_t adlen;
	char *ad = ad_of(id, field, &adlen);
	unsigned char *out = seal_open(key, ad, adlen, in, len, out_len);

	free(ad);
	return out;
}

char *
vault_seal_text(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                const char *plain, bool *failed)
{
	size_t n;
	unsigned char *sealed;
	char *out;

	if (plain == NULL)
		return NULL;
	if ((sealed = vault_seal(key, id, field, plain, strlen(plain), &n)) == NULL) {
		*failed = true;
		return NULL;
	}
	out = hex_text(sealed, n);
	free(sealed);
	return out;
}

char *
vault_open_text(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                const char *hex)
{
	size_t cap = strlen(hex) / 2, n, len;
	unsigned char *bytes = xmalloc(cap + 1);
	char *out = NULL;

	if (bytea_text(hex, bytes, cap, &n) == 0)
		out = (char *)vault_unseal(key, id, field, bytes, n, &len);
	free(bytes);
	if (out != NULL && strlen(out) != len) { /* a NUL inside is not text we sealed */
		free(out);
		out = NULL;
	}
	return out;
}

/* ------------------------------------------------------------------ */
/* opening, making, migrating, rotating                                 */

int
vault_make_master(const char *path, char *err, size_t errlen)
{
	unsigned char key[SEAL_KEY_LEN];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	int ok = seal_new_key(key) == 0 && write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) &&
	         fsync(fd) == 0;
	OPENSSL_cleanse(key, sizeof(key));
	if (close(fd) != 0 || !ok) {
		unlink(path);
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
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
vault_open(const char *master_file, const char *keys_url, unsigned pool_size, size_t cache_keys,
           char *err, size_t errlen)
{
	V.file = xstrdup(master_file);
	V.next_file = xasprintf("%s.next", master_file);
	if (refresh_masters(err, errlen) != 0)
		return -1;
	keycache_open(cache_keys);
	V.pool = pool_create(keys_url, pool_size);
	if (index_key() != 0)
		log_msg(
		    LOG_WARN, "key database",
		    "the index key cannot be read yet (is the key database up and migrated, and "
		    "does the master key match it?); requests that need it get 503 until it can");
	return 0;
}

void
vault_close(void)
{
	pool_free(V.pool);
	V.pool = NULL;
	keycache_close();
	OPENSSL_cleanse(V.masters, sizeof(V.masters));
	OPENSSL_cleanse(V.index_key, sizeof(V.index_key));
	hmac_free(V.index_hmac);
	V.index_hmac = NULL;
	free(V.file);
	free(V.next_file);
	V.file = V.next_file = NULL;
	V.nmasters = 0;
	atomic_store(&V.index_ready, false);
}

static struct db_stmt batch_to_rewrap =
    DB_STMT("SELECT owner, wrapped, master FROM data_keys WHERE master <> $1 ORDER BY owner "
            "LIMIT $2::int FOR UPDATE");
static struct db_stmt rewrap = DB_STMT(
    "UPDATE data_keys SET wrapped = $2::bytea, master = $3 WHERE owner = $1 AND master = $4");

/* Re-wrap, batch by batch, every key not under the master at index to. Count into *done. */
static int
rewrap_all(struct db *db, int to, unsigned batch, long *done)
{
	char limit[16];
	snprintf(limit, sizeof(limit), "%u", batch);

	for (;;) {
		const char *p1[2] = {V.masters[to].id, limit};
		PGresult *res;
		int rows;
		if (db_begin(db) != 0 || (res = db_run(db, &batch_to_rewrap, 2, p1)) == NULL)
			return -1;
		if ((rows = PQntuples(res)) == 0) {
			PQclear(res);
			db_rollback(db);
			return 0;
		}
		for (int r = 0; r < rows; r++) {
			const char *owner = PQgetvalue(res, r, 0), *from = PQgetvalue(res, r, 2);
			unsigned char w[SEAL_WRAPPED_LEN + 1], key[SEAL_KEY_LEN];
			size_t wlen;
			int m = -1;
			for (int i = 0; i < V.nmasters; i++)
				if (strcmp(V.masters[i].id, from) == 0)
					m = i;
			if (m < 0 || bytea_text(PQgetvalue(res, r, 1), w, sizeof(w), &wlen) != 0 ||
			    wlen != SEAL_WRAPPED_LEN ||
			    seal_unwrap(V.masters[m].key, owner, w, key) != 0 ||
			    seal_wrap(V.masters[to].key, owner, key, w) != 0) {
				OPENSSL_cleanse(key, sizeof(key));
				fprintf(
				    stderr,
				    "recruitctl: a key is wrapped under a master key not at hand "
				    "(%s); stopping\n",
				    from);
				PQclear(res);
				return -1;
			}
			OPENSSL_cleanse(key, sizeof(key));
			char *hex = hex_text(w, SEAL_WRAPPED_LEN);
			const char *p2[4] = {owner, hex, V.masters[to].id, from};
			int rc = db_do(db, &rewrap, 4, p2);
			free(hex);
			if (rc != 0) {
				PQclear(res);
				return -1;
			}
		}
		PQclear(res);
		if (db_exec(db, "COMMIT") != 0)
			return -1;
		*done += rows;
	}
}

int
vault_rotate_master(unsigned batch, FILE *f)
{
	char err[256];
	struct db *db;
	long done = 0;
	int rc, to;

	if (vault_make_master(V.next_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return -1;
	}
	pthread_mutex_lock(&V.mu);
	rc = refresh_masters(err, sizeof(err));
	to = V.newest;
	pthread_mutex_unlock(&V.mu);
	if (rc != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return -1;
	}
	if ((db = pool_acquire(V.pool, WAIT_MS)) == NULL)
		return -1;
	fprintf(f, "re-wrapping every data key under master key %s\n", V.masters[to].id);
	rc = rewrap_all(db, to, batch, &done);
	if (rc == 0 && rename(V.next_file, V.file) != 0) {
		fprintf(stderr, "recruitctl: cannot move %s to %s: %s\n", V.next_file, V.file,
		        strerror(errno));
		rc = -1;
	}
	if (rc == 0) {
		/* A process that read the files just before the next key appeared may have
		 * wrapped a key under the old one since: give it a moment, and sweep again. */
		sleep(1);
		rc = rewrap_all(db, to, batch, &done);
	}
	pool_release(V.pool, db);
	fprintf(f, "%ld data keys re-wrapped%s\n", done,
	        rc == 0 ? "; the master key file now holds the new key" : "");
	return rc;
}

/* ------------------------------------------------------------------ */
/* segmented values: documents and export packages                      */

size_t
vault_segments_len(size_t len)
{
	size_t n = len == 0 ? 1 : (len + VAULT_SEGMENT - 1) / VAULT_SEGMENT;
	return len + n * SEAL_OVERHEAD;
}

/*
 * "id/field#i", with "$" after the last segment's number: none can be
 * dropped or moved. Its length, or 0 when it does not fit in cap bytes (a
 * cut one would bind the segment to less than its place; and snprintf's
 * length is then past the buffer).
 */
static size_t
segment_ad(char *ad, size_t cap, const char *id, const char *field, size_t i, bool last)
{
	int n = snprintf(ad, cap, "%s/%s#%zu%s", id, field, i, last ? "$" : "");

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

unsigned char *
vault_seal_segments(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                    const void *plain, size_t len, size_t *out_len)
{
	size_t total = vault_segments_len(len), nseg = (total - len) / SEAL_OVERHEAD, at = 0;
	unsigned char *out = xmalloc(total);
	char ad[160];

	for (size_t i = 0; i < nseg; i++) {
		size_t n = i + 1 < nseg ? VAULT_SEGMENT : len - i * VAULT_SEGMENT, sn;
		size_t adlen = segment_ad(ad, sizeof(ad), id, field, i, i + 1 == nseg);
		unsigned char *s =
		    adlen == 0
		        ? NULL
		        : seal_value(key, ad, adlen,
		                     (const unsigned char *)plain + i * VAULT_SEGMENT, n, &sn);
		if (s == NULL) {
			free(out);
			return NULL;
		}
		memcpy(out + at, s, sn);
		at += sn;
		free(s);
	}
	*out_len = total;
	return out;
}

int
vault_open_segments(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                    size_t plain_len, size_t first, const unsigned char *in, size_t in_len,
                    unsigned char *out, size_t *out_len)
{
	size_t nseg = (vault_segments_len(plain_len) - plain_len) / SEAL_OVERHEAD, at = 0, got = 0;
	char ad[160];

	for (size_t i = first; at < in_len; i++) {
		if (i >= nseg)
			return -1;
		size_t n = (i + 1 < nseg ? VAULT_SEGMENT : plain_len - i * VAULT_SEGMENT) +
		           SEAL_OVERHEAD,
		       pn;
		if (at + n > in_len)
			return -1;
		size_t adlen = segment_ad(ad, sizeof(ad), id, field, i, i + 1 == nseg);
		unsigned char *p = adlen == 0 ? NULL : seal_open(key, ad, adlen, in + at, n, &pn);
		if (p == NULL)
			return -1;
		memcpy(out + got, p, pn);
		OPENSSL_cleanse(p, pn);
		free(p);
		got += pn;
		at += n;
	}
	*out_len = got;
	return 0;
}

static struct db_stmt newest_keys =
    DB_STMT("SELECT owner, wrapped, master FROM data_keys WHERE owner <> 'index' "
            "ORDER BY created_at DESC LIMIT $1::int");

long
vault_warm(size_t limit)
{
	struct db *db = pool_acquire(V.pool, WAIT_MS);
	struct keycache_mark mark;
	char n[24];
	long warmed = 0;

	if (db == NULL)
		return -1;
	keycache_mark(&mark); /* before the keys are read: see keycache.h */
	snprintf(n, sizeof(n), "%zu", limit);
	const char *params[1] = {n};
	PGresult *res = db_run(db, &newest_keys, 1, params);
	pool_release(V.pool, db);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *owner = PQgetvalue(res, r, 0);
		unsigned char w[SEAL_WRAPPED_LEN + 1], key[SEAL_KEY_LEN];
		size_t wlen;
		if (bytea_text(PQgetvalue(res, r, 1), w, sizeof(w), &wlen) == 0 &&
		    unwrap(owner, PQgetvalue(res, r, 2), w, wlen, key) == 0) {
			keycache_put(owner, key, &mark);
			warmed++;
		}
		OPENSSL_cleanse(key, sizeof(key));
	}
	PQclear(res);
	return warmed;
}
