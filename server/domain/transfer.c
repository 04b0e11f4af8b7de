/*
 * transfer: building and verifying the employee archive with libarchive.
 * The archive is assembled in one growable buffer; hashes are computed on
 * the bytes as they are written, so the manifest, written first, lists what
 * follows it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST /* inflate reads the archive through a const pointer */
#include <zlib.h>

#include "core/buf.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "domain/transfer.h"
#include "domain/upload.h"

#define ARCHIVE_CAP ((size_t)1 << 34)

struct file {
	char *path;
	const unsigned char *data;
	size_t len;
};

static la_ssize_t
to_buf(struct archive *a, void *cls, const void *data, size_t n)
{
	(void)a;
	return buf_append(cls, data, n) == 0 ? (la_ssize_t)n : -1;
}

static int
add(struct archive *a, const struct file *f, time_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	int ok;

	archive_entry_set_pathname_utf8(e, f->path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)f->len);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	ok = archive_write_header(a, e) == ARCHIVE_OK &&
	     (f->len == 0 || archive_write_data(a, f->data, f->len) == (la_ssize_t)f->len);
	archive_entry_free(e);
	return ok ? 0 : -1;
}

static json_t *
manifest_of(const struct transfer_input *in, const struct file *files, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++) {
		unsigned char h[SHA256_LEN];
		char hex[2 * SHA256_LEN + 1];
		sha256(files[i].data, files[i].len, h);
		hex_encode(h, SHA256_LEN, hex);
		json_array_append_new(list,
		                      json_pack("{s:s, s:I, s:s}", "path", files[i].path, "size",
		                                (json_int_t)files[i].len, "sha256", hex));
	}
	return json_pack("{s:i, s:s, s:s, s:s, s:o}", "format_version", TRANSFER_FORMAT_VERSION,
	                 "employee_id", in->employee_id, "applicant_id", in->applicant_id,
	                 "created_at", in->created_at, "files", list);
}

/* The files after the manifest, in a fixed order, with safe unique names. */
static struct file *
files_of(const struct transfer_input *in, size_t *n)
{
	struct file *f = xcalloc(in->ndocs + 2, sizeof(*f));

	f[0] = (struct file){xstrdup("applicant.json"), (const unsigned char *)in->applicant_json,
	                     strlen(in->applicant_json)};
	f[1] = (struct file){xstrdup("applications.json"),
	                     (const unsigned char *)in->applications_json,
	                     strlen(in->applications_json)};
	for (size_t i = 0; i < in->ndocs; i++) {
		char *safe = upload_safe_name(in->docs[i].filename);
		f[i + 2] = (struct file){xasprintf("documents/%02zu-%s", i + 1, safe),
		                         in->docs[i].data, in->docs[i].len};
		free(safe);
	}
	*n = in->ndocs + 2;
	return f;
}

