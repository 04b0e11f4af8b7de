/*
 * keyring_file: the keyring file read, parsed, formatted and written
 * atomically; the single master key file of before read. See
 * keyring_file.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/xalloc.h"

#include "keyring_file.h"

static int
unhex(const char *s, unsigned char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdef", s[2 * i]) ||
		    !strchr("0123456789abcdef", s[2 * i + 1]))
			return -1;
		out[i] = (unsigned char)v;
	}
	return s[2 * len] == '\0' ? 0 : -1;
}

/* Parse the text of a keyring file into r: 0, or -1. */
int
ring_parse(char *text, struct ring *r)
{
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	bool supp = false;

	memset(r, 0, sizeof(*r));
	if (line == NULL || strcmp(line, MAGIC) != 0)
		return -1;
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char id[KEYRING_ID_LEN + 2], hex[2 * SEAL_KEY_LEN + 2];
		long long created;
		if (sscanf(line, "legacy-suppression %65s", hex) == 1) {
			if (unhex(hex, r->legacy_suppression, SEAL_KEY_LEN) != 0)
				return -1;
			r->has_legacy_suppression = true;
		} else if (sscanf(line, "suppression %65s", hex) == 1) {
			if (unhex(hex, r->suppression, SEAL_KEY_LEN) != 0)
				return -1;
			supp = true;
		} else if (sscanf(line, "epoch %17s %lld %65s", id, &created, hex) == 3) {
			if (r->n == KEYRING_MAX_EPOCHS || strlen(id) != KEYRING_ID_LEN ||
			    unhex(hex, r->e[r->n].key, SEAL_KEY_LEN) != 0)
				return -1;
			memcpy(r->e[r->n].id, id, KEYRING_ID_LEN + 1);
			r->e[r->n++].created = created;
		} else if (sscanf(line, "rotating %17s", id) == 1 && strlen(id) == KEYRING_ID_LEN) {
			memcpy(r->rotating, id, KEYRING_ID_LEN + 1);
		} else if (line[0] != '#') {
			return -1;
		}
	}
	return supp && r->n > 0 ? 0 : -1;
}

/* Read and parse the file at path: 0, 1 when it does not exist, -1 with a message. */
int
ring_read(const char *path, struct ring *r, struct stat *st, char *err, size_t errlen)
{
	char text[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int rc = -1;

	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "RECRUITD_KEYRING_FILE: cannot open %s: %s", path,
		         strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || (st->st_mode & 077) != 0)
		snprintf(err, errlen,
		         "RECRUITD_KEYRING_FILE: %s may be read by others (chmod 600 it)", path);
	else if ((n = read(fd, text, sizeof(text) - 1)) < 0 || (size_t)n == sizeof(text) - 1)
		snprintf(err, errlen, "RECRUITD_KEYRING_FILE: %s cannot be read whole", path);
	else {
		text[n] = '\0';
		if ((rc = ring_parse(text, r)) != 0) {
			snprintf(err, errlen, "RECRUITD_KEYRING_FILE: %s is not a keyring", path);
			OPENSSL_cleanse(r, sizeof(*r));
		}
		OPENSSL_cleanse(text, sizeof(text));
	}
	close(fd);
	return rc;
}

int
ring_sync_folder(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;

	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/* Write r to path atomically (temporary file, fsync, rename, fsync of the folder): 0 or -1. */
int
ring_write(const char *path, const struct ring *r, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	char text[4096], hex[2 * SEAL_KEY_LEN + 1];
	size_t len;
	int fd, ok;

	hex_encode(r->suppression, SEAL_KEY_LEN, hex);
	len = (size_t)snprintf(text, sizeof(text), "%s\nsuppression %s\n", MAGIC, hex);
	if (r->has_legacy_suppression) {
		hex_encode(r->legacy_suppression, SEAL_KEY_LEN, hex);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "legacy-suppression %s\n",
		                        hex);
	}
	for (int i = 0; i < r->n; i++) {
		hex_encode(r->e[i].key, SEAL_KEY_LEN, hex);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "epoch %s %lld %s\n",
		                        r->e[i].id, r->e[i].created, hex);
	}
	if (r->rotating[0])
		len +=
		    (size_t)snprintf(text + len, sizeof(text) - len, "rotating %s\n", r->rotating);
	OPENSSL_cleanse(hex, sizeof(hex));
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	OPENSSL_cleanse(text, sizeof(text));
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	ok = ok && rename(tmp, path) == 0 && ring_sync_folder(path) == 0;
	if (!ok) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

/* Read a single master key file (exactly 32 bytes, mode 0600): 0, 1 when absent, -1. */
int
keyring_read_master(const char *path, unsigned char key[SEAL_KEY_LEN], long long *mtime, char *err,
                    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char extra;
	int rc = -1;

	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0)
		snprintf(err, errlen, "RECRUITD_MASTER_KEY_FILE: %s may be read by others", path);
	else if (read(fd, key, SEAL_KEY_LEN) != SEAL_KEY_LEN || read(fd, &extra, 1) != 0)
		snprintf(err, errlen, "RECRUITD_MASTER_KEY_FILE: %s must hold exactly 32 bytes",
		         path);
	else {
		*mtime = (long long)st.st_mtime;
		rc = 0;
	}
	close(fd);
	return rc;
}
