/*
 * API tests for the key hierarchy (DESIGN "A key for every value whose
 * purpose can end on its own"), against the real bin/recruitd, PostgreSQL
 * and key database: a change of a record replaces its record key and
 * destroys the old one; a deleted document's key, a confirmed submission's
 * key and an expired package's key are destroyed, so that a copy of the row
 * (a backup, WAL) no longer opens.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/digest.h"
#include "harness.h"
#include "unit/fixtures.h"

static char *opening;

/*
 * A PATCH seals the record under a new key and destroys the one the
 * replaced values were sealed under, before its 2xx; the record reads on.
 */
static void
test_change_replaces_the_record_key(void **state)
{
	(void)state;
	char *id = new_staff_applicant("rekey", "Rekeyed Person");
	char *before = db_value("SELECT record_key::text FROM applicants WHERE id = $1", id);
	char *history = db_value("SELECT history_key::text FROM applicants WHERE id = $1", id);
	assert_true(key_alive(before));
	assert_true(key_alive(history));

	char *path = xasprintf("/v1/applicants/%s", id);
	struct resp *r = http("PATCH", path, staff.recruiter, "application/merge-patch+json",
	                      "{\"phone\":\"+1 212 555 0199\"}", NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	char *after = db_value("SELECT record_key::text FROM applicants WHERE id = $1", id);
	assert_string_not_equal(after, before);
	assert_true(key_alive(after));
	assert_false(key_alive(before)); /* the old values' copies open no more */
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = $1::uuid", before, "0");
	assert_true(key_alive(history)); /* evaluations' key is not the record's */
	char *phone = record_field(id, "phone");
	assert_string_equal(phone, "+1 212 555 0199");
	free(phone);

	/* a PATCH refused (stale If-Match) changes nothing: the key stays */
	const char *stale[] = {"If-Match: \"1\"", NULL};
	r = http("PATCH", path, staff.recruiter, "application/merge-patch+json",
	         "{\"phone\":\"+1 212 555 0100\"}", stale);
	assert_int_equal(r->status, 412);
	resp_free(r);
	expect_db_value("SELECT record_key::text FROM applicants WHERE id = $1", id, after);
	assert_true(key_alive(after));
	free(path);
	free(before);
	free(after);
	free(history);
	free(id);
}

/* A deleted document's key is destroyed; the applicant's others stay. */
static void
test_document_delete_destroys_its_key(void **state)
{
	(void)state;
	char *id = new_staff_applicant("dockey", "Document Keeper");
	struct blob pdf = fixture_pdf(3000);
	struct part parts[] = {
	    {.name = "file", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	char *path = xasprintf("/v1/applicants/%s/documents", id);
	struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
	assert_int_equal(r->status, 201);
	char *doc = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *key = db_value("SELECT key_id::text FROM documents WHERE id = $1", doc);
	char *record = db_value("SELECT record_key::text FROM applicants WHERE id = $1", id);
	assert_string_not_equal(key, record);
	assert_true(key_alive(key));

	char *dpath = xasprintf("/v1/documents/%s", doc);
	r = http_json("DELETE", dpath, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	assert_false(key_alive(key));
	assert_true(key_alive(record));
	free(dpath);
	free(record);
	free(key);
	free(doc);
	free(path);
	free(pdf.data);
	free(id);
}

/* The hex SHA-256 of s, as the store keys a code by. */
static void
sha256_hex(const char *s, char out[65])
{
	unsigned char h[SHA256_LEN];

	sha256(s, strlen(s), h);
	hex_encode(h, SHA256_LEN, out);
}

/*
 * A submission is sealed under a random key of its own, not one derived
 * from the e-mailed code: confirmed, the key is destroyed, and the row put
 * back as a restored backup would have it does not open with the code.
 */
static void
test_pending_key_dies_at_confirmation(void **state)
{
	(void)state;
	char *email = unique_email("pendkey");
	struct blob pdf = fixture_pdf(2500);
	struct part parts[] = {
	    {.name = "full_name", .value = "Pending Keyholder"},
	    {.name = "email", .value = email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	struct resp *r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(email, "/apply/confirm");
	assert_non_null(code);
	char code_sha[65];
	sha256_hex(code, code_sha);
	char *key = db_value("SELECT key_id::text FROM pending_submissions WHERE code_sha256 = $1",
	                     code_sha);
	assert_true(key_alive(key));
	/* the backup: a copy of the row as it is now */
	char *table = xasprintf("pending_copy_%d", (int)getpid());
	char *sql = xasprintf("CREATE TABLE %s AS SELECT * FROM pending_submissions "
	                      "WHERE code_sha256 = $1",
	                      table);
	db_exec_sql(sql, code_sha);
	free(sql);

	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	resp_free(r);
	assert_false(key_alive(key));

	/* restored: the row is back, its key is not; the code opens nothing */
	sql = xasprintf("INSERT INTO pending_submissions SELECT * FROM %s WHERE code_sha256 = $1",
	                table);
	db_exec_sql(sql, code_sha);
	free(sql);
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 404);
	resp_free(r);
	sql = xasprintf("DROP TABLE %s", table);
	db_exec_sql(sql, NULL);
	db_exec_sql("DELETE FROM pending_submissions WHERE code_sha256 = $1", code_sha);
	free(sql);
	free(table);
	free(key);
	free(code);
	free(pdf.data);
	free(email);
}

/* An export package has a key of its own, destroyed when the package expires. */
static void
test_expired_package_key_is_destroyed(void **state)
{
	(void)state;
	struct blob pdf = fixture_pdf(2000);
	struct applied a =
	    apply_confirmed(opening, "Package Keyholder", "pkgkey", pdf.data, pdf.len, NULL, NULL);
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"know_specific\"}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	char *key =
	    db_value("SELECT key_id::text FROM exports WHERE applicant_id = $1", a.applicant);
	char *record =
	    db_value("SELECT record_key::text FROM applicants WHERE id = $1", a.applicant);
	assert_string_not_equal(key, record);
	assert_true(key_alive(key));
	db_exec_sql("UPDATE exports SET expires_at = now() - interval '1 minute' "
	            "WHERE applicant_id = $1",
	            a.applicant);
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM exports WHERE applicant_id = $1", a.applicant, "0");
	assert_false(key_alive(key));
	assert_true(key_alive(record));
	free(record);
	free(key);
	free(pdf.data);
	applied_free(&a);
}

/*
 * An erasure while the key database is away still answers 204: the rows
 * are gone and the keys durably queued, shown by /metrics; once the key
 * database is back, the retry pass destroys them without any request.
 */
static void
test_destruction_is_retried(void **state)
{
	(void)state;
	static const char *const fast[] = {"RECRUITD_KEY_SHRED_INTERVAL_MS=100", NULL};
	api_stop(NULL);
	api_start_with(fast);
	char *id = new_staff_applicant("retried", "Retried Later");
	char *keys = db_value("SELECT '{' || record_key || ',' || history_key || '}' FROM "
	                      "applicants WHERE id = $1",
	                      id);
	keys_db_reachable(false);
	char *path = xasprintf("/v1/applicants/%s", id);
	struct resp *r = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", id, "0");
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])", keys,
	                "2");
	r = http_json("GET", "/metrics", NULL, NULL);
	assert_int_equal(r->status, 200);
	const char *queued = strstr(r->body, "\nrecruitd_key_shreds_queued ");
	assert_non_null(queued);
	assert_true(atol(queued + strlen("\nrecruitd_key_shreds_queued ")) >= 2);
	assert_non_null(strstr(r->body, "\nrecruitd_key_shreds_oldest_seconds "));
	resp_free(r);

	keys_db_reachable(true);
	char *left = NULL;
	for (int i = 0; i < 200; i++) { /* the pass runs every 100 ms here; bounded at 20 s */
		free(left);
		left = db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])",
		                keys);
		if (strcmp(left, "0") == 0)
			break;
		usleep(100000);
	}
	assert_string_equal(left, "0");
	free(left);
	char *k = xstrdup(keys + 1);
	k[strcspn(k, ",")] = '\0';
	assert_false(key_alive(k));
	free(k);
	api_stop(NULL);
	api_start(NULL);
	free(path);
	free(keys);
	free(id);
}