unsigned char *
transfer_build(const struct transfer_input *in, size_t *len)
{
	struct archive *a = archive_write_new();
	struct buf out;
	size_t n;
	struct file *files = files_of(in, &n);
	json_t *manifest = manifest_of(in, files, n);
	char *mtext = json_dumps(manifest, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	struct file mfile = {xstrdup("manifest.json"), (const unsigned char *)mtext, strlen(mtext)};
	int ok;

	buf_init(&out, ARCHIVE_CAP);
	ok = archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
	     archive_write_add_filter_gzip(a) == ARCHIVE_OK &&
	     archive_write_set_filter_option(a, "gzip", "timestamp", NULL) == ARCHIVE_OK &&
	     archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK &&
	     archive_write_open2(a, &out, NULL, to_buf, NULL, NULL) == ARCHIVE_OK &&
	     add(a, &mfile, in->mtime) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = add(a, &files[i], in->mtime) == 0;
	ok = ok && archive_write_close(a) == ARCHIVE_OK;
	if (!ok)
		log_msg(LOG_ERROR, "cannot build the transfer archive", "error=\"%s\"",
		        archive_error_string(a) ? archive_error_string(a) : "?");
	archive_write_free(a);
	for (size_t i = 0; i < n; i++)
		free(files[i].path);
	free(files);
	free(mfile.path);
	free(mtext);
	json_decref(manifest);
	if (!ok) {
		buf_fini(&out);
		return NULL;
	}
	*len = out.len;
	return (unsigned char *)buf_steal(&out);
}

/* ------------------------------------------------------------------ */
/* verification                                                         */

static bool
safe_path(const char *p)
{
	if (p == NULL || *p == '\0' || *p == '/')
		return false;
	for (const char *s = p; *s; s = strchr(s, '/') ? strchr(s, '/') + 1 : s + strlen(s))
		if (strncmp(s, "..", 2) == 0 && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

struct seen {
	char path[512];
	size_t size;
	char sha[2 * SHA256_LEN + 1];
};

/* Read the entry's data, hashing it; the manifest's text is kept when keep is not NULL. */
static int
hash_entry(struct archive *a, struct seen *s, struct buf *keep)
{
	struct sha256_stream *h = sha256_begin();
	unsigned char block[65536], d[SHA256_LEN];
	la_ssize_t n;

	s->size = 0;
	while ((n = archive_read_data(a, block, sizeof(block))) > 0) {
		sha256_add(h, block, (size_t)n);
		s->size += (size_t)n;
		if (keep && buf_append(keep, block, (size_t)n) != 0)
			n = -1;
		if (n < 0)
			break;
	}
	sha256_end(h, d);
	hex_encode(d, SHA256_LEN, s->sha);
	return n < 0 ? -1 : 0;
}

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
compare(json_t *manifest, const struct seen *seen, size_t n, char *err, size_t errlen)
{
	json_t *files = json_object_get(manifest, "files"), *f;
	size_t i;

	if (!json_is_array(files))
		return fail(err, errlen, "%s has no list of files", "manifest.json");
	json_array_foreach(files, i, f)
	{
		const char *path = json_string_value(json_object_get(f, "path"));
		size_t k = 0;
		if (path == NULL)
			return fail(err, errlen, "%s lists a file without a path", "manifest.json");
		while (k < n && strcmp(seen[k].path, path) != 0)
			k++;
		if (k == n)
			return fail(err, errlen,
			            "%s: listed in the manifest but missing from the archive",
			            path);
		if ((json_int_t)seen[k].size != json_integer_value(json_object_get(f, "size")))
			return fail(err, errlen, "%s: its size differs from the manifest", path);
		const char *sha = json_string_value(json_object_get(f, "sha256"));
		if (sha == NULL || strcmp(sha, seen[k].sha) != 0)
			return fail(err, errlen, "%s: its sha256 differs from the manifest", path);
	}
	for (size_t k = 0; k < n; k++) {
		bool listed = false;
		json_array_foreach(files, i, f) listed |=
		    strcmp(json_string_value(json_object_get(f, "path")), seen[k].path) == 0;
		if (!listed)
			return fail(err, errlen, "%s: in the archive but not in the manifest",
			            seen[k].path);
	}
	return 0;
}

/*
 * Inflate the whole gzip stream with zlib, which checks the trailer's CRC-32
 * and length (libarchive stops at the tar end marker and never reads them),
 * and refuse anything after the stream.
 */
static int
check_stream(const unsigned char *data, size_t len, char *err, size_t errlen)
{
	z_stream z;
	unsigned char block[65536];
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return fail(err, errlen, "%s", "cannot check the gzip stream");
	z.next_in = data;
	z.avail_in = (uInt)len;
	do {
		z.next_out = block;
		z.avail_out = sizeof(block);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK);
	bool whole = r == Z_STREAM_END && z.avail_in == 0 && len <= UINT32_MAX;
	inflateEnd(&z);
	if (!whole)
		return fail(err, errlen, "the archive is damaged: %s",
		            r == Z_STREAM_END ? "data after the end of the gzip stream"
		                              : "its gzip checksum does not match");
	return 0;
}

int
transfer_verify(const unsigned char *data, size_t len, char *err, size_t errlen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct buf mtext;
	struct seen *seen = NULL;
	size_t n = 0;
	int rc = -1, r;

	buf_init(&mtext, 16u << 20);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		fail(err, errlen, "not a tar.gz archive: %s",
		     archive_error_string(a) ? archive_error_string(a) : "?");
		goto done;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname_utf8(e) ? archive_entry_pathname_utf8(e)
		                                                  : archive_entry_pathname(e);
		bool is_manifest = path && strcmp(path, "manifest.json") == 0;
		if (!safe_path(path) || strlen(path) >= sizeof(seen->path)) {
			fail(err, errlen, "%s: an unsafe path", path ? path : "(none)");
			goto done;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			fail(err, errlen, "%s: not a regular file", path);
			goto done;
		}
		if (is_manifest && mtext.len > 0) {
			fail(err, errlen, "%s appears twice", path);
			goto done;
		}
		struct seen s;
		snprintf(s.path, sizeof(s.path), "%s", path);
		if (hash_entry(a, &s, is_manifest ? &mtext : NULL) != 0) {
			fail(err, errlen, "%s: cannot be read (truncated or damaged)", path);
			goto done;
		}
		if (!is_manifest) {
			seen = xrealloc(seen, (n + 1) * sizeof(*seen));
			seen[n++] = s;
		}
	}
	if (r != ARCHIVE_EOF) {
		fail(err, errlen, "the archive is damaged: %s",
		     archive_error_string(a) ? archive_error_string(a) : "?");
		goto done;
	}
	json_t *manifest =
	    mtext.len ? json_loadb(mtext.data, mtext.len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (manifest == NULL)
		fail(err, errlen, "%s is missing or not JSON", "manifest.json");
	else if ((rc = compare(manifest, seen, n, err, errlen)) == 0)
		rc = check_stream(data, len, err, errlen);
	json_decref(manifest);
done:
	archive_read_free(a);
	buf_fini(&mtext);
	free(seen);
	return rc;
}
