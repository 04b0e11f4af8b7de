/*
 * zip: an uploaded ZIP container, read without trusting it. See zip.h.
 *
 * A ZIP file says each entry's sizes three times: in the central directory
 * (what sniffing reads), in the entry's local header (what a streaming
 * reader trusts) and, when the header defers, in a data descriptor after
 * the data; and the data says a fourth time, by what it inflates to. A
 * bomb lies in some of them (a directory understating a 1,000-fold entry
 * passed the directory's own checks), so zip_check holds them all to the
 * directory and inflates with a hard cap at the declared size.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xalloc.h"
#include "domain/zip.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_DESCRIPTOR 0x08074b50u

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u

#define METHOD_STORED 0
#define METHOD_DEFLATE 8

/* How much of an entry is inflated at a time (and the most it can pass its size by). */
#define INFLATE_BLOCK (64u << 10)

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

bool
zip_open(struct zip_walk *z, const unsigned char *d, size_t len)
{
	size_t eocd = 0, start, end;
	bool found = false;

	memset(z, 0, sizeof(*z));
	if (len < 22 || memcmp(d, "PK\x03\x04", 4) != 0)
		return false;
	for (size_t i = len - 22 + 1; i-- > 0 && len - i <= 22 + 65535;)
		if (le32(d + i) == SIG_END) {
			eocd = i;
			found = true;
			break;
		}
	if (!found)
		return false; /* truncated: no end of central directory */
	start = le32(d + eocd + 16);
	end = start + le32(d + eocd + 12);
	if (end > eocd || start > end)
		return false;
	*z = (struct zip_walk){.data = d,
	                       .len = len,
	                       .directory = start,
	                       .end = end,
	                       .at = start,
	                       .left = le16(d + eocd + 10)};
	return true;
}

int
zip_next(struct zip_walk *z, struct zip_member *m)
{
	const unsigned char *d = z->data;
	size_t p = z->at;

	if (z->left == 0)
		return 0;
	if (p + 46 > z->end || le32(d + p) != SIG_CENTRAL)
		return -1;
	size_t n = le16(d + p + 28), next = p + 46 + n + le16(d + p + 30) + le16(d + p + 32);
	if (next > z->end)
		return -1;
	*m = (struct zip_member){.name = d + p + 46,
	                         .name_len = n,
	                         .flags = le16(d + p + 8),
	                         .method = le16(d + p + 10),
	                         .crc = le32(d + p + 16),
	                         .compressed = le32(d + p + 20),
	                         .size = le32(d + p + 24),
	                         .local = le32(d + p + 42)};
	z->at = next;
	z->left--;
	return 1;
}

/*
 * The sizes a local header gives (h, its extra fields x of xlen bytes): its
 * own, or those of its ZIP64 extra field (id 1) where it defers to one with
 * 0xFFFFFFFF. *wide: it has that field, so its data descriptor is 64-bit.
 */
static void
local_sizes(const unsigned char *h, const unsigned char *x, size_t xlen, uint64_t *compressed,
            uint64_t *size, bool *wide)
{
	*compressed = le32(h + 18);
	*size = le32(h + 22);
	*wide = false;
	for (size_t i = 0; i + 4 <= xlen; i += 4 + (size_t)le16(x + i + 2)) {
		size_t n = le16(x + i + 2), at = i + 4;
		if (le16(x + i) != 0x0001 || at + n > xlen)
			continue;
		*wide = true;
		if (*size == 0xFFFFFFFFu && n >= 8) {
			*size = le64(x + at);
			at += 8, n -= 8;
		}
		if (*compressed == 0xFFFFFFFFu && n >= 8)
			*compressed = le64(x + at);
		return;
	}
}

/* A value the local header gives (v) agrees with the directory's (want): equal, or 0 deferred. */
static bool
agrees(uint64_t v, uint32_t want, bool deferred)
{
	return v == want || (deferred && v == 0);
}

/*
 * The data descriptor at p (before limit): CRC-32 and sizes, 32-bit or (after
 * a ZIP64 local header) 64-bit, with or without its signature, equal to m's.
 */
