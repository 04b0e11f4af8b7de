/*
 * keyring: the master keys, read from their files. See keyring.h. The
 * public part is vault.h's vault_make_master and vault_master_id; the key
 * table these keys wrap is store/data_keys.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/log.h"
#include "store/vault.h"

#include "keyring.h"

#define MAX_MASTERS 3

struct master {
	unsigned char key[SEAL_KEY_LEN];
	char id[KEYRING_ID_LEN + 1];
};

static struct {
	char *file, *next_file;
	struct stat file_seen; /* the master file as last read */
	pthread_mutex_t mu;    /* everything here */
	struct master masters[MAX_MASTERS];
	int nmasters;
	int newest; /* index of the master new keys are wrapped under */
} K = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void
fingerprint(const unsigned char key[SEAL_KEY_LEN], char id[KEYRING_ID_LEN + 1])
{
	unsigned char h[SHA256_LEN], in[16 + SEAL_KEY_LEN];

	memcpy(in, "recruitd master ", 16);
	memcpy(in + 16, key, SEAL_KEY_LEN);
	sha256(in, sizeof(in), h);
	OPENSSL_cleanse(in, sizeof(in));
	hex_encode(h, KEYRING_ID_LEN / 2, id);
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

/* Know a master (under K.mu); returns its index. */
static int
learn(const unsigned char key[SEAL_KEY_LEN])
{
	char id[KEYRING_ID_LEN + 1];

	fingerprint(key, id);
	for (int i = 0; i < K.nmasters; i++)
		if (strcmp(K.masters[i].id, id) == 0)
			return i;
	if (K.nmasters == MAX_MASTERS) { /* forget the oldest that is not the newest */
		int drop = K.newest == 0 ? 1 : 0;
		memmove(&K.masters[drop], &K.masters[drop + 1],
		        (size_t)(K.nmasters - drop - 1) * sizeof(K.masters[0]));
		if (K.newest > drop)
			K.newest--;
		K.nmasters--;
	}
	memcpy(K.masters[K.nmasters].key, key, SEAL_KEY_LEN);
	memcpy(K.masters[K.nmasters].id, id, sizeof(id));
	return K.nmasters++;
}

/*
 * Read the files again (under K.mu) when the master file changed or a next
 * one appeared: the newest is the next one if there is one, else the file's.
 */
static int
refresh_masters(char *err, size_t errlen)
{
	unsigned char key[SEAL_KEY_LEN];
	struct stat st;
	int rc;

	if ((rc = read_master(K.file, key, &st, err, errlen)) != 0) {
		if (rc == 1)
			snprintf(err, errlen, "RECRUITD_MASTER_KEY_FILE: %s does not exist",
			         K.file);
		return -1;
	}
	K.file_seen = st;
	K.newest = learn(key);
	if (read_master(K.next_file, key, &st, err, errlen) == 0)
		K.newest = learn(key);
	OPENSSL_cleanse(key, sizeof(key));
	return 0;
}

/* Whether the files changed since they were read (two stat calls). */
static bool
masters_changed(void)
{
	struct stat st;

	if (stat(K.next_file, &st) == 0)
		return true; /* cheap to re-read, and rare: only during a rotation */
	return stat(K.file, &st) == 0 &&
	       (st.st_ino != K.file_seen.st_ino || st.st_mtime != K.file_seen.st_mtime ||
	        st.st_size != K.file_seen.st_size);
}

/* The index of the master named id (under K.mu), or -1. */
static int
find_master(const char *id)
{
	for (int i = 0; i < K.nmasters; i++)
		if (strcmp(K.masters[i].id, id) == 0)
			return i;
	return -1;
}

int
keyring_open(const char *master_file, char *err, size_t errlen)
{
	int rc;

	K.file = xstrdup(master_file);
	K.next_file = xasprintf("%s.next", master_file);
	pthread_mutex_lock(&K.mu);
	rc = refresh_masters(err, errlen);
	pthread_mutex_unlock(&K.mu);
	return rc;
}

void
keyring_close(void)
{
	OPENSSL_cleanse(K.masters, sizeof(K.masters));
	free(K.file);
	free(K.next_file);
	K.file = K.next_file = NULL;
	K.nmasters = 0;
}

int
keyring_wrap(const char *owner, const unsigned char key[SEAL_KEY_LEN],
             unsigned char out[SEAL_WRAPPED_LEN], char master_id[KEYRING_ID_LEN + 1])
{
	char err[256];
	int rc;

	pthread_mutex_lock(&K.mu);
	if (masters_changed() && refresh_masters(err, sizeof(err)) != 0)
		log_msg(LOG_WARN, "master key",
		        "the master key file cannot be read again; "
		        "keeping the key read before");
	rc = seal_wrap(K.masters[K.newest].key, owner, key, out);
	memcpy(master_id, K.masters[K.newest].id, KEYRING_ID_LEN + 1);
	pthread_mutex_unlock(&K.mu);
	return rc;
}

int
keyring_unwrap(const char *owner, const char *master_id, const unsigned char *wrapped, size_t len,
               unsigned char key[SEAL_KEY_LEN])
{
	char err[256];
	int rc = -1, m;

	if (len != SEAL_WRAPPED_LEN)
		return -1;
	pthread_mutex_lock(&K.mu);
	/* a master not known, or one that does not open the row: the files read again, once */
	for (int pass = 0; pass < 2 && rc != 0; pass++) {
		if ((m = find_master(master_id)) >= 0)
			rc = seal_unwrap(K.masters[m].key, owner, wrapped, key);
		if (rc != 0 && pass == 0 && refresh_masters(err, sizeof(err)) != 0)
			break;
	}
	pthread_mutex_unlock(&K.mu);
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
	pthread_mutex_lock(&K.mu);
	int from = find_master(from_id), to = find_master(to_id);
	if (from >= 0 && to >= 0 && seal_unwrap(K.masters[from].key, owner, wrapped, key) == 0)
		rc = seal_wrap(K.masters[to].key, owner, key, out);
	pthread_mutex_unlock(&K.mu);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
keyring_next(char to_id[KEYRING_ID_LEN + 1], char *err, size_t errlen)
{
	int rc;

	if (vault_make_master(K.next_file, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&K.mu);
	if ((rc = refresh_masters(err, errlen)) == 0)
		memcpy(to_id, K.masters[K.newest].id, KEYRING_ID_LEN + 1);
	pthread_mutex_unlock(&K.mu);
	return rc;
}

int
keyring_promote(char *err, size_t errlen)
{
	if (rename(K.next_file, K.file) == 0)
		return 0;
	snprintf(err, errlen, "cannot move %s to %s: %s", K.next_file, K.file, strerror(errno));
	return -1;
}

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

const char *
vault_master_id(void)
{
	return K.masters[K.newest].id;
}
