/* export: the package of a person's data. See export.h. */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "domain/export.h"
#include "domain/upload.h"

struct export_writer {
	struct archive *a;
	export_sink_fn sink;
	void *cls;
	struct sha256_stream *hash;
	size_t total;
	time_t mtime;
	json_t *files; /* the manifest's list */
	bool failed;
	/* the file being added */
	char *path;
	size_t len, written;
	struct sha256_stream *file_hash;
};

static la_ssize_t
to_sink(struct archive *a, void *cls, const void *data, size_t n)
{
	struct export_writer *w = cls;

	(void)a;
	if (w->sink(w->cls, data, n) != 0)
		return -1;
	sha256_add(w->hash, data, n);
	w->total += n;
	return (la_ssize_t)n;
}

static void
writer_free(struct export_writer *w)
{
	unsigned char discard[SHA256_LEN];

	if (w->a != NULL)
		archive_write_free(w->a);
	if (w->hash != NULL)
		sha256_end(w->hash, discard);
	if (w->file_hash != NULL)
		sha256_end(w->file_hash, discard);
	json_decref(w->files);
	free(w->path);
	free(w);
}

struct export_writer *
export_begin(time_t mtime, export_sink_fn sink, void *cls)
{
	struct export_writer *w = xcalloc(1, sizeof(*w));

	w->a = archive_write_new();
	w->sink = sink;
	w->cls = cls;
	w->mtime = mtime;
	w->hash = sha256_begin();
	w->files = json_array();
	if (archive_write_set_format_zip(w->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK ||
	    archive_write_open2(w->a, w, NULL, to_sink, NULL, NULL) != ARCHIVE_OK) {
		log_msg(LOG_ERROR, "export failed", "step=open");
		writer_free(w);
		return NULL;
	}
	return w;
}

/* Documents are mostly compressed already (PDF, DOCX, ODT): stored as they are, they cost no
 * time; the JSON and HTML are deflated. */
static bool
is_document(const char *path)
{
	return strncmp(path, "documents/", 10) == 0;
}

int
export_add_begin(struct export_writer *w, const char *path, size_t len)
{
	struct archive_entry *e;
	bool ok;

	if (w->failed || w->path != NULL)
		return -1;
	if ((is_document(path) ? archive_write_zip_set_compression_store(w->a)
	                       : archive_write_zip_set_compression_deflate(w->a)) != ARCHIVE_OK) {
		log_msg(LOG_ERROR, "export failed", "step=compression");
		w->failed = true;
		return -1;
	}
	e = archive_entry_new();
	archive_entry_set_pathname_utf8(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, w->mtime, 0);
	ok = archive_write_header(w->a, e) == ARCHIVE_OK;
	archive_entry_free(e);
	if (!ok) {
		log_msg(LOG_ERROR, "export failed", "step=add");
		w->failed = true;
		return -1;
	}
	w->path = xstrdup(path);
	w->len = len;
	w->written = 0;
	w->file_hash = sha256_begin();
	return 0;
}

int
export_add_data(struct export_writer *w, const void *data, size_t len)
{
	if (w->failed || w->path == NULL || len > w->len - w->written)
		return -1;
	if (len > 0 && archive_write_data(w->a, data, len) != (la_ssize_t)len) {
		log_msg(LOG_ERROR, "export failed", "step=add");
		w->failed = true;
		return -1;
	}
	sha256_add(w->file_hash, data, len);
	w->written += len;
	return 0;
}

int
export_add_end(struct export_writer *w)
{
	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	if (w->failed || w->path == NULL)
		return -1;
	sha256_end(w->file_hash, hash);
	w->file_hash = NULL;
	if (w->written != w->len || archive_write_finish_entry(w->a) != ARCHIVE_OK) {
		log_msg(LOG_ERROR, "export failed", "step=add");
		w->failed = true;
		return -1;
	}
	hex_encode(hash, SHA256_LEN, hex);
	json_array_append_new(w->files, json_pack("{s:s, s:I, s:s}", "path", w->path, "size",
	                                          (json_int_t)w->len, "sha256", hex));
	free(w->path);
	w->path = NULL;
	return 0;
}

int
export_add(struct export_writer *w, const char *path, const void *data, size_t len)
{
	if (export_add_begin(w, path, len) != 0 || export_add_data(w, data, len) != 0)
		return -1;
	return export_add_end(w);
}

char *
export_document_path(size_t index, const char *filename)
{
	char *safe = upload_safe_name(filename);
	char *path = xasprintf("documents/%02zu-%s", index, safe);

	free(safe);
	return path;
}

int
export_finish(struct export_writer *w, size_t *size, unsigned char out[SHA256_LEN])
{
	json_t *manifest = json_pack("{s:i, s:O}", "format_version", 1, "files", w->files);
	char *text = json_dumps(manifest, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = -1;

	json_decref(manifest);
	if (!w->failed && text != NULL && export_add(w, "manifest.json", text, strlen(text)) == 0 &&
	    archive_write_close(w->a) == ARCHIVE_OK) {
		sha256_end(w->hash, out);
		w->hash = NULL;
		*size = w->total;
		rc = 0;
	} else {
		log_msg(LOG_ERROR, "export failed", "step=finish");
	}
	free(text);
	writer_free(w);
	return rc;
}

void
export_abort(struct export_writer *w)
{
	if (w != NULL)
		writer_free(w);
}
