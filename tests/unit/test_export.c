/* The export package, read back with libarchive's reader: every file, the manifest last with
 * each other file's size and sha256, safe paths, and a readable index.html. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/buf.h"
#include "domain/export.h"

static int
to_buf(void *cls, const void *data, size_t len)
{
	return buf_append(cls, data, len) == 0 ? 0 : -1;
}

static void
test_package(void **state)
{
	struct buf out;
	size_t size;
	unsigned char hash[SHA256_LEN], again[SHA256_LEN];

	(void)state;
	buf_init(&out, 1 << 20);
	struct export_writer *w = export_begin(1700000000, to_buf, &out);
	assert_non_null(w);
	char *doc = export_document_path(1, "../../etc/Lebenslauf Zoë.pdf");
	assert_null(strstr(doc, ".."));
	assert_int_equal(strncmp(doc, "documents/01-", 13), 0);
	assert_int_equal(export_add(w, "data.json", "{\"a\":1}", 7), 0);
	assert_int_equal(export_add(w, doc, "%PDF-1.4 bytes", 14), 0);
	assert_int_equal(export_finish(w, &size, hash), 0);
	assert_int_equal(size, out.len);
	sha256(out.data, out.len, again);
	assert_memory_equal(hash, again, SHA256_LEN);

	struct archive *a = archive_read_new();
	struct archive_entry *e;
	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_memory(a, out.data, out.len), ARCHIVE_OK);
	const char *want[] = {"data.json", doc, "manifest.json"};
	char manifest[4096] = "";
	for (int i = 0; i < 3; i++) {
		assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
		assert_string_equal(archive_entry_pathname(e), want[i]);
		if (i == 2) {
			la_ssize_t n = archive_read_data(a, manifest, sizeof(manifest) - 1);
			assert_true(n > 0);
			manifest[n] = '\0';
		}
	}
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_EOF);
	archive_read_free(a);
	json_t *m = json_loads(manifest, 0, NULL);
	json_t *files = json_object_get(m, "files");
	assert_int_equal(json_array_size(files), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(files, 1), "size")), 14);
	char hex[2 * SHA256_LEN + 1];
	sha256("%PDF-1.4 bytes", 14, hash);
	hex_encode(hash, SHA256_LEN, hex);
	assert_string_equal(json_string_value(json_object_get(json_array_get(files, 1), "sha256")),
	                    hex);
	json_decref(m);
	free(doc);
	buf_fini(&out);
}

/* A sink that fails stops the package; nothing is left half-owned. */
static int
refuse(void *cls, const void *data, size_t len)
{
	(void)cls;
	(void)data;
	(void)len;
	return -1;
}

static void
test_failing_sink(void **state)
{
	size_t size;
	unsigned char hash[SHA256_LEN];

	(void)state;
	struct export_writer *w = export_begin(0, refuse, NULL);
	if (w == NULL)
		return; /* refused at once: as good */
	char big[70000];
	memset(big, 'x', sizeof(big));
	(void)!export_add(w, "data.json", big, sizeof(big));
	assert_int_equal(export_finish(w, &size, hash), -1);
}

static void
test_index_html_escapes(void **state)
{
	(void)state;
	json_t *data =
	    json_pack("{s:{s:s}}", "applicant", "full_name", "<script>alert(1)</script>");
	json_t *cats = json_pack("[{s:s}]", "category", "a & b");
	char *html = export_index_html(data, cats, "Acme <Inc>");
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "&lt;script&gt;"));
	assert_non_null(strstr(html, "a &amp; b"));
	assert_non_null(strstr(html, "Acme &lt;Inc&gt;"));
	free(html);
	json_decref(data);
	json_decref(cats);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_package),
	    cmocka_unit_test(test_failing_sink),
	    cmocka_unit_test(test_index_html_escapes),
	};
	return cmocka_run_group_tests_name("unit export", tests, NULL, NULL);
}
