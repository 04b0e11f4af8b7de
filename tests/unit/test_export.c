/* The export package, read back with libarchive's reader: every file, the manifest last with
 * each other file's size and sha256, safe paths, and a readable index.html. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/buf.h"
#include "domain/export.h"
#include "domain/report.h"

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

/* The report a person reads: escaped, in words, documents linked, nothing from elsewhere. */
static void
test_report(void **state)
{
	(void)state;
	json_t *data = json_loads(
	    "{\"applicant\": {\"full_name\": \"<script>alert(1)</script>\", \"email\": "
	    "\"zoe@example.com\", \"source\": {\"type\": \"direct\"}, \"created_at\": "
	    "\"2026-03-01T09:30:00.000000Z\", \"marketing_opt_in\": false, \"sharing_opt_out\": "
	    "true, \"consent\": {\"privacy_notice_version\": \"2026-01\", "
	    "\"privacy_notice_accepted_at\": \"2026-03-01T09:29:00Z\", \"age_attested_at\": "
	    "\"2026-03-01T09:29:00Z\"}, \"retention\": {\"expires_at\": null}}, "
	    "\"applications\": [{\"opening\": \"Data & Pipelines\", \"stage\": "
	    "\"background_check\", \"created_at\": \"2026-03-01T09:30:00Z\", \"history\": "
	    "[{\"from\": null, \"to\": \"applied\", \"at\": \"2026-03-01T09:30:00Z\"}, "
	    "{\"from\": \"applied\", \"to\": \"background_check\", \"at\": "
	    "\"2026-03-02T10:00:00Z\"}], \"evaluations\": [{\"score\": 4, \"summary\": "
	    "\"Sharp\", \"at\": \"2026-03-02T10:00:00Z\"}]}], \"documents\": [{\"id\": "
	    "\"d1\", \"kind\": \"resume\", \"filename\": \"cv \\\"1\\\".pdf\", "
	    "\"content_type\": \"application/pdf\", \"size\": 2048, \"created_at\": "
	    "\"2026-03-01T09:30:00Z\"}, {\"id\": \"d2\", \"kind\": \"other\", \"filename\": "
	    "\"C# dev 2%.txt\", \"content_type\": \"text/plain\", \"size\": 10, "
	    "\"created_at\": \"2026-03-01T09:30:00Z\"}], \"audit\": [{\"at\": "
	    "\"2026-03-02T11:00:00Z\", "
	    "\"action\": \"applicant.read\", \"actor_role\": \"staff\"}, {\"at\": "
	    "\"2026-03-02T12:00:00Z\", \"action\": \"something.new\", \"actor_role\": "
	    "\"applicant\"}], \"privacy_requests\": [{\"type\": \"know_specific\", \"status\": "
	    "\"completed\", \"outcome\": \"fulfilled\", \"received_at\": "
	    "\"2026-03-03T08:00:00Z\", \"completed_at\": \"2026-03-03T08:01:00Z\"}]}",
	    0, NULL);
	assert_non_null(data);
	json_t *cats = json_pack("[{s:s, s:s}]", "category", "a & b", "sources", "you");
	json_t *paths = json_pack("{s:s, s:s}", "d1", "documents/01-cv \"1\".pdf", "d2",
	                          "documents/02-C# dev 2_.txt");
	struct report_in in = {data, cats, paths, "Acme <Inc>", NULL, 1772960400};
	char *html = report_html(&in);
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "&lt;script&gt;"));
	assert_non_null(strstr(html, "a &amp; b"));
	assert_non_null(strstr(html, "Acme &lt;Inc&gt;"));
	/* in words: labels, formatted dates, stages, roles, actions */
	assert_non_null(strstr(html, "Your contact details"));
	assert_non_null(strstr(html, "1 March 2026"));
	assert_non_null(strstr(html, "2 March 2026, 11:00"));
	assert_non_null(strstr(html, "background check"));
	assert_non_null(strstr(html, "A member of staff"));
	assert_non_null(strstr(html, "looked at your record"));
	assert_non_null(strstr(html, "worked on your record")); /* an action with no words yet */
	assert_non_null(strstr(html, "you opted out"));
	assert_non_null(strstr(html, "A copy of your data"));
	assert_null(strstr(html, "something.new"));
	assert_null(strstr(html, "full_name"));
	assert_null(strstr(html, "2026-03-01T"));
	/* the document linked to its file: the link percent-encoded (a "#" in a name would
	 * start a fragment and open nothing), the name itself shown escaped */
	assert_non_null(strstr(html, "<a href=\"documents/01-cv%20%221%22.pdf\" "
	                             "data-file=\"documents/01-cv &quot;1&quot;.pdf\">"));
	assert_non_null(strstr(html, "<a href=\"documents/02-C%23%20dev%202_.txt\" "
	                             "data-file=\"documents/02-C# dev 2_.txt\">C# dev 2%.txt</a>"));
	assert_non_null(strstr(html, "2 KB"));
	/* styled for a phone and for print, loading nothing */
	assert_non_null(strstr(html, "@media print"));
	assert_non_null(strstr(html, "name=\"viewport\""));
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	free(html);
	json_decref(paths);
	json_decref(data);
	json_decref(cats);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_package),
	    cmocka_unit_test(test_failing_sink),
	    cmocka_unit_test(test_report),
	};
	return cmocka_run_group_tests_name("unit export", tests, NULL, NULL);
}
