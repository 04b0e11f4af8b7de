/*
 * keyring_file: the keyring file's format, read and written (store/keyring.c
 * keeps what is installed from it). Private to the store.
 *
 * The format, one item a line: "recruitd-keyring 1", "suppression HEX",
 * "legacy-suppression HEX" (the main database's secret of before, while it
 * is needed), "epoch ID CREATED HEX" oldest first, "rotating ID" while a
 * rotation is under way; "#" comments.
 */
#ifndef RECRUITD_STORE_KEYRING_FILE_H
#define RECRUITD_STORE_KEYRING_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "core/seal.h"
#include "keyring.h"

#define MAGIC "recruitd-keyring 1"

/* The keyring as the file holds it: parsed, formatted, installed. */
struct ring {
	int n; /* epochs, oldest first */
	struct {
		char id[KEYRING_ID_LEN + 1];
		long long created;
		unsigned char key[SEAL_KEY_LEN];
	} e[KEYRING_MAX_EPOCHS];
	unsigned char suppression[SEAL_KEY_LEN];
	unsigned char legacy_suppression[SEAL_KEY_LEN]; /* the main database's secret of before */
	bool has_legacy_suppression;
	char rotating[KEYRING_ID_LEN + 1]; /* "" when no rotation is under way */
};

/* Parse the text of a keyring file into r (text is cut up): 0, or -1. */
int ring_parse(char *text, struct ring *r);

/* Read and parse the file at path (mode 0600 or refused): 0, 1 when it does not exist, -1
 * with a message. */
int ring_read(const char *path, struct ring *r, struct stat *st, char *err, size_t errlen);

/* Write r to path atomically (temporary file, fsync, rename, fsync of the folder): 0 or -1. */
int ring_write(const char *path, const struct ring *r, char *err, size_t errlen);

/* fsync the folder holding path: 0 or -1. */
int ring_sync_folder(const char *path);

/* Read a single master key file (exactly 32 bytes, mode 0600): 0 with its mtime, 1 when
 * absent, -1 with a message. */
int keyring_read_master(const char *path, unsigned char key[SEAL_KEY_LEN], long long *mtime,
                        char *err, size_t errlen);

#endif