/* recruitd holds keys: it may not dump core (RLIMIT_CORE 0, not dumpable). */
static void
test_no_core_dumps(void **state)
{
	(void)state;
	char *path = xasprintf("/proc/%d/limits", api_server_pid());
	FILE *f = fopen(path, "r");
	char line[256];
	bool seen = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Max core file size", 18) == 0) {
			unsigned long soft, hard;
			assert_int_equal(sscanf(line + 18, " %lu %lu", &soft, &hard), 2);
			assert_int_equal(soft, 0);
			assert_int_equal(hard, 0);
			seen = true;
		}
	fclose(f);
	assert_true(seen);
	free(path);
}

/* The development sink's e-mails older than RECRUITD_MAIL_DIR_DAYS go with the purge run. */
static void
test_mail_dir_is_swept(void **state)
{
	(void)state;
	char *old = xasprintf("%s/old-%d.eml", api_mail_dir(), (int)getpid());
	char *fresh = xasprintf("%s/fresh-%d.eml", api_mail_dir(), (int)getpid());
	FILE *f = fopen(old, "w");
	assert_non_null(f);
	fputs("To: someone@example.com\r\n\r\nan old code\r\n", f);
	fclose(f);
	f = fopen(fresh, "w");
	assert_non_null(f);
	fclose(f);
	struct timespec times[2] = {{.tv_sec = time(NULL) - 8 * 86400},
	                            {.tv_sec = time(NULL) - 8 * 86400}};
	assert_int_equal(utimensat(AT_FDCWD, old, times, 0), 0);
	struct resp *r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	assert_true(json_integer_value(
	                json_object_get(json_object_get(r->json, "swept"), "mail_files")) >= 1);
	resp_free(r);
	assert_int_not_equal(access(old, F_OK), 0);
	assert_int_equal(access(fresh, F_OK), 0);
	unlink(fresh);
	free(old);
	free(fresh);
}

