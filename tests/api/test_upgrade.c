/*
 * Upgrading a database made by the release before issue 26 (DESIGN
 * "Deletion that reaches everything", issue 26 step 9). tests/upgrade/
 * holds pg_dump of both databases and the master key of then, written by
 * tests/upgrade/make-fixture.sh with that release's own binaries: one
 * applicant whose contact fields, title, job title, source detail, legal
 * hold's reason, stage reason, evaluation and document (and its file name)
 * went in through its API, all carrying "Zqprevrel". Restored into
 * databases of their own, migrated by this release's recruitctl (the
 * master key becomes the keyring's first epoch), served by this release
 * as they are; then `keys seal-existing` in batches (stopped after two,
 * then to the end, then once more with nothing to do), and every value
 * reads back the same through the API, the record is found by search and
 * by address, a change keeps the hold, and a dump of the main database
 * holds none of the words in plaintext.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/xalloc.h"
#include "harness.h"

#define PGBIN "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

static char *
conninfo_of(const char *url, const char *name)
{
	const char *d = strstr(url, "dbname=");
	assert_non_null(d);
	const char *end = strchr(d, ' ');
	return xasprintf("%.*sdbname=%s%s", (int)(d - url), url, name, end ? end : "");
}

/* A value of tests/upgrade/previous.ids (new string). */
static char *
fixture_id(const char *name)
{
	char *path = xasprintf("%s/tests/upgrade/previous.ids", getenv("RECRUITD_HOME"));
	FILE *f = fopen(path, "r");
	char line[128], *v = NULL;

	assert_non_null(f);
	while (v == NULL && fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == '=') {
			line[strcspn(line, "\n")] = '\0';
			v = xstrdup(line + strlen(name) + 1);
		}
	fclose(f);
	free(path);
	assert_non_null(v);
	return v;
}

/* The record's values as this release gives them, checked against what went in then. */
static void
expect_record(const char *applicant, const char *application)
{
	char *path = xasprintf("/v1/applicants/%s", applicant);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "full_name"), "Ada Zqprevrelname");
	assert_string_equal(sget(r->json, "email"), "ada.zqprevrel@example.com");
	assert_string_equal(sget(r->json, "title"), "Dr Zqprevreltitle");
	assert_string_equal(sget(r->json, "job_title"), "Zqprevreljob");
	assert_string_equal(sget(json_object_get(r->json, "source"), "detail"), "Zqprevrelsrc");
	assert_string_equal(sget(json_object_get(r->json, "legal_hold"), "reason"),
	                    "Zqprevrelhold");
	resp_free(r);
	free(path);
	path = xasprintf("/v1/applications/%s/history", application);
	r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_array_get(r->json, 1), "reason"), "Zqprevrelwhy");
	resp_free(r);
	free(path);
	path = xasprintf("/v1/applications/%s/evaluations", application);
	r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_array_get(json_object_get(r->json, "items"), 0), "summary"),
	                    "Zqprevrelsum");
	resp_free(r);
	free(path);
	path = xasprintf("/v1/applicants/%s/documents", applicant);
	r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	json_t *doc = json_array_get(json_object_get(r->json, "items"), 0);
	assert_string_equal(sget(doc, "filename"), "Zqprevrelfile.txt");
	char *bytes = xasprintf("/v1/documents/%s", sget(doc, "id"));
	resp_free(r);
	r = http("GET", bytes, staff.hr, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(memmem(r->body, r->len, "Zqprevreldoc", 12));
	resp_free(r);
	free(bytes);
	free(path);
	/* found by name and by address */
	r = http_json("GET", "/v1/applicants?q=Zqprevrelname", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
	r = http_json("POST", "/v1/applicants", staff.hr,
	              "{\"full_name\":\"Someone\",\"email\":\"ADA.zqprevrel@example.com\"}");
	assert_problem(r, 409, "duplicate-email");
	resp_free(r);
}

static void
test_previous_release_upgraded(void **state)
{
	(void)state;
	char *applicant = fixture_id("applicant"), *application = fixture_id("application");
	const char *ctl = getenv("RECRUITD_TEST_CTL");
	char *env = xasprintf("RECRUITD_DATABASE_URL='%s' RECRUITD_KEYS_DATABASE_URL='%s' "
	                      "RECRUITD_MASTER_KEY_FILE='%s' RECRUITD_KEYRING_FILE='%s'",
	                      getenv("RECRUITD_DATABASE_URL"), getenv("RECRUITD_KEYS_DATABASE_URL"),
	                      getenv("RECRUITD_MASTER_KEY_FILE"), getenv("RECRUITD_KEYRING_FILE"));

	/* served as they are, before anything is sealed anew */
	expect_record(applicant, application);
	expect_db_value("SELECT count(*) FROM applicants WHERE title IS NOT NULL", NULL, "1");

	/* resumable: two batches of one, then to the end, then nothing left */
	assert_int_equal(
	    shell("%s %s keys seal-existing --batch 1 --max-batches 2 2>/dev/null", env, ctl), 0);
	expect_record(applicant, application);
	assert_int_equal(shell("%s %s keys seal-existing --batch 1 2>/dev/null", env, ctl), 0);
	assert_int_equal(shell("%s %s keys seal-existing 2>/dev/null", env, ctl), 0);
	expect_db_value(
	    "SELECT count(*) FROM applicants WHERE title IS NOT NULL OR job_title IS NOT "
	    "NULL OR source_detail IS NOT NULL OR legal_hold_reason IS NOT NULL",
	    NULL, "0");
	expect_db_value("SELECT count(*) FROM application_history WHERE reason IS NOT NULL", NULL,
	                "0");
	expect_db_value("SELECT count(*) FROM documents WHERE filename IS NOT NULL", NULL, "0");
	expect_db_value("SELECT count(*) FROM evaluations WHERE summary IS NOT NULL", NULL, "0");
	expect_record(applicant, application);

	/* a change re-seals the record under a new key, the hold's reason with it */
	char *path = xasprintf("/v1/applicants/%s", applicant);
	struct resp *r = http("PATCH", path, staff.hr, "application/merge-patch+json",
	                      "{\"phone\":\"+1 212 555 0143\"}", NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_object_get(r->json, "legal_hold"), "reason"),
	                    "Zqprevrelhold");
	resp_free(r);
	free(path);

	/* nothing of it left in plaintext (VACUUM FULL: the rows of before rewritten away) */
	db_exec_sql("VACUUM FULL", NULL);
	char *dump = xasprintf("%s/upgrade-%d.sql", api_mail_dir(), (int)getpid());
	assert_int_equal(
	    shell(PGBIN "/pg_dump -d \"%s\" -f %s", getenv("RECRUITD_DATABASE_URL"), dump), 0);
	assert_int_equal(shell("grep -a -i -q -F zqprevrel %s", dump), 1);
	unlink(dump);
	free(dump);
	free(env);
	free(applicant);
	free(application);
}

