/*
 * API: downloading a copy of one's data (know_specific). A package of many
 * chunks comes out whole and in order through both doors, each document in
 * it byte for byte what was uploaded.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/digest.h"
#include "core/xalloc.h"
#include "harness.h"

/* The size of a package's chunks in the database (api/exports.c). */
#define CHUNK_BYTES (256u << 10)

static char *opening;
static struct blob pdf;
static uint32_t noise = 2463534242u;

/* A package as the request that built it names it, and the e-mailed link's path. */
struct package {
	char *id, *sha256, *link;
	long long size;
};

static void
package_free(struct package *p)
{
	free(p->id);
	free(p->sha256);
	free(p->link);
}

/*
 * An applicant (signed in just now) holding the resume and n more documents
 * of len incompressible bytes each, uploaded by staff as big-1.pdf ...:
 * docs[i] keeps what was uploaded (free each).
 */
static struct applied
applicant_with(const char *tag, int n, size_t len, struct blob *docs)
{
	struct applied a = apply_confirmed(opening, "Ex Port", tag, pdf.data, pdf.len, NULL, NULL);
	char *path = xasprintf("/v1/applicants/%s/documents", a.applicant);

	for (int i = 0; i < n; i++) {
		char name[32];
		docs[i] = fixture_pdf(len);
		fixture_noise(&docs[i], &noise);
		snprintf(name, sizeof(name), "big-%d.pdf", i + 1);
		struct part parts[] = {
		    {.name = "file", .data = docs[i].data, .len = docs[i].len, .filename = name},
		    {.name = NULL}};
		struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
		assert_int_equal(r->status, 201);
		resp_free(r);
	}
	free(path);
	return a;
}

/* Ask for a copy as the applicant: the package, built at once, and the e-mailed link. */
static struct package
copy_of(const struct applied *a)
{
	struct package p = {0};
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", a->token, "{\"type\":\"know_specific\"}");
	assert_int_equal(r->status, 201);
	const json_t *e = json_object_get(r->json, "export");
	assert_true(json_is_object(e));
	p.id = xstrdup(sget(e, "id"));
	p.sha256 = xstrdup(sget(e, "sha256"));
	p.size = (long long)json_integer_value(json_object_get(e, "size"));
	resp_free(r);
	char *text = mail_find(a->email, "/v1/exports/");
	assert_non_null(text);
	char *at = strstr(text, TEST_PUBLIC_URL "/v1/exports/");
	assert_non_null(at);
	at += strlen(TEST_PUBLIC_URL);
	p.link = xstrndup(at, strcspn(at, "\r\n"));
	free(text);
	return p;
}

static char *
own_path(const struct package *p)
{
	return xasprintf("/v1/me/exports/%s", p->id);
}

/*
 * The response is the whole package: its size and sha256, a ZIP that unzip
 * tests clean, and libarchive reads documents/02-big-1.pdf ... as docs, byte
 * for byte (and the resume as documents/01-).
 */
static void
expect_whole(const struct resp *r, const struct package *p, const struct blob *docs, int n)
{
	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	assert_int_equal(r->status, 200);
	char *ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, "application/zip");
	free(ct);
	assert_int_equal((long long)r->len, p->size);
	sha256(r->body, r->len, hash);
	hex_encode(hash, SHA256_LEN, hex);
	assert_string_equal(hex, p->sha256);

	char *zip = xasprintf("%s/export-%d.zip", getenv("RECRUITD_TEST_LOGDIR"), (int)getpid());
	FILE *f = fopen(zip, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
	fclose(f);
	char *cmd = xasprintf("unzip -tq %s >/dev/null", zip);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	unlink(zip);
	free(zip);

	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	int seen = 0;
	bool resume = false;
	archive_read_support_format_zip(ar);
	assert_int_equal(archive_read_open_memory(ar, r->body, r->len), ARCHIVE_OK);
	while (archive_read_next_header(ar, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		int k;
		if (strncmp(name, "documents/01-", 13) == 0)
			resume = true;
		if (sscanf(name, "documents/%*d-big-%d.pdf", &k) != 1)
			continue;
		assert_true(k >= 1 && k <= n);
		unsigned char *got = xmalloc(docs[k - 1].len + 1);
		la_ssize_t len = archive_read_data(ar, got, docs[k - 1].len + 1);
		assert_int_equal(len, (la_ssize_t)docs[k - 1].len);
		assert_memory_equal(got, docs[k - 1].data, docs[k - 1].len);
		free(got);
		seen++;
	}
	assert_int_equal(archive_read_free(ar), ARCHIVE_OK);
	assert_true(resume);
	assert_int_equal(seen, n);
}

/* A package of more than ten chunks comes out in order, through the link and signed in. */
static void
test_large_package_downloads_whole(void **state)
{
	(void)state;
	enum { DOCS = 2 };
	struct blob docs[DOCS];
	struct applied a = applicant_with("bigcopy", DOCS, 2u << 20, docs);
	struct package p = copy_of(&a);
	assert_true(p.size >
	            11LL * CHUNK_BYTES); /* chunks 0 ... 10 and more: "10" sorts before "2" */

	struct resp *r = http_json("GET", p.link, NULL, NULL);
	expect_whole(r, &p, docs, DOCS);
	resp_free(r);
	char *mine = own_path(&p);
	r = http_json("GET", mine, a.token, NULL);
	expect_whole(r, &p, docs, DOCS);
	resp_free(r);
	expect_db_value("SELECT downloads FROM exports WHERE id = $1", p.id, "1");
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'export.download' AND "
	                "applicant_id = $1",
	                a.applicant, "2");
	free(mine);
	for (int i = 0; i < DOCS; i++)
		free(docs[i].data);
	package_free(&p);
	applied_free(&a);
}

static int
setup(void **state)
{
	(void)state;
	api_start(NULL);
	pdf = fixture_pdf(2000);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Data Steward\",\"country\":\"US\"}");
	assert_int_equal(r->status, 201);
	opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_large_package_downloads_whole),
	};
	return cmocka_run_group_tests_name("api exports", tests, setup, teardown);
}