/*
 * A queued message's address, subject and body are sealed under a key of
 * its own; delivered, the row keeps kind, times and status, and the key is
 * destroyed.
 */
static void
test_outbox_sealed_until_sent(void **state)
{
	(void)state;
	static const char *const slow[] = {"RECRUITD_MAIL_INTERVAL_MS=3600000", NULL};
	api_stop(NULL);
	api_start_with(slow); /* nothing delivered on its own meanwhile */
	char *id = new_staff_applicant("outbox", "Outbox Person");
	char *email = record_field(id, "email");
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	struct resp *r = http_json("POST", "/v1/me/sign-in", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(body);
	char *row = db_value("SELECT key_id::text FROM mail_outbox WHERE applicant_id = $1 "
	                     "AND status = 'pending' AND sealed IS NOT NULL AND to_address IS NULL "
	                     "AND subject IS NULL AND body IS NULL",
	                     id);
	assert_true(key_alive(row));
	char *cmd = xasprintf("RECRUITD_MAIL_DIR=%s %s mail deliver >/dev/null 2>&1",
	                      api_mail_dir(), getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(system(cmd), 0);
	free(cmd);
	expect_db_value("SELECT count(*) FROM mail_outbox WHERE applicant_id = $1 AND status = "
	                "'sent' AND sealed IS NULL AND key_id IS NULL",
	                id, "1");
	assert_false(key_alive(row));
	char *code = mail_code(email, "/me");
	assert_non_null(code); /* and it did arrive */
	free(code);
	api_stop(NULL);
	api_start(NULL);
	free(row);
	free(email);
	free(id);
}

static int
setup(void **state)
{
	(void)state;
	api_start(NULL);
	opening = recruiter_opening("Key Holder");
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_change_replaces_the_record_key),
	    cmocka_unit_test(test_document_delete_destroys_its_key),
	    cmocka_unit_test(test_pending_key_dies_at_confirmation),
	    cmocka_unit_test(test_expired_package_key_is_destroyed),
	    cmocka_unit_test(test_destruction_is_retried),
	    cmocka_unit_test(test_no_core_dumps),
	    cmocka_unit_test(test_mail_dir_is_swept),
	    cmocka_unit_test(test_outbox_sealed_until_sent),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
