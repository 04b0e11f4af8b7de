/*
 * keyring: the epochs and the keys derived from them, read from the keyring
 * file. See keyring.h. The public part is vault.h's vault_init_keyring and
 * vault_epoch_id; the key table these keys wrap is store/data_keys.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/log.h"
#include "store/vault.h"

#include "keyring.h"

#include "keyring_file.h"

/* The installed ring: key material, in a locked area where the system allows. */
static struct ring S __attribute__((aligned(4096)));

static struct {
	char *file, *legacy;
	pthread_rwlock_t lock; /* S and the prepared keys */
	struct hmac_key *index[KEYRING_MAX_EPOCHS], *rate[KEYRING_MAX_EPOCHS], *suppression;
	struct stat seen;     /* the file as last read */
	atomic_bool dirty;    /* read the file again before the next use */
	atomic_llong checked; /* when the file was last looked at (monotonic seconds) */
	bool locked;          /* S is mlock'd */
} K = {.lock = PTHREAD_RWLOCK_INITIALIZER};

static void
fingerprint(const unsigned char key[SEAL_KEY_LEN], char id[KEYRING_ID_LEN + 1])
{
	unsigned char h[SHA256_LEN], in[16 + SEAL_KEY_LEN];

	memcpy(in, "recruitd master ", 16); /* the master key file's fingerprint, kept */
	memcpy(in + 16, key, SEAL_KEY_LEN);
	sha256(in, sizeof(in), h);
	OPENSSL_cleanse(in, sizeof(in));
	hex_encode(h, KEYRING_ID_LEN / 2, id);
}

/* A key derived from an epoch's key for one purpose, prepared for HMAC. */
static struct hmac_key *
derive(const unsigned char key[SEAL_KEY_LEN], const char *label)
{
	struct hmac_key *h = hmac_prepare(key, SEAL_KEY_LEN), *out;
	unsigned char k[SHA256_LEN];

	if (h == NULL)
		return NULL;
	hmac_sha256(h, label, strlen(label), k);
	hmac_free(h);
	out = hmac_prepare(k, sizeof(k));
	OPENSSL_cleanse(k, sizeof(k));
	return out;
}

/* Wipe what is installed (under the write lock). */
static void
uninstall(void)
{
	for (int i = 0; i < KEYRING_MAX_EPOCHS; i++) {
		hmac_free(K.index[i]);
		hmac_free(K.rate[i]);
		K.index[i] = K.rate[i] = NULL;
	}
	hmac_free(K.suppression);
	K.suppression = NULL;
	OPENSSL_cleanse(&S, sizeof(S));
}

/* Make r the ring in use (under the write lock): 0, or -1 without memory for the keys. */
static int
install(const struct ring *r)
{
	uninstall();
	memcpy(&S, r, sizeof(S));
	K.suppression = hmac_prepare(S.suppression, SEAL_KEY_LEN);
	for (int i = 0; i < S.n; i++) {
		K.index[i] = derive(S.e[i].key, "recruitd index");
		K.rate[i] = derive(S.e[i].key, "recruitd rate");
		if (K.index[i] == NULL || K.rate[i] == NULL)
			return -1;
	}
	return K.suppression == NULL ? -1 : 0;
}

/* Read the file and install it (under the write lock): 0, or -1 with a message. */
static int
reload(char *err, size_t errlen)
{
	struct ring r;
	struct stat st;
	int rc = ring_read(K.file, &r, &st, err, errlen);

	if (rc == 1)
		snprintf(err, errlen, "RECRUITD_KEYRING_FILE: %s does not exist", K.file);
	if (rc != 0)
		return -1;
	K.seen = st;
	rc = install(&r);
	OPENSSL_cleanse(&r, sizeof(r));
	return rc;
}

static long long
now_coarse(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long long)ts.tv_sec;
}

/* Read the file again when told to, or when it changed (looked at once a second at most). */
static void
refresh(void)
{
	long long now = now_coarse();
	struct stat st;
	char err[256];

	if (!atomic_load(&K.dirty)) {
		if (atomic_load(&K.checked) == now)
			return;
		atomic_store(&K.checked, now);
		if (stat(K.file, &st) != 0)
			return;
		pthread_rwlock_rdlock(&K.lock); /* K.seen changes under the write lock */
		bool same =
		    st.st_ino == K.seen.st_ino && st.st_mtim.tv_sec == K.seen.st_mtim.tv_sec &&
		    st.st_mtim.tv_nsec == K.seen.st_mtim.tv_nsec && st.st_size == K.seen.st_size;
		pthread_rwlock_unlock(&K.lock);
		if (same)
			return;
	}
	pthread_rwlock_wrlock(&K.lock);
	atomic_store(&K.dirty, false);
	if (reload(err, sizeof(err)) != 0)
		log_msg(LOG_WARN, "keyring",
		        "the keyring file cannot be read again; keeping what was read before");
	pthread_rwlock_unlock(&K.lock);
}

