/* The employee archive: names, manifest, reproducibility, large documents, verification. */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/cm.h"
#include "core/digest.h"
#include "domain/transfer.h"
#include "fixtures.h"

struct entry {
	char *path;
	unsigned char *data;
	size_t len;
	int type;
};

/* Read every entry of a tar.gz (test side, independent of transfer_verify). */
static struct entry *
read_all(const unsigned char *data, size_t len, size_t *n)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct entry *out = NULL;

	*n = 0;
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_memory(a, data, len), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		out = realloc(out, (*n + 1) * sizeof(*out));
		struct entry *x = &out[(*n)++];
		x->path = strdup(archive_entry_pathname_utf8(e));
		x->type = (int)archive_entry_filetype(e);
		x->len = (size_t)archive_entry_size(e);
		x->data = malloc(x->len + 1);
		assert_int_equal(archive_read_data(a, x->data, x->len), (la_ssize_t)x->len);
	}
	archive_read_free(a);
	return out;
}

static void
free_all(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].data);
	}
	free(e);
}

static const struct transfer_doc docs[] = {
    {"Lebenslauf Zoë.pdf", (const unsigned char *)"%PDF-1.4 zoe\n%%EOF\n", 19},
    {"../../etc/passwd", (const unsigned char *)"not really\n", 11},
    {"Lebenslauf Zoë.pdf", (const unsigned char *)"a second file, same name\n", 25},
};

static struct transfer_input
input(const struct transfer_doc *d, size_t n)
{
	return (struct transfer_input){
	    .employee_id = "11111111-2222-4333-8444-555555555555",
	    .applicant_id = "66666666-7777-4888-8999-000000000000",
	    .created_at = "2026-11-24T21:00:00.000000Z",
	    .mtime = 1795554000,
	    .applicant_json = "{\"full_name\":\"Zoë Ñandú\"}",
	    .applications_json = "[{\"stage\":\"hired\"}]",
	    .docs = d,
	    .ndocs = n,
	};
}

static void
test_layout_and_manifest(void **state)
{
	(void)state;
	struct transfer_input in = input(docs, 3);
	size_t len, n;
	unsigned char *tgz = transfer_build(&in, &len);
	assert_non_null(tgz);
	struct entry *e = read_all(tgz, len, &n);
	assert_int_equal(n, 6);
	assert_string_equal(e[0].path, "manifest.json");
	assert_string_equal(e[1].path, "applicant.json");
	assert_string_equal(e[2].path, "applications.json");
	assert_string_equal(e[3].path, "documents/01-Lebenslauf Zoë.pdf");
	assert_string_equal(e[4].path, "documents/02-passwd");
	assert_string_equal(e[5].path, "documents/03-Lebenslauf Zoë.pdf");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e[i].type, AE_IFREG);
		assert_true(e[i].path[0] != '/');
		assert_null(strstr(e[i].path, ".."));
	}
	assert_memory_equal(e[5].data, docs[2].data, docs[2].len);
	assert_memory_equal(e[1].data, in.applicant_json, strlen(in.applicant_json));

	json_t *m = json_loadb((char *)e[0].data, e[0].len, 0, NULL);
	assert_non_null(m);
	assert_int_equal(json_integer_value(json_object_get(m, "format_version")), 1);
	assert_string_equal(json_string_value(json_object_get(m, "employee_id")), in.employee_id);
	assert_string_equal(json_string_value(json_object_get(m, "applicant_id")), in.applicant_id);
	assert_string_equal(json_string_value(json_object_get(m, "created_at")), in.created_at);
	json_t *files = json_object_get(m, "files");
	assert_int_equal(json_array_size(files), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *f = json_array_get(files, i);
		unsigned char h[32];
		char hex[65];
		sha256(e[i + 1].data, e[i + 1].len, h);
		hex_encode(h, 32, hex);
		assert_string_equal(json_string_value(json_object_get(f, "path")), e[i + 1].path);
		assert_int_equal(json_integer_value(json_object_get(f, "size")), e[i + 1].len);
		assert_string_equal(json_string_value(json_object_get(f, "sha256")), hex);
	}
	json_decref(m);
	char err[256];
	assert_int_equal(transfer_verify(tgz, len, err, sizeof(err)), 0);
	free_all(e, n);
	free(tgz);
}

static void
test_reproducible(void **state)
{
	(void)state;
	struct transfer_input in = input(docs, 3);
	size_t a_len, b_len;
	unsigned char *a = transfer_build(&in, &a_len);
	sleep(1); /* a clock that leaked into the bytes would show now */
	unsigned char *b = transfer_build(&in, &b_len);
	assert_int_equal(a_len, b_len);
	assert_memory_equal(a, b, a_len);
	free(a);
	free(b);
}

/* Copy an archive entry by entry, changing one byte of the entry called victim. */
static unsigned char *
tamper(const unsigned char *data, size_t len, const char *victim, size_t *out_len)
{
	size_t n;
	struct entry *e = read_all(data, len, &n);
	static unsigned char out[64u << 20];
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_memory(a, out, sizeof(out), &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *x = archive_entry_new();
		if (strcmp(e[i].path, victim) == 0)
			e[i].data[e[i].len / 2] ^= 0x01;
		archive_entry_set_pathname_utf8(x, e[i].path);
		archive_entry_set_filetype(x, AE_IFREG);
		archive_entry_set_perm(x, 0644);
		archive_entry_set_size(x, (la_int64_t)e[i].len);
		archive_write_header(a, x);
		archive_write_data(a, e[i].data, e[i].len);
		archive_entry_free(x);
	}
	archive_write_close(a);
	archive_write_free(a);
	free_all(e, n);
	*out_len = used;
	return out;
}

