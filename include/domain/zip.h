/*
 * zip: reading an uploaded ZIP container (a DOCX, an ODT) without trusting
 * it: its central directory walked entry by entry, every offset and length
 * checked before it is used, and an entry checked against what the rest of
 * the file says of it, inflating it under a hard cap. Thread-safe, no state.
 */
#ifndef RECRUITD_DOMAIN_ZIP_H
#define RECRUITD_DOMAIN_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A walk over a ZIP file's central directory (the caller's storage; zip_open fills it). */
struct zip_walk {
	const unsigned char *data;
	size_t len;
	size_t directory; /* where the central directory starts: every entry's data is before */
	size_t end;       /* and ends */
	size_t at;        /* the next entry */
	unsigned left;    /* entries the end record promises that are not walked yet */
};

/* An entry as the central directory declares it; name points into the file (not NUL-ended). */
struct zip_member {
	const unsigned char *name;
	size_t name_len;
	uint16_t flags, method;
	uint32_t crc, compressed, size;
	uint32_t local; /* the offset of its local header */
};

/*
 * Start a walk over len bytes: true when they start as a ZIP file does and
 * end with an end record whose central directory lies inside the file.
 */
bool zip_open(struct zip_walk *z, const unsigned char *data, size_t len);

/* The next entry into *m: 1, 0 when every entry was walked, -1 when the directory is broken. */
int zip_next(struct zip_walk *z, struct zip_member *m);

/*
 * Whether entry m is what the central directory declares: its local header
 * agrees (name, method, and CRC-32 and sizes, or those of the data
 * descriptor that follows the data when the header defers to one), its
 * data lies before the central directory, and it inflates (deflate) or
 * copies (stored) to exactly its declared size and CRC-32, inflating never
 * more than that size plus one buffer. NULL, or a reason (a static string
 * without any of the file's content). Encrypted entries and methods other
 * than stored and deflate are refused.
 */
const char *zip_check(const struct zip_walk *z, const struct zip_member *m);

#endif