/* A fresh ring holding the epoch keys given (oldest first), and a new suppression key. */
static int
ring_new(struct ring *r, const unsigned char (*keys)[SEAL_KEY_LEN], const long long *created, int n)
{
	memset(r, 0, sizeof(*r));
	if (seal_new_key(r->suppression) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		memcpy(r->e[i].key, keys[i], SEAL_KEY_LEN);
		fingerprint(keys[i], r->e[i].id);
		r->e[i].created = created[i];
	}
	r->n = n;
	return 0;
}

/*
 * No keyring file yet: migrate the single master key file (and a rotation's
 * next one, the newer epoch) into one, or make a new one when create. 0
 * (made), 1 (nothing to migrate, not made), -1 with a message.
 */
static int
ring_first(const char *file, const char *legacy, bool create, char *err, size_t errlen)
{
	unsigned char keys[2][SEAL_KEY_LEN];
	long long created[2];
	char *next = legacy ? xasprintf("%s.next", legacy) : NULL;
	int n = 0, rc;
	struct ring r;

	if (legacy != NULL) {
		if ((rc = keyring_read_master(legacy, keys[0], &created[0], err, errlen)) < 0)
			goto out;
		n = rc == 0;
		if (n == 1 &&
		    (rc = keyring_read_master(next, keys[1], &created[1], err, errlen)) < 0)
			goto out;
		n += n == 1 && rc == 0;
	}
	rc = 1;
	if (n == 0 && create) {
		created[0] = (long long)time(NULL);
		n = seal_new_key(keys[0]) == 0;
	}
	if (n > 0) {
		rc = ring_new(&r, (const unsigned char(*)[SEAL_KEY_LEN])keys, created, n) == 0 &&
		             ring_write(file, &r, err, errlen) == 0
		         ? 0
		         : -1;
		OPENSSL_cleanse(&r, sizeof(r));
		/* the keyring is on disk: the master key lives there only */
		if (rc == 0 && legacy != NULL) {
			unlink(next);
			unlink(legacy);
			ring_sync_folder(legacy);
		}
	}
out:
	OPENSSL_cleanse(keys, sizeof(keys));
	free(next);
	return rc;
}

int
keyring_open(const char *file, const char *legacy, bool create, char *err, size_t errlen)
{
	int rc;

	if (access(file, F_OK) != 0 && (rc = ring_first(file, legacy, create, err, errlen)) != 0) {
		if (rc == 1)
			snprintf(err, errlen,
			         "RECRUITD_KEYRING_FILE: %s does not exist (recruitctl keys init "
			         "makes it)",
			         file);
		return -1;
	}
	K.file = xstrdup(file);
	K.legacy = legacy ? xstrdup(legacy) : NULL;
	if (!K.locked && mlock(&S, sizeof(S)) == 0)
		K.locked = true;
	else if (!K.locked)
		log_msg(LOG_WARN, "keyring", "key material cannot be kept in locked memory here");
	pthread_rwlock_wrlock(&K.lock);
	rc = reload(err, errlen);
	pthread_rwlock_unlock(&K.lock);
	atomic_store(&K.checked, now_coarse());
	return rc;
}

void
keyring_close(void)
{
	pthread_rwlock_wrlock(&K.lock);
	uninstall();
	pthread_rwlock_unlock(&K.lock);
	if (K.locked)
		munlock(&S, sizeof(S));
	K.locked = false;
	free(K.file);
	free(K.legacy);
	K.file = K.legacy = NULL;
}

void
keyring_reload_soon(void)
{
	atomic_store(&K.dirty, true);
}

/* The index of the epoch named id (under the lock), or -1. */
static int
find_epoch(const char *id)
{
	for (int i = 0; i < S.n; i++)
		if (strcmp(S.e[i].id, id) == 0)
			return i;
	return -1;
}

int
keyring_wrap(const char *owner, const unsigned char key[SEAL_KEY_LEN],
             unsigned char out[SEAL_WRAPPED_LEN], char epoch_id[KEYRING_ID_LEN + 1])
{
	int rc;

	refresh();
	pthread_rwlock_rdlock(&K.lock);
	rc = seal_wrap(S.e[S.n - 1].key, owner, key, out);
	memcpy(epoch_id, S.e[S.n - 1].id, KEYRING_ID_LEN + 1);
	pthread_rwlock_unlock(&K.lock);
	return rc;
}

