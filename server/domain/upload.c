/*
 * upload: type sniffing and file names. Every reader of a container format
 * here checks bounds before it reads, so a truncated or hostile file is
 * DOC_UNKNOWN, never a read past the end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "core/xalloc.h"
#include "domain/upload.h"
#include "domain/zip.h"

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

static bool
has_prefix(const unsigned char *d, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(d, prefix, n) == 0;
}

static bool
is_pdf(const unsigned char *d, size_t len)
{
	size_t tail = len < 1024 ? len : 1024;

	if (!has_prefix(d, len, "%PDF-"))
		return false;
	for (size_t i = len - tail; i + 5 <= len; i++)
		if (memcmp(d + i, "%%EOF", 5) == 0)
			return true;
	return false; /* truncated: no end-of-file marker */
}

/* ZIP: the central directory's entry names, checked for a container's markers. */
struct zip_marks {
	bool content_types, word_document, mimetype_odt, content_xml;
	unsigned entries;
	uint64_t declared; /* the entries' uncompressed sizes, added up (never inflated) */
	bool zip64;        /* a size left to a ZIP64 extra field: not taken */
};

static const char odt_mimetype[] = "application/vnd.oasis.opendocument.text";

static bool
name_is(const unsigned char *name, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(name, want, n) == 0;
}

/* Whether the stored (uncompressed) "mimetype" entry at local header offset off says ODT. */
static bool
odt_mimetype_at(const unsigned char *d, size_t len, uint32_t off)
{
	size_t data;

	if ((size_t)off + 30 > len || le32(d + off) != 0x04034b50 || le16(d + off + 8) != 0)
		return false;
	data = (size_t)off + 30 + le16(d + off + 26) + le16(d + off + 28);
	return le32(d + off + 18) == sizeof(odt_mimetype) - 1 &&
	       data + sizeof(odt_mimetype) - 1 <= len &&
	       memcmp(d + data, odt_mimetype, sizeof(odt_mimetype) - 1) == 0;
}

static bool
zip_scan(const unsigned char *d, size_t len, struct zip_marks *m)
{
	struct zip_walk z;
	struct zip_member e;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!zip_open(&z, d, len))
		return false;
	while ((rc = zip_next(&z, &e)) == 1) {
		m->entries++;
		m->zip64 |= e.size == 0xFFFFFFFFu || e.compressed == 0xFFFFFFFFu;
		m->declared += e.size;
		m->content_types |= name_is(e.name, e.name_len, "[Content_Types].xml");
		m->word_document |= name_is(e.name, e.name_len, "word/document.xml");
		m->content_xml |= name_is(e.name, e.name_len, "content.xml");
		if (name_is(e.name, e.name_len, "mimetype"))
			m->mimetype_odt = odt_mimetype_at(d, len, e.local);
	}
	return rc == 0;
}

/* OLE2 compound file with a "WordDocument" entry in its first directory sector. */
static bool
is_doc(const unsigned char *d, size_t len)
{
	static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	static const char name[] = "WordDocument";
	size_t sector, dir;
	uint16_t shift;

	if (len < 512 || memcmp(d, magic, 8) != 0)
		return false;
	/* The sector shift comes from the file: check it before shifting by it. */
	shift = le16(d + 0x1E);
	if (shift != 9 && shift != 12)
		return false;
	sector = (size_t)1 << shift;
	dir = ((size_t)le32(d + 0x30) + 1) * sector;
	if (dir + sector > len)
		return false; /* truncated */
	for (size_t e = dir; e + 128 <= dir + sector; e += 128) {
		bool match = le16(d + e + 64) == 2 * sizeof(name);
		for (size_t i = 0; match && i < sizeof(name) - 1; i++)
			match = d[e + 2 * i] == (unsigned char)name[i] && d[e + 2 * i + 1] == 0;
		if (match)
			return true;
	}
	return false;
}

static bool
is_rtf(const unsigned char *d, size_t len)
{
	size_t n = len;

	if (!has_prefix(d, len, "{\\rtf"))
		return false;
	while (n > 0 &&
	       (d[n - 1] == '\n' || d[n - 1] == '\r' || d[n - 1] == ' ' || d[n - 1] == '\0'))
		n--;
	return n > 0 && d[n - 1] == '}';
}