static void
test_verify_catches_a_changed_byte(void **state)
{
	(void)state;
	struct transfer_input in = input(docs, 3);
	size_t len, bad_len;
	char err[256];
	unsigned char *tgz = transfer_build(&in, &len);

	unsigned char *bad = tamper(tgz, len, "documents/03-Lebenslauf Zoë.pdf", &bad_len);
	assert_int_equal(transfer_verify(bad, bad_len, err, sizeof(err)), -1);
	assert_null(
	    strstr(err, "Lebenslauf")); /* a document is named by number: names are personal */
	assert_non_null(strstr(err, "entry"));
	assert_non_null(strstr(err, "sha256"));
	bad = tamper(tgz, len, "applicant.json", &bad_len);
	assert_int_equal(transfer_verify(bad, bad_len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "applicant.json"));
	/* untouched copy still verifies */
	bad = tamper(tgz, len, "nothing", &bad_len);
	assert_int_equal(transfer_verify(bad, bad_len, err, sizeof(err)), 0);
	/* damage past the last entry (the compressed end-of-archive padding) is caught by gzip's
	 * checksum */
	unsigned char *copy = malloc(len);
	memcpy(copy, tgz, len);
	copy[len - 12] ^= 0x40;
	err[0] = '\0';
	assert_int_equal(transfer_verify(copy, len, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	free(copy);
	/* truncated, and not an archive at all */
	assert_int_equal(transfer_verify(tgz, len / 2, err, sizeof(err)), -1);
	assert_int_equal(transfer_verify((const unsigned char *)"hello", 5, err, sizeof(err)), -1);
	free(tgz);
}

static void
test_ten_mebibytes(void **state)
{
	(void)state;
	struct blob big = fixture_pdf(10u << 20);
	struct transfer_doc d[] = {{"big.pdf", big.data, big.len}};
	struct transfer_input in = input(d, 1);
	size_t len, n;
	char err[256];
	unsigned char *tgz = transfer_build(&in, &len);
	assert_non_null(tgz);
	assert_int_equal(transfer_verify(tgz, len, err, sizeof(err)), 0);
	struct entry *e = read_all(tgz, len, &n);
	assert_int_equal(e[3].len, big.len);
	assert_memory_equal(e[3].data, big.data, big.len);
	free_all(e, n);
	free(tgz);
	free(big.data);
}

/* Write entries (as read by read_all) back into a tar.gz, with extra ones after: new bytes. */
static unsigned char *
rewrite(const struct entry *e, size_t n, const struct entry *extra, size_t nextra, size_t *len)
{
	size_t cap = 1 << 22, used = 0;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < n + nextra; i++) {
		const struct entry *x = i < n ? &e[i] : &extra[i - n];
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname_utf8(ae, x->path);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)x->len);
		archive_write_header(a, ae);
		archive_write_data(a, x->data, x->len);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

/*
 * A tampered copy of a file after the real one: tar -x would write the copy.
 * The same path twice, or another spelling of it, is refused, and the error
 * never names a document (its name is personal data).
 */
static void
test_verify_refuses_second_spellings(void **state)
{
	(void)state;
	struct transfer_input in = input(docs, 3);
	size_t len, n, tlen;
	unsigned char *tgz = transfer_build(&in, &len);
	char err[256];
	struct entry *e = read_all(tgz, len, &n);
	char evil[] = "{\"full_name\":\"Someone Else\"}";
	static const char *const spellings[] = {"applicant.json",       "./applicant.json",
	                                        "applicant.json/",      "documents//01-x.pdf",
	                                        "documents/./01-x.pdf", "manifest.json"};
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		struct entry extra = {(char *)(uintptr_t)spellings[i], (unsigned char *)evil,
		                      strlen(evil), AE_IFREG};
		unsigned char *bad = rewrite(e, n, &extra, 1, &tlen);
		if (transfer_verify(bad, tlen, err, sizeof(err)) == 0)
			fail_msg("%s was accepted", spellings[i]);
		if (strstr(err, "twice") == NULL && strstr(err, "unsafe path") == NULL &&
		    strstr(err, "not a regular file") == NULL)
			fail_msg("%s: %s", spellings[i], err);
		free(bad);
	}
	/* the untouched rewrite still verifies, and errors name documents by number */
	unsigned char *same = rewrite(e, n, NULL, 0, &tlen);
	assert_int_equal(transfer_verify(same, tlen, err, sizeof(err)), 0);
	free(same);
	e[3].data[0] ^= 1; /* the first document's bytes */
	same = rewrite(e, n, NULL, 0, &tlen);
	assert_int_equal(transfer_verify(same, tlen, err, sizeof(err)), -1);
	assert_null(strstr(err, "Lebenslauf"));
	assert_non_null(strstr(err, "entry"));
	free(same);
	free_all(e, n);
	free(tgz);
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8"); /* as recruitd and recruitctl do */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_and_manifest),
	    cmocka_unit_test(test_reproducible),
	    cmocka_unit_test(test_verify_catches_a_changed_byte),
	    cmocka_unit_test(test_verify_refuses_second_spellings),
	    cmocka_unit_test(test_ten_mebibytes),
	};
	return cmocka_run_group_tests_name("transfer", tests, NULL, NULL);
}
