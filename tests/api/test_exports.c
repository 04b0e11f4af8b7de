/*
 * API: downloading a copy of one's data (know_specific). A package of many
 * chunks comes out whole and in order through both doors, each document in
 * it byte for byte what was uploaded; a download that cannot open the
 * package (the key database away) uses none of the link's three; the
 * package streams out chunk by chunk (the server's peak memory grows by
 * less than its size); a package cut short or not matching its sha256 is
 * cut off, never served as complete.
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
#include "store/vault.h"

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

/*
 * The key database away: the package cannot be opened, so the download is
 * 503 and neither counted nor audited; once it is back, three downloads.
 */
static void
test_key_database_away_uses_no_download(void **state)
{
	(void)state;
	struct applied a = applicant_with("keysaway", 0, 0, NULL);
	struct package p = copy_of(&a);
	char *mine = own_path(&p);
	static const char *const away[] = {"RECRUITD_KEYS_DATABASE_URL=host=/nonexistent dbname=x",
	                                   NULL};

	api_stop(NULL);
	api_start_with(away); /* a new process: no key cached */
	for (int i = 0; i < 4; i++) {
		struct resp *r = http_json("GET", p.link, NULL, NULL);
		assert_problem(r, 503, NULL);
		resp_free(r);
	}
	struct resp *r = http_json("GET", mine, a.token, NULL);
	assert_problem(r, 503, NULL);
	resp_free(r);
	expect_db_value("SELECT downloads FROM exports WHERE id = $1", p.id, "0");
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'export.download' AND "
	                "applicant_id = $1",
	                a.applicant, "0");

	api_stop(NULL);
	api_start_with(NULL); /* the key database back */
	for (int i = 0; i < 3; i++) {
		r = http_json("GET", p.link, NULL, NULL);
		assert_int_equal(r->status, 200);
		assert_int_equal((long long)r->len, p.size);
		resp_free(r);
	}
	r = http_json("GET", p.link, NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'export.download' AND "
	                "applicant_id = $1",
	                a.applicant, "3");
	free(mine);
	package_free(&p);
	applied_free(&a);
}