int
keyring_unwrap(const char *owner, const char *epoch_id, const unsigned char *wrapped, size_t len,
               unsigned char key[SEAL_KEY_LEN])
{
	int rc = -1, e;

	if (len != SEAL_WRAPPED_LEN)
		return -1;
	refresh();
	/* an epoch not known, or one that does not open the row: the file read again, once */
	for (int pass = 0; pass < 2 && rc != 0; pass++) {
		if (pass == 1) {
			atomic_store(&K.dirty, true);
			refresh();
		}
		pthread_rwlock_rdlock(&K.lock);
		if ((e = find_epoch(epoch_id)) >= 0)
			rc = seal_unwrap(S.e[e].key, owner, wrapped, key);
		pthread_rwlock_unlock(&K.lock);
	}
	return rc;
}

int
keyring_rewrap(const char *owner, const char *from_id, const char *to_id,
               const unsigned char *wrapped, size_t len, unsigned char out[SEAL_WRAPPED_LEN])
{
	unsigned char key[SEAL_KEY_LEN];
	int rc = -1;

	if (len != SEAL_WRAPPED_LEN)
		return -1;
	pthread_rwlock_rdlock(&K.lock);
	int from = find_epoch(from_id), to = find_epoch(to_id);
	if (from >= 0 && to >= 0 && seal_unwrap(S.e[from].key, owner, wrapped, key) == 0)
		rc = seal_wrap(S.e[to].key, owner, key, out);
	pthread_rwlock_unlock(&K.lock);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

time_t
keyring_current(char id[KEYRING_ID_LEN + 1])
{
	time_t t;

	refresh();
	pthread_rwlock_rdlock(&K.lock);
	if (id != NULL)
		memcpy(id, S.e[S.n - 1].id, KEYRING_ID_LEN + 1);
	t = (time_t)S.e[S.n - 1].created;
	pthread_rwlock_unlock(&K.lock);
	return t;
}

bool
keyring_rotating(char to[KEYRING_ID_LEN + 1])
{
	bool r;

	refresh();
	pthread_rwlock_rdlock(&K.lock);
	r = S.rotating[0] != '\0';
	if (to != NULL)
		memcpy(to, S.rotating, KEYRING_ID_LEN + 1);
	pthread_rwlock_unlock(&K.lock);
	return r;
}

void
keyring_epochs(char ids[KEYRING_MAX_EPOCHS][KEYRING_ID_LEN + 1], int *n)
{
	refresh();
	pthread_rwlock_rdlock(&K.lock);
	for (int i = 0; i < S.n; i++)
		memcpy(ids[i], S.e[i].id, KEYRING_ID_LEN + 1);
	*n = S.n;
	pthread_rwlock_unlock(&K.lock);
}

/* Read the file, change it with edit, write it, install it: 0, or -1 with a message. */
static int
rewrite(int (*edit)(struct ring *r, void *arg), void *arg, char *err, size_t errlen)
{
	struct ring r;
	struct stat st;
	int rc;

	pthread_rwlock_wrlock(&K.lock);
	if ((rc = ring_read(K.file, &r, &st, err, errlen)) == 0) {
		rc = edit(&r, arg);
		if (rc == 1)
			rc = ring_write(K.file, &r, err, errlen) == 0 ? reload(err, errlen) : -1;
		else if (rc == 0)
			rc = install(&r);
		else
			snprintf(err, errlen, "the keyring cannot hold another epoch");
	}
	OPENSSL_cleanse(&r, sizeof(r));
	pthread_rwlock_unlock(&K.lock);
	return rc < 0 ? -1 : 0;
}

struct begin {
	char *to;
	bool *made;
};

/* A new epoch, marked rotating, unless a rotation is under way: 1 (write), 0, -1. */
static int
add_epoch(struct ring *r, void *arg)
{
	struct begin *b = arg;

	*b->made = false;
	if (r->rotating[0] == '\0') {
		if (r->n == KEYRING_MAX_EPOCHS || seal_new_key(r->e[r->n].key) != 0)
			return -1;
		fingerprint(r->e[r->n].key, r->e[r->n].id);
		r->e[r->n].created = (long long)time(NULL);
		memcpy(r->rotating, r->e[r->n].id, KEYRING_ID_LEN + 1);
		r->n++;
		*b->made = true;
	}
	memcpy(b->to, r->rotating, KEYRING_ID_LEN + 1);
	return *b->made ? 1 : 0;
}

int
keyring_begin_rotation(char to[KEYRING_ID_LEN + 1], bool *made, char *err, size_t errlen)
{
	struct begin b = {to, made};

	return rewrite(add_epoch, &b, err, errlen);
}

struct end {
	char (*dropped)[KEYRING_ID_LEN + 1];
	int *n;
};

/* The mark removed, and every epoch but the last two: 1 (write). */
static int
drop_old(struct ring *r, void *arg)
{
	struct end *e = arg;
	int drop = r->n > 2 ? r->n - 2 : 0;

	*e->n = drop;
	for (int i = 0; i < drop; i++)
		memcpy(e->dropped[i], r->e[i].id, KEYRING_ID_LEN + 1);
	OPENSSL_cleanse(r->e, (size_t)drop * sizeof(r->e[0]));
	memmove(&r->e[0], &r->e[drop], (size_t)(r->n - drop) * sizeof(r->e[0]));
	OPENSSL_cleanse(&r->e[r->n - drop], (size_t)drop * sizeof(r->e[0]));
	r->n -= drop;
	r->rotating[0] = '\0';
	return 1;
}

int
keyring_end_rotation(char dropped[KEYRING_MAX_EPOCHS][KEYRING_ID_LEN + 1], int *ndropped, char *err,
                     size_t errlen)
{
	struct end e = {dropped, ndropped};

	*ndropped = 0;
	return rewrite(drop_old, &e, err, errlen);
}

int
keyring_index_hashes(const void *msg, size_t len, unsigned char out[2][32],
                     char ids[2][KEYRING_ID_LEN + 1])
{
	int n = 1;

	refresh();
	pthread_rwlock_rdlock(&K.lock);
	hmac_sha256(K.index[S.n - 1], msg, len, out[0]);
	if (ids != NULL)
		memcpy(ids[0], S.e[S.n - 1].id, KEYRING_ID_LEN + 1);
	if (S.rotating[0] != '\0' && S.n > 1) {
		hmac_sha256(K.index[S.n - 2], msg, len, out[1]);
		if (ids != NULL)
			memcpy(ids[1], S.e[S.n - 2].id, KEYRING_ID_LEN + 1);
		n = 2;
	}
	pthread_rwlock_unlock(&K.lock);
	return n;
}

int
keyring_index_hash_of(const char *id, const void *msg, size_t len, unsigned char out[32])
{
	int e;

	refresh();
	pthread_rwlock_rdlock(&K.lock);
	if ((e = find_epoch(id)) >= 0)
		hmac_sha256(K.index[e], msg, len, out);
	pthread_rwlock_unlock(&K.lock);
	return e >= 0 ? 0 : -1;
}

void
keyring_suppression_hash(const void *msg, size_t len, unsigned char out[32])
{
	refresh();
	pthread_rwlock_rdlock(&K.lock);
	hmac_sha256(K.suppression, msg, len, out);
	pthread_rwlock_unlock(&K.lock);
}

bool
keyring_legacy_suppression(unsigned char out[SEAL_KEY_LEN])
{
	bool has;

	refresh();
	pthread_rwlock_rdlock(&K.lock);
	has = S.has_legacy_suppression;
	if (has)
		memcpy(out, S.legacy_suppression, SEAL_KEY_LEN);
	pthread_rwlock_unlock(&K.lock);
	return has;
}

/* The main database's suppression secret of before, kept in the ring: 1 (write). */
static int
keep_legacy(struct ring *r, void *arg)
{
	memcpy(r->legacy_suppression, arg, SEAL_KEY_LEN);
	r->has_legacy_suppression = true;
	return 1;
}

int
keyring_keep_legacy_suppression(const unsigned char secret[SEAL_KEY_LEN], char *err, size_t errlen)
{
	unsigned char copy[SEAL_KEY_LEN];
	int rc;

	memcpy(copy, secret, SEAL_KEY_LEN);
	rc = rewrite(keep_legacy, copy, err, errlen);
	OPENSSL_cleanse(copy, sizeof(copy));
	return rc;
}

void
keyring_rate_hash(const void *msg, size_t len, unsigned char out[32])
{
	refresh();
	pthread_rwlock_rdlock(&K.lock);
	hmac_sha256(K.rate[S.n - 1], msg, len, out);
	pthread_rwlock_unlock(&K.lock);
}

int
vault_init_keyring(const char *file, const char *legacy, char *err, size_t errlen)
{
	if (access(file, F_OK) == 0)
		return 0;
	return ring_first(file, legacy, true, err, errlen) == 0 ? 0 : -1;
}

const char *
vault_epoch_id(void)
{
	static _Thread_local char id[KEYRING_ID_LEN + 1];

	keyring_current(id);
	return id;
}