static bool
descriptor_agrees(const unsigned char *d, size_t p, size_t limit, bool wide,
                  const struct zip_member *m)
{
	size_t n = wide ? 20 : 12;

	if (p + 4 <= limit && le32(d + p) == SIG_DESCRIPTOR)
		p += 4;
	if (p + n > limit || le32(d + p) != m->crc)
		return false;
	if (wide)
		return le64(d + p + 4) == m->compressed && le64(d + p + 12) == m->size;
	return le32(d + p + 4) == m->compressed && le32(d + p + 8) == m->size;
}

/* Inflate n bytes at in, stopping past cap: NULL when they are a whole stream of exactly cap
 * bytes with CRC-32 crc. */
static const char *
inflate_capped(const unsigned char *in, size_t n, uint32_t cap, uint32_t crc)
{
	unsigned char *out = xmalloc(INFLATE_BLOCK);
	z_stream s = {0};
	uLong sum = crc32(0L, Z_NULL, 0);
	uint64_t total = 0;
	const char *why = NULL;
	int rc = Z_OK;

	if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
		free(out);
		return "a ZIP entry could not be inflated";
	}
	s.next_in = (Bytef *)(uintptr_t)in; /* zlib reads it only */
	s.avail_in = (uInt)n;
	while (rc == Z_OK && why == NULL) {
		s.next_out = out;
		s.avail_out = INFLATE_BLOCK;
		rc = inflate(&s, Z_NO_FLUSH);
		size_t got = INFLATE_BLOCK - s.avail_out;
		total += got;
		sum = crc32(sum, out, (uInt)got);
		if (total > cap)
			why = "a ZIP entry inflates past the size it declares";
		else if (rc == Z_BUF_ERROR || (rc == Z_OK && got == 0 && s.avail_in == 0))
			why = "a ZIP entry's compressed data ends early";
	}
	inflateEnd(&s);
	free(out);
	if (why == NULL && (rc != Z_STREAM_END || total != cap || sum != crc))
		why = "a ZIP entry's data does not match what it declares";
	return why;
}

const char *
zip_check(const struct zip_walk *z, const struct zip_member *m)
{
	const unsigned char *d = z->data;
	size_t p = m->local, limit = z->directory;

	if ((m->flags & FLAG_ENCRYPTED) ||
	    (m->method != METHOD_STORED && m->method != METHOD_DEFLATE))
		return "a ZIP entry is encrypted or compressed in a way documents are not";
	if (p + 30 > limit || le32(d + p) != SIG_LOCAL)
		return "a ZIP entry's local header is missing";
	uint16_t flags = le16(d + p + 6);
	size_t n = le16(d + p + 26), x = le16(d + p + 28), data = p + 30 + n + x;
	bool deferred = (flags & FLAG_DESCRIPTOR) != 0, wide;
	uint64_t compressed, size;
	if (data > limit)
		return "a ZIP entry's local header is missing";
	local_sizes(d + p, d + p + 30 + n, x, &compressed, &size, &wide);
	if (n != m->name_len || memcmp(d + p + 30, m->name, n) != 0 ||
	    le16(d + p + 8) != m->method || (flags & FLAG_ENCRYPTED) ||
	    !agrees(le32(d + p + 14), m->crc, deferred) ||
	    !agrees(compressed, m->compressed, deferred) || !agrees(size, m->size, deferred))
		return "a ZIP entry's local header disagrees with the central directory";
	if (m->compressed > limit - data)
		return "a ZIP entry's data runs past the central directory";
	if (deferred && !descriptor_agrees(d, data + m->compressed, limit, wide, m))
		return "a ZIP entry's data descriptor disagrees with the central directory";
	if (m->method == METHOD_STORED)
		return m->compressed == m->size &&
		               crc32(crc32(0L, Z_NULL, 0), d + data, (uInt)m->size) == m->crc
		           ? NULL
		           : "a ZIP entry's data does not match what it declares";
	return inflate_capped(d + data, m->compressed, m->size, m->crc);
}