static char *suite_url, *suite_keys_url, *main_name, *keys_name, *dir;

/* The fixture restored into databases of its own, migrated, and the suite pointed at them. */
static int
setup(void **state)
{
	(void)state;
	const char *home = getenv("RECRUITD_HOME");
	suite_url = xstrdup(getenv("RECRUITD_DATABASE_URL"));
	suite_keys_url = xstrdup(getenv("RECRUITD_KEYS_DATABASE_URL"));
	main_name = xasprintf("upgrade_main_%d", (int)getpid());
	keys_name = xasprintf("upgrade_keys_%d", (int)getpid());
	dir = xasprintf("%s/upgrade-%d",
	                getenv("RECRUITD_TEST_LOGDIR") ? getenv("RECRUITD_TEST_LOGDIR") : "/tmp",
	                (int)getpid());
	assert_int_equal(
	    shell("rm -rf %s && mkdir -m 700 %s && cp %s/tests/upgrade/previous-master.key "
	          "%s/master.key && chmod 600 %s/master.key",
	          dir, dir, home, dir, dir),
	    0);
	const char *names[2] = {main_name, keys_name}, *files[2] = {"main", "keys"};
	for (int i = 0; i < 2; i++) {
		shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE IF EXISTS %s' >/dev/null 2>&1",
		      suite_url, names[i]);
		assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -c 'CREATE DATABASE %s'",
		                       suite_url, names[i]),
		                 0);
		char *url = conninfo_of(suite_url, names[i]);
		assert_int_equal(shell(PGBIN "/psql -X -q -v ON_ERROR_STOP=1 -d \"%s\" -f "
		                             "%s/tests/upgrade/previous-%s.sql >/dev/null",
		                       url, home, files[i]),
		                 0);
		setenv(i == 0 ? "RECRUITD_DATABASE_URL" : "RECRUITD_KEYS_DATABASE_URL", url, 1);
		free(url);
	}
	char *key = xasprintf("%s/master.key", dir), *ring = xasprintf("%s/keyring", dir);
	setenv("RECRUITD_MASTER_KEY_FILE", key, 1);
	setenv("RECRUITD_KEYRING_FILE", ring, 1);
	free(key);
	free(ring);
	/* this release's migrations, both databases; the master key of then becomes an epoch */
	assert_int_equal(shell("%s migrate >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	return api_start(NULL);
}

static int
teardown(void **state)
{
	int rc = api_stop(state);
	harness_store_forget();
	shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE %s WITH (FORCE)' -c 'DROP DATABASE %s "
	            "WITH (FORCE)'",
	      suite_url, main_name, keys_name);
	shell("rm -rf %s", dir);
	free(dir);
	free(main_name);
	free(keys_name);
	free(suite_url);
	free(suite_keys_url);
	return rc;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_previous_release_upgraded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
