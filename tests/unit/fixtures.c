/* fixtures: test documents built in memory. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "fixtures.h"

struct blob
fixture_zip(const struct zip_entry *entries, size_t n)
{
	size_t cap = 1 << 20, used = 0;
	unsigned char *buf = xmalloc(cap);
	struct archive *a = archive_write_new();
	struct blob b;

	archive_write_set_format_zip(a);
	archive_write_set_options(a, "zip:compression=store");
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = strlen(entries[i].content);
		archive_entry_set_pathname(e, entries[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_write_header(a, e);
		archive_write_data(a, entries[i].content, len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	b.data = buf;
	b.len = used;
	return b;
}

struct blob
fixture_docx(void)
{
	static const struct zip_entry e[] = {
	    {"[Content_Types].xml",
	     "<?xml version=\"1.0\"?><Types "
	     "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
	    {"_rels/.rels", "<?xml version=\"1.0\"?><Relationships/>"},
	    {"word/document.xml", "<?xml version=\"1.0\"?><w:document><w:body><w:p>Jane "
	                          "Doe</w:p></w:body></w:document>"},
	};
	return fixture_zip(e, 3);
}

struct blob
fixture_odt(void)
{
	static const struct zip_entry e[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.text"},
	    {"content.xml", "<?xml version=\"1.0\"?><office:document-content/>"},
	    {"META-INF/manifest.xml", "<?xml version=\"1.0\"?><manifest:manifest/>"},
	};
	return fixture_zip(e, 3);
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
dir_entry(unsigned char *e, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < n; i++)
		e[2 * i] = (unsigned char)name[i];
	put16(e + 64, (unsigned)(2 * (n + 1)));
	e[66] = 2; /* a stream */
}

struct blob
fixture_ole(const char *stream)
{
	static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	struct blob b = {xcalloc(1, 1536), 1536};

	memcpy(b.data, magic, 8);
	put16(b.data + 0x1A, 3); /* major version */
	put16(b.data + 0x1C, 0xFFFE);
	put16(b.data + 0x1E, 9); /* 512-byte sectors */
	put16(b.data + 0x20, 6);
	/* first directory sector: 0, i.e. right after the header */
	dir_entry(b.data + 512, "Root Entry");
	b.data[512 + 66] = 5;
	dir_entry(b.data + 512 + 128, stream);
	return b;
}

struct blob
fixture_pdf(size_t len)
{
	static const char head[] =
	    "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n";
	static const char tail[] = "\ntrailer << /Root 1 0 R >>\n%%EOF\n";
	struct blob b = {xmalloc(len), len};

	memcpy(b.data, head, sizeof(head) - 1);
	for (size_t i = sizeof(head) - 1; i < len - (sizeof(tail) - 1); i++)
		b.data[i] = (unsigned char)(i * 2654435761u >>
		                            13); /* binary filler, like compressed streams */
	memcpy(b.data + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	return b;
}

struct blob
fixture_docx_with(const char *document, size_t len, bool deflate)
{
	return fixture_docx_options(document, len,
	                            deflate ? "zip:compression=deflate" : "zip:compression=store");
}

struct blob
fixture_docx_options(const char *document, size_t len, const char *options)
{
	size_t cap = len + (1 << 20), used = 0;
	unsigned char *buf = xmalloc(cap);
	struct archive *a = archive_write_new();
	static const char types[] = "<?xml version=\"1.0\"?><Types/>";
	struct {
		const char *name;
		const char *data;
		size_t len;
	} e[] = {{"[Content_Types].xml", types, sizeof(types) - 1},
	         {"word/document.xml", document, len}};
	struct blob b;

	archive_write_set_format_zip(a);
	archive_write_set_options(a, options);
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < 2; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)e[i].len);
		archive_write_header(a, ae);
		archive_write_data(a, e[i].data, e[i].len);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	b.data = buf;
	b.len = used;
	return b;
}

struct blob
fixture_odt_with(const char *content, size_t len)
{
	size_t cap = len + (1 << 20), used = 0;
	unsigned char *buf = xmalloc(cap);
	struct archive *a = archive_write_new();
	static const char mimetype[] = "application/vnd.oasis.opendocument.text";
	struct {
		const char *name;
		const char *data;
		size_t len;
	} e[] = {{"mimetype", mimetype, sizeof(mimetype) - 1}, {"content.xml", content, len}};
	struct blob b;

	archive_write_set_format_zip(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < 2; i++) {
		struct archive_entry *ae = archive_entry_new();
		/* the mimetype stored, as ODT requires; the content deflated */
		if (i == 0)
			archive_write_zip_set_compression_store(a);
		else
			archive_write_zip_set_compression_deflate(a);
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)e[i].len);
		archive_write_header(a, ae);
		archive_write_data(a, e[i].data, e[i].len);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	b.data = buf;
	b.len = used;
	return b;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

void
fixture_zip_understate(struct blob *b, const char *name, uint32_t size, bool everywhere)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + 46 <= b->len; i++) {
		if (memcmp(b->data + i, "PK\x01\x02", 4) != 0 ||
		    get32(b->data + i + 28) % 65536 != n || memcmp(b->data + i + 46, name, n) != 0)
			continue;
		put32(b->data + i + 24, size);
		if (!everywhere)
			return;
		unsigned char *local = b->data + get32(b->data + i + 42);
		if (get32(local + 22) != 0)
			put32(local + 22, size);
		if (local[6] & 0x08) { /* the data descriptor after the data */
			unsigned char *dd = local + 30 + (local[26] | local[27] << 8) +
			                    (local[28] | local[29] << 8) + get32(b->data + i + 20);
			if (memcmp(dd, "PK\x07\x08", 4) == 0)
				dd += 4;
			put32(dd + 8, size);
		}
		return;
	}
}

struct blob
fixture_docx_many(size_t n)
{
	struct zip_entry *e = xcalloc(n, sizeof(*e));
	char(*names)[48] = xcalloc(n, sizeof(*names));
	struct blob b;

	e[0] = (struct zip_entry){"[Content_Types].xml", "<Types/>"};
	e[1] = (struct zip_entry){"word/document.xml", "<w:document/>"};
	for (size_t i = 2; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "word/media/p%zu.xml", i);
		e[i] = (struct zip_entry){names[i], "x"};
	}
	b = fixture_zip(e, n);
	free(e);
	free(names);
	return b;
}

void
fixture_zip_declare(struct blob *b, uint32_t size)
{
	for (size_t i = 0; i + 46 <= b->len; i++)
		if (memcmp(b->data + i, "PK\x01\x02", 4) == 0) {
			b->data[i + 24] = (unsigned char)size;
			b->data[i + 25] = (unsigned char)(size >> 8);
			b->data[i + 26] = (unsigned char)(size >> 16);
			b->data[i + 27] = (unsigned char)(size >> 24);
		}
}

void
fixture_noise(struct blob *b, uint32_t *x)
{
	for (size_t k = 64; k + 64 < b->len; k++) {
		*x ^= *x << 13;
		*x ^= *x >> 17;
		*x ^= *x << 5;
		b->data[k] = (unsigned char)*x;
	}
}
