/*
 * fixtures: small real documents for tests, built in memory: a PDF, DOCX
 * and ODT containers (real ZIP files written by libarchive), an OLE2
 * compound file with a WordDocument stream, and executables' headers.
 */
#ifndef RECRUITD_TEST_FIXTURES_H
#define RECRUITD_TEST_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blob {
	unsigned char *data;
	size_t len;
};

struct zip_entry {
	const char *name;
	const char *content;
};

/* A ZIP of the entries (stored, no compression), in order; free data. */
struct blob fixture_zip(const struct zip_entry *entries, size_t n);
struct blob fixture_docx(void);
struct blob fixture_odt(void);
/* A DOCX whose word/document.xml is len bytes of document, stored or deflated. */
struct blob fixture_docx_with(const char *document, size_t len, bool deflate);
/* The same with libarchive's ZIP options ("zip:compression=deflate,zip:zip64"). */
struct blob fixture_docx_options(const char *document, size_t len, const char *options);
/* An ODT whose content.xml is len bytes of content, deflated (its mimetype stored). */
struct blob fixture_odt_with(const char *content, size_t len);
/*
 * Make the entry called name of a ZIP declare size uncompressed bytes: in
 * the central directory only, or everywhere (its local header and data
 * descriptor too), as a bomb that lies consistently would.
 */
void fixture_zip_understate(struct blob *b, const char *name, uint32_t size, bool everywhere);
/* A DOCX of n entries (n >= 2), each tiny and stored. */
struct blob fixture_docx_many(size_t n);
/* Make every central-directory entry of a ZIP declare size uncompressed bytes. */
void fixture_zip_declare(struct blob *b, uint32_t size);
/* An OLE2 compound file whose directory names stream (e.g. "WordDocument"), 1536 bytes. */
struct blob fixture_ole(const char *stream);
/* A PDF of exactly len bytes (len >= 64): header, filler, end marker. */
struct blob fixture_pdf(size_t len);

/* Fill a fixture's body (all but its first and last 64 bytes) with incompressible bytes from the
 * xorshift state *x. */
void fixture_noise(struct blob *b, uint32_t *x);

#endif