static bool
is_text(const unsigned char *d, size_t len)
{
	if (!is_utf8((const char *)d, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f') ||
		    d[i] == 0x7f)
			return false;
	return true;
}

/*
 * What the directory declares is only what it says: each entry is held to
 * its local header and data descriptor and inflated, capped at its declared
 * size (the declared sizes, added up, were bounded above), so an entry that
 * would inflate past what the directory says is found without inflating it.
 */
static const char *
entries_unsafe(const unsigned char *d, size_t len)
{
	struct zip_walk z;
	struct zip_member e;
	const char *why = NULL;

	if (!zip_open(&z, d, len))
		return NULL;
	while (why == NULL && zip_next(&z, &e) == 1)
		why = zip_check(&z, &e);
	return why;
}

const char *
upload_bomb(const unsigned char *d, size_t len)
{
	struct zip_marks m;

	if (!zip_scan(d, len, &m))
		return NULL;
	if (m.entries > UPLOAD_ZIP_MAX_ENTRIES)
		return "the ZIP container holds more than 1000 entries";
	if (m.zip64 || m.declared > UPLOAD_ZIP_MAX_DECLARED)
		return "the ZIP container declares more than 100 MiB of contents";
	if (m.declared > (uint64_t)len * UPLOAD_ZIP_MAX_RATIO)
		return "the ZIP container declares more than 100 times its own size";
	return entries_unsafe(d, len);
}

enum doc_type
upload_sniff(const unsigned char *d, size_t len)
{
	struct zip_marks m;

	if (len == 0)
		return DOC_UNKNOWN;
	if (is_pdf(d, len))
		return DOC_PDF;
	if (zip_scan(d, len, &m)) {
		if (m.content_types && m.word_document)
			return DOC_DOCX;
		if (m.mimetype_odt && m.content_xml)
			return DOC_ODT;
		return DOC_UNKNOWN;
	}
	if (is_doc(d, len))
		return DOC_DOC;
	if (is_rtf(d, len))
		return DOC_RTF;
	/* A file that starts like one of the formats above but is not a whole one is
	   broken or disguised: never pass it off as plain text. */
	if (has_prefix(d, len, "%PDF-") || has_prefix(d, len, "PK\x03\x04") ||
	    has_prefix(d, len, "{\\rtf") || has_prefix(d, len, "\xD0\xCF\x11\xE0"))
		return DOC_UNKNOWN;
	if (is_text(d, len))
		return DOC_TEXT;
	return DOC_UNKNOWN;
}

static const char *const media_types[] = {
    [DOC_UNKNOWN] = NULL,
    [DOC_PDF] = "application/pdf",
    [DOC_DOCX] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    [DOC_ODT] = "application/vnd.oasis.opendocument.text",
    [DOC_DOC] = "application/msword",
    [DOC_RTF] = "application/rtf",
    [DOC_TEXT] = "text/plain; charset=utf-8",
};

const char *
upload_content_type(enum doc_type type)
{
	return media_types[type];
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t
utf8_seq(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80             ? 1
	           : (c & 0xE0) == 0xC0 ? 2
	           : (c & 0xF0) == 0xE0 ? 3
	           : (c & 0xF8) == 0xF0 ? 4
	                                : 0;

	for (size_t i = 1; i < n; i++)
		if (s[i] == '\0')
			return 0;
	return n && is_utf8(s, n) ? n : 0;
}

/* Browsers send '"', CR and LF in multipart file names as %22, %0D and %0A (HTML's rule); undo just
 * those. */
static char *
unescape_browser(const char *name)
{
	char *out = xstrdup(name ? name : ""), *o = out;

	for (const char *p = out; *p; p++) {
		if (p[0] == '%' && p[1] == '2' && p[2] == '2')
			*o++ = '"', p += 2;
		else if (p[0] == '%' && p[1] == '0' &&
		         (p[2] == 'D' || p[2] == 'd' || p[2] == 'A' || p[2] == 'a'))
			*o++ = (p[2] == 'D' || p[2] == 'd') ? '\r' : '\n', p += 2;
		else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *
upload_safe_name(const char *name)
{
	char *plain = unescape_browser(name);
	const char *base = plain;
	char *out, *o;
	size_t len;

	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	out = o = xmalloc(strlen(base) + 1);
	for (const char *p = base; *p;) {
		size_t n = utf8_seq(p);
		if (n == 0) { /* a stray byte */
			*o++ = '_';
			p++;
		} else if (n == 1 && ((unsigned char)*p < 0x20 || *p == 0x7f ||
		                      strchr("\"'`<>:*?|;$&%", *p))) {
			*o++ = (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : '_';
			p++;
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o = '\0';
	free(plain);
	/* no leading dots or spaces (hidden files, "..") and no trailing ones */
	len = strspn(out, ". ");
	memmove(out, out + len, strlen(out + len) + 1);
	for (len = strlen(out); len > 0 && (out[len - 1] == ' ' || out[len - 1] == '.');)
		out[--len] = '\0';
	if (len > 200) { /* cut at a character boundary */
		len = 200;
		while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80)
			len--;
		out[len] = '\0';
	}
	if (len == 0) {
		free(out);
		out = xstrdup("document");
	}
	return out;
}

char *
upload_disposition(const char *safe)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(safe);
	char *ascii = xmalloc(n + 1), *enc = xmalloc(3 * n + 1), *a = ascii, *e = enc;

	for (const unsigned char *p = (const unsigned char *)safe; *p; p++) {
		if (*p >= 0x80) {
			if ((*p & 0xC0) != 0x80)
				*a++ = '_';
		} else {
			*a++ = *p == '\\' || *p == '"' ? '_' : (char)*p;
		}
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)) {
			*e++ = (char)*p;
		} else {
			*e++ = '%';
			*e++ = hex[*p >> 4];
			*e++ = hex[*p & 15];
		}
	}
	*a = *e = '\0';
	char *out = xasprintf("attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
	free(ascii);
	free(enc);
	return out;
}
