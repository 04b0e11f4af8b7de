/*
 * transfer: building and verifying the employee archive with libarchive.
 * The archive is written as a stream to the caller's sink, one document at
 * a time: the manifest, written first, lists every file with the size and
 * hash the caller declared, and each document's bytes are checked against
 * them as they are added. So a builder holds one document at a time, never
 * the whole record or the whole archive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
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
	const char *path;
	const unsigned char *data;
	size_t len;
};

/* An entry's header; its data follows with write_data. */
static int
add_header(struct archive *a, const char *path, size_t len, time_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	int ok;

	archive_entry_set_pathname_utf8(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	ok = archive_write_header(a, e) == ARCHIVE_OK;
	archive_entry_free(e);
	return ok ? 0 : -1;
}

static int
add(struct archive *a, const struct file *f, time_t mtime)
{
	if (add_header(a, f->path, f->len, mtime) != 0)
		return -1;
	return f->len == 0 || archive_write_data(a, f->data, f->len) == (la_ssize_t)f->len ? 0 : -1;
}

static void
hex_of(const void *data, size_t len, char hex[2 * SHA256_LEN + 1])
{
	unsigned char h[SHA256_LEN];

	sha256(data, len, h);
	hex_encode(h, SHA256_LEN, hex);
}

struct transfer_writer {
	struct archive *a;
	transfer_sink_fn sink;
	void *cls;
	struct sha256_stream *hash; /* of the archive as written */
	size_t total;
	time_t mtime;
	size_t ndocs, next; /* documents declared, and the next one expected */
	char **paths;       /* documents' paths in the archive */
	const struct transfer_doc_meta *docs;
	struct sha256_stream *doc_hash; /* of the document being added */
	size_t doc_len;
	bool failed;
};

static la_ssize_t
to_sink(struct archive *a, void *cls, const void *data, size_t n)
{
	struct transfer_writer *w = cls;

	(void)a;
	if (w->sink(w->cls, data, n) != 0)
		return -1;
	sha256_add(w->hash, data, n);
	w->total += n;
	return (la_ssize_t)n;
}

/* The manifest: every file with its size and sha256, the documents' as declared. */
static char *
manifest_text(const struct transfer_head *in, const struct file *json_files, char *const *paths)
{
	json_t *list = json_array();
	char hex[2 * SHA256_LEN + 1];

	for (size_t i = 0; i < 2; i++) {
		hex_of(json_files[i].data, json_files[i].len, hex);
		json_array_append_new(list, json_pack("{s:s, s:I, s:s}", "path", json_files[i].path,
		                                      "size", (json_int_t)json_files[i].len,
		                                      "sha256", hex));
	}
	for (size_t i = 0; i < in->ndocs; i++)
		json_array_append_new(list, json_pack("{s:s, s:I, s:s}", "path", paths[i], "size",
		                                      (json_int_t)in->docs[i].len, "sha256",
		                                      in->docs[i].sha256));
	json_t *m =
	    json_pack("{s:i, s:s, s:s, s:s, s:o}", "format_version", TRANSFER_FORMAT_VERSION,
	              "employee_id", in->employee_id, "applicant_id", in->applicant_id,
	              "created_at", in->created_at, "files", list);
	char *text = json_dumps(m, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(m);
	return text;
}

static void
writer_free(struct transfer_writer *w)
{
	if (w == NULL)
		return;
	archive_write_free(w->a);
	for (size_t i = 0; i < w->ndocs; i++)
		free(w->paths[i]);
	free(w->paths);
	unsigned char unused[SHA256_LEN];
	if (w->hash != NULL)
		sha256_end(w->hash, unused);
	if (w->doc_hash != NULL)
		sha256_end(w->doc_hash, unused);
	free(w);
}

static void
fail_log(struct transfer_writer *w)
{
	const char *e = archive_error_string(w->a);
	/* libarchive's text can name a file (personal data): only whether it had one */
	log_msg(LOG_ERROR, "cannot build the transfer archive", "errno=%d has_text=%s",
	        archive_errno(w->a), e ? "yes" : "no");
	w->failed = true;
}

struct transfer_writer *
transfer_begin(const struct transfer_head *in, transfer_sink_fn sink, void *cls)
{
	struct transfer_writer *w = xcalloc(1, sizeof(*w));
	struct file json_files[2] = {{"applicant.json", (const unsigned char *)in->applicant_json,
	                              strlen(in->applicant_json)},
	                             {"applications.json",
	                              (const unsigned char *)in->applications_json,
	                              strlen(in->applications_json)}};

	w->a = archive_write_new();
	w->sink = sink;
	w->cls = cls;
	w->hash = sha256_begin();
	w->mtime = in->mtime;
	w->ndocs = in->ndocs;
	w->docs = in->docs;
	w->paths = xcalloc(in->ndocs + 1, sizeof(*w->paths));
	for (size_t i = 0; i < in->ndocs; i++) {
		char *safe = upload_safe_name(in->docs[i].filename);
		w->paths[i] = xasprintf("documents/%02zu-%s", i + 1, safe);
		free(safe);
	}
	char *mtext = manifest_text(in, json_files, w->paths);
	struct file mfile = {"manifest.json", (const unsigned char *)mtext, strlen(mtext)};
	bool ok = archive_write_set_format_pax_restricted(w->a) == ARCHIVE_OK &&
	          archive_write_add_filter_gzip(w->a) == ARCHIVE_OK &&
	          archive_write_set_filter_option(w->a, "gzip", "timestamp", NULL) == ARCHIVE_OK &&
	          archive_write_set_bytes_in_last_block(w->a, 1) == ARCHIVE_OK &&
	          archive_write_open2(w->a, w, NULL, to_sink, NULL, NULL) == ARCHIVE_OK &&
	          add(w->a, &mfile, w->mtime) == 0 && add(w->a, &json_files[0], w->mtime) == 0 &&
	          add(w->a, &json_files[1], w->mtime) == 0;
	free(mtext);
	if (!ok) {
		fail_log(w);
		writer_free(w);
		return NULL;
	}
	return w;
}

int
transfer_add_begin(struct transfer_writer *w)
{
	size_t i = w->next;

	if (w->failed || w->doc_hash != NULL || i >= w->ndocs)
		return -1;
	if (add_header(w->a, w->paths[i], w->docs[i].len, w->mtime) != 0) {
		fail_log(w);
		return -1;
	}
	w->doc_hash = sha256_begin();
	w->doc_len = 0;
	return 0;
}

int
transfer_add_data(struct transfer_writer *w, const unsigned char *data, size_t len)
{
	if (w->failed || w->doc_hash == NULL || w->doc_len + len > w->docs[w->next].len)
		return -1;
	sha256_add(w->doc_hash, data, len);
	w->doc_len += len;
	if (len > 0 && archive_write_data(w->a, data, len) != (la_ssize_t)len) {
		fail_log(w);
		return -1;
	}
	return 0;
}

int
transfer_add_end(struct transfer_writer *w)
{
	unsigned char h[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	size_t i = w->next;

	if (w->failed || w->doc_hash == NULL)
		return -1;
	sha256_end(w->doc_hash, h);
	w->doc_hash = NULL;
	hex_encode(h, SHA256_LEN, hex);
	/* the manifest, written first, promised these bytes */
	if (w->doc_len != w->docs[i].len || strcmp(hex, w->docs[i].sha256) != 0) {
		log_msg(LOG_ERROR, "a document's bytes differ from its recorded size or hash",
		        "index=%zu", i);
		w->failed = true;
		return -1;
	}
	w->next++;
	return 0;
}

int
transfer_add(struct transfer_writer *w, const unsigned char *data, size_t len)
{
	if (transfer_add_begin(w) != 0 || transfer_add_data(w, data, len) != 0)
		return -1;
	return transfer_add_end(w);
}

int
transfer_finish(struct transfer_writer *w, unsigned char sha[SHA256_LEN], size_t *len)
{
	int rc = -1;

	if (!w->failed && w->next == w->ndocs) {
		if (archive_write_close(w->a) == ARCHIVE_OK) {
			sha256_end(w->hash, sha);
			w->hash = NULL;
			*len = w->total;
			rc = 0;
		} else {
			fail_log(w);
		}
	}
	writer_free(w);
	return rc;
}

void
transfer_abort(struct transfer_writer *w)
{
	writer_free(w);
}

static int
to_buf(void *cls, const void *data, size_t n)
{
	return buf_append(cls, data, n);
}

unsigned char *
transfer_build(const struct transfer_input *in, size_t *len)
{
	struct transfer_doc_meta *meta = xcalloc(in->ndocs + 1, sizeof(*meta));
	char(*hex)[2 * SHA256_LEN + 1] = xcalloc(in->ndocs + 1, sizeof(*hex));
	unsigned char sha[SHA256_LEN];
	struct buf out;
	int ok;

	for (size_t i = 0; i < in->ndocs; i++) {
		hex_of(in->docs[i].data, in->docs[i].len, hex[i]);
		meta[i] = (struct transfer_doc_meta){in->docs[i].filename, in->docs[i].len, hex[i]};
	}
	struct transfer_head head = {
	    in->employee_id,    in->applicant_id,      in->created_at, in->mtime,
	    in->applicant_json, in->applications_json, meta,           in->ndocs};
	buf_init(&out, ARCHIVE_CAP);
	struct transfer_writer *w = transfer_begin(&head, to_buf, &out);
	ok = w != NULL;
	for (size_t i = 0; ok && i < in->ndocs; i++)
		ok = transfer_add(w, in->docs[i].data, in->docs[i].len) == 0;
	if (w != NULL && !ok)
		transfer_abort(w);
	ok = ok && transfer_finish(w, sha, len) == 0;
	free(meta);
	free(hex);
	if (!ok) {
		buf_fini(&out);
		return NULL;
	}
	return (unsigned char *)buf_steal(&out);
}

/* ------------------------------------------------------------------ */
/* verification                                                         */

/*
 * A path as the archive must spell it: relative, no "." or ".." segment, no
 * empty segment (so no "./x", "x/", "a//b"). Two spellings of one file
 * would let a tampered copy pass the manifest while tar -x wrote it.
 */
static bool
safe_path(const char *p)
{
	if (p == NULL || *p == '\0' || *p == '/')
		return false;
	for (const char *seg = p;;) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
		if (end == NULL)
			return true;
		seg = end + 1;
	}
}

/* How an error names an entry: the fixed names as they are, a document by its number only. */
static const char *
shown(const char *path, size_t index, char *out, size_t len)
{
	if (path != NULL && strncmp(path, "documents/", 10) != 0 && strlen(path) < 64)
		return path;
	snprintf(out, len, "entry %zu", index + 1);
	return out;
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
		char name[32];
		if (k == n)
			return fail(err, errlen,
			            "%s of the manifest: listed but missing from the archive",
			            shown(path, i, name, sizeof(name)));
		if ((json_int_t)seen[k].size != json_integer_value(json_object_get(f, "size")))
			return fail(err, errlen, "%s: its size differs from the manifest",
			            shown(path, k, name, sizeof(name)));
		const char *sha = json_string_value(json_object_get(f, "sha256"));
		if (sha == NULL || strcmp(sha, seen[k].sha) != 0)
			return fail(err, errlen, "%s: its sha256 differs from the manifest",
			            shown(path, k, name, sizeof(name)));
	}
	for (size_t k = 0; k < n; k++) {
		bool listed = false;
		json_array_foreach(files, i, f) listed |=
		    strcmp(json_string_value(json_object_get(f, "path")), seen[k].path) == 0;
		char name[32];
		if (!listed)
			return fail(err, errlen, "%s: in the archive but not in the manifest",
			            shown(seen[k].path, k, name, sizeof(name)));
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
	bool manifest_seen = false;

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
		char name[32];
		if (!safe_path(path) || strlen(path) >= sizeof(seen->path)) {
			fail(err, errlen, "%s: an unsafe path", shown(path, n, name, sizeof(name)));
			goto done;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			fail(err, errlen, "%s: not a regular file",
			     shown(path, n, name, sizeof(name)));
			goto done;
		}
		bool twice = is_manifest && manifest_seen;
		for (size_t k = 0; k < n && !twice; k++)
			twice = strcmp(seen[k].path, path) == 0;
		if (twice) {
			fail(err, errlen, "%s appears twice", shown(path, n, name, sizeof(name)));
			goto done;
		}
		manifest_seen |= is_manifest;
		struct seen s;
		snprintf(s.path, sizeof(s.path), "%s", path);
		if (hash_entry(a, &s, is_manifest ? &mtext : NULL) != 0) {
			fail(err, errlen, "%s: cannot be read (truncated or damaged)",
			     shown(path, n, name, sizeof(name)));
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