/* A download streams: the server's peak memory grows by less than the package's size. */
static void
test_download_memory_stays_small(void **state)
{
	(void)state;
	enum { DOCS = 2 };
	struct blob docs[DOCS];
	struct applied a = applicant_with("bigdownload", DOCS, 8u << 20, docs);
	struct package p = copy_of(&a);
	char *mine = own_path(&p);

	api_stop(NULL);
	api_start(NULL); /* a fresh process: no heap left over from building the package */
	struct resp *r = http_json("GET", "/readyz", NULL, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	api_reset_peak();
	long before = api_status_kb("VmRSS");
	r = http_json("GET", mine, a.token, NULL);
	long peak = api_status_kb("VmHWM");
	expect_whole(r, &p, docs, DOCS);
	resp_free(r);
#ifndef __SANITIZE_ADDRESS__ /* ASan keeps freed memory in quarantine: no peak to judge */
	fprintf(stderr, "download of %lld bytes: peak grew %ld kB\n", p.size, peak - before);
	if (peak - before >= p.size / 1024)
		fail_msg("the download's peak grew by %ld kB, not under the package's %lld kB",
		         peak - before, p.size / 1024);
#else
	(void)peak;
	(void)before;
#endif
	free(mine);
	for (int i = 0; i < DOCS; i++)
		free(docs[i].data);
	package_free(&p);
	applied_free(&a);
}

/* A download that got fewer bytes than Content-Length said: the connection was cut. */
static void
expect_cut(const struct resp *r, const struct package *p)
{
	assert_true(r->status == 0 || r->status == 200); /* 0: curl saw the transfer fail */
	assert_true((long long)r->len < p->size);
}

/*
 * A package whose last chunk is gone, or whose chunks do not add up to the
 * sha256 on record, is cut off before its end: never a wrong ZIP served
 * as complete.
 */
static void
test_damaged_package_is_cut_off(void **state)
{
	(void)state;
	struct blob doc;
	struct applied a = applicant_with("damaged", 1, 1u << 20, &doc);
	struct package p = copy_of(&a);
	char *mine = own_path(&p);
	assert_true(p.size > 2LL * CHUNK_BYTES);

	/* the hash on record is not the package's */
	db_exec_sql("UPDATE exports SET sha256 = repeat('0', 64) WHERE id = $1", p.id);
	struct resp *r = http_json("GET", mine, a.token, NULL);
	expect_cut(r, &p);
	resp_free(r);
	http_disconnect();
	/* the last chunk is gone */
	char *sql = xasprintf("UPDATE exports SET sha256 = '%s' WHERE id = $1", p.sha256);
	db_exec_sql(sql, p.id);
	free(sql);
	db_exec_sql("DELETE FROM export_chunks WHERE export_id = $1 AND seq = (SELECT max(seq) "
	            "FROM export_chunks WHERE export_id = $1)",
	            p.id);
	r = http_json("GET", mine, a.token, NULL);
	expect_cut(r, &p);
	resp_free(r);
	http_disconnect();
	/* two chunks trade places */
	struct package q = copy_of(&a);
	db_exec_sql("UPDATE export_chunks SET seq = 1000000 WHERE export_id = $1 AND seq = 1",
	            q.id);
	db_exec_sql("UPDATE export_chunks SET seq = 1 WHERE export_id = $1 AND seq = 2", q.id);
	db_exec_sql("UPDATE export_chunks SET seq = 2 WHERE export_id = $1 AND seq = 1000000",
	            q.id);
	free(mine);
	mine = own_path(&q);
	r = http_json("GET", mine, a.token, NULL);
	expect_cut(r, &q);
	resp_free(r);
	http_disconnect();
	free(mine);
	free(doc.data);
	package_free(&q);
	package_free(&p);
	applied_free(&a);
}

/*
 * Seal package id's chunks again as they were before the last chunk was
 * marked: each bound to "export:ID#SEQ" alone.
 */
static void
unmark(const char *id, const char *applicant)
{
	unsigned char key[SEAL_KEY_LEN];
	PGconn *db = test_db();
	const char *param[1] = {id};

	(void)harness_store();
	/* the package's own key (DESIGN "A key for every value whose purpose can end") */
	char *key_id = db_value("SELECT key_id::text FROM exports WHERE id = $1", id);
	assert_int_equal(vault_key(key_id, key), 0);
	free(key_id);
	PGresult *res = PQexecParams(db,
	                             "SELECT c.seq, c.bytes, c.seq = max(c.seq) OVER () "
	                             "FROM export_chunks c WHERE c.export_id = $1 ORDER BY c.seq",
	                             1, NULL, param, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_true(PQntuples(res) > 1);
	for (int i = 0; i < PQntuples(res); i++) {
		size_t n, len, plain_len;
		unsigned char *sealed =
		    PQunescapeBytea((const unsigned char *)PQgetvalue(res, i, 1), &n);
		char *marked = xasprintf("export:%s#%s%s", id, PQgetvalue(res, i, 0),
		                         strcmp(PQgetvalue(res, i, 2), "t") == 0 ? "$" : "+");
		char *bare = xasprintf("export:%s#%s", id, PQgetvalue(res, i, 0));
		unsigned char *plain = vault_unseal(key, applicant, marked, sealed, n, &plain_len);
		assert_non_null(plain);
		unsigned char *again = vault_seal(key, applicant, bare, plain, plain_len, &len);
		assert_non_null(again);
		const char *values[3] = {id, PQgetvalue(res, i, 0), (const char *)again};
		int lengths[3] = {0, 0, (int)len}, formats[3] = {0, 0, 1};
		PGresult *u =
		    PQexecParams(db,
		                 "UPDATE export_chunks SET bytes = $3 WHERE export_id = $1 "
		                 "AND seq = $2::int",
		                 3, NULL, values, lengths, formats, 0);
		assert_int_equal(PQresultStatus(u), PGRES_COMMAND_OK);
		PQclear(u);
		free(again);
		free(plain);
		free(bare);
		free(marked);
		PQfreemem(sealed);
	}
	PQclear(res);
}

/*
 * A package from before the marks still downloads whole (judged by its size
 * and sha256); cut short, it is cut off.
 */
static void
test_package_from_before_the_marks(void **state)
{
	(void)state;
	struct blob doc;
	struct applied a = applicant_with("unmarked", 1, 1u << 20, &doc);
	struct package p = copy_of(&a);
	char *mine = own_path(&p);

	unmark(p.id, a.applicant);
	struct resp *r = http_json("GET", mine, a.token, NULL);
	expect_whole(r, &p, &doc, 1);
	resp_free(r);
	db_exec_sql("DELETE FROM export_chunks WHERE export_id = $1 AND seq = (SELECT max(seq) "
	            "FROM export_chunks WHERE export_id = $1)",
	            p.id);
	r = http_json("GET", mine, a.token, NULL);
	expect_cut(r, &p);
	resp_free(r);
	http_disconnect();
	free(mine);
	free(doc.data);
	package_free(&p);
	applied_free(&a);
}

static int
setup(void **state)
{
	(void)state;
	api_start(NULL);
	pdf = fixture_pdf(2000);
	opening = recruiter_opening("Data Steward");
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(pdf.data);
	harness_store_forget();
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_large_package_downloads_whole),
	    cmocka_unit_test(test_key_database_away_uses_no_download),
	    cmocka_unit_test(test_download_memory_stays_small),
	    cmocka_unit_test(test_damaged_package_is_cut_off),
	    cmocka_unit_test(test_package_from_before_the_marks),
	};
	return cmocka_run_group_tests_name("api exports", tests, setup, teardown);
}
