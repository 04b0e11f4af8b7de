/*
 * API tests for the per-applicant data keys (DESIGN "Per-applicant data
 * keys", issue 17): the key database away (503, nothing written), a key
 * queued for destruction by a crash destroyed, a destroyed key not cached
 * again, the cache warmed by pages of a list. Dumps, restores and sealing:
 * test_keys.c.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/digest.h"
#include "harness.h"
#include "keys_suite.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/vault.h"
#include "unit/fixtures.h"

static void
test_key_database_away_is_503(void **state)
{
	(void)state;
	char *id = new_staff_applicant("keysaway", "Keys Away");
	static const char *const away[] = {"RECRUITD_KEYS_DATABASE_URL=host=/nonexistent dbname=x",
	                                   NULL};
	api_stop(NULL);
	api_start_with(away);
	struct resp *r = http_json("GET", "/readyz", NULL, NULL);
	assert_problem(r, 503, NULL);
	resp_free(r);
	r = http_json("GET", "/healthz", NULL, NULL); /* the process itself is fine */
	assert_int_equal(r->status, 200);
	resp_free(r);
	char *path = xasprintf("/v1/applicants/%s", id);
	r = http_json("GET", path, staff.hr, NULL);
	assert_problem(r, 503, NULL);
	resp_free(r);
	char *before = db_value("SELECT count(*) FROM applicants", NULL);
	r = http_json("POST", "/v1/applicants", staff.hr,
	              "{\"full_name\":\"No Keys\",\"email\":\"nokeys@example.com\"}");
	assert_problem(r, 503, NULL);
	resp_free(r);
	r = http_json("GET", "/v1/applicants?q=away", staff.hr, NULL);
	assert_problem(r, 503, NULL);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applicants", NULL, before); /* nothing written */
	api_stop(NULL);
	api_start_with(NULL); /* as the suite began: the key database back */
	r = http_json("GET", "/readyz", NULL, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(before);
	free(path);
	free(id);
}

/* The ids of applicant id's keys (record and history), as a text[] literal. */
static char *
keys_named(const char *id)
{
	return db_value("SELECT '{' || record_key || ',' || history_key || '}' FROM applicants "
	                "WHERE id = $1",
	                id);
}

/* How many of the keys named (a text[] literal) the key database holds. */
static char *
keys_of(const char *names)
{
	PGconn *keys = PQconnectdb(getenv("RECRUITD_KEYS_DATABASE_URL"));
	const char *p[1] = {names};
	PGresult *k =
	    PQexecParams(keys, "SELECT count(*) FROM data_keys WHERE id = ANY ($1::text[])", 1,
	                 NULL, p, NULL, NULL, 0);
	char *v = xstrdup(PQgetvalue(k, 0, 0));
	PQclear(k);
	PQfinish(keys);
	return v;
}

static void
test_key_queued_by_a_crash_is_destroyed(void **state)
{
	(void)state;
	char *id = new_staff_applicant("crashed", "Crashed Midway");
	char *names = keys_named(id);
	char *n = keys_of(names);
	assert_string_equal(n, "2");
	free(n);
	/* as if the process died after the erasure committed, before the keys were destroyed (the
	 * row's trigger queues them, migration 0030) */
	db_exec_sql("DELETE FROM applicants WHERE id = $1", id);
	n = keys_of(names);
	assert_string_equal(n, "2");
	free(n);
	/* the next purge run (here one with nothing else to do) destroys them first */
	struct resp *r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	n = keys_of(names);
	assert_string_equal(n, "0");
	free(n);
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])", names,
	                "0");
	free(names);
	/* and a dry run leaves the queue alone */
	char *other = new_staff_applicant("crashed", "Crashed Again");
	names = keys_named(other);
	db_exec_sql("DELETE FROM applicants WHERE id = $1", other);
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":true}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	n = keys_of(names);
	assert_string_equal(n, "2");
	free(n);
	/* a start of recruitd destroys them too */
	api_stop(NULL);
	api_start_with(NULL);
	n = keys_of(names);
	assert_string_equal(n, "0");
	free(n);
	free(names);
	free(other);
	free(id);
}

/* The test's hook between a lookup's read of the key table and its cache: destroy the keys. */
static void
destroy_meanwhile(const char *const *ids, size_t n)
{
	vault_test_between_fetch_and_cache = NULL; /* once */
	assert_int_equal(vault_destroy(ids, n), 0);
}

/*
 * A key destroyed while a lookup of it is under way (read from the key
 * database, not yet in the cache) is not put back in the cache: the next
 * lookup finds no key, not the destroyed one.
 */
static void
test_destroyed_key_is_not_cached_again(void **state)
{
	(void)state;
	unsigned char key[SEAL_KEY_LEN];
	char id[37];

	assert_int_equal(uuid_v4(id), 0);
	(void)harness_store();
	assert_int_equal(vault_key_or_new(id, key), 0); /* stored, and cached */
	harness_store_forget();                         /* a process that has not cached it */
	(void)harness_store();
	vault_test_between_fetch_and_cache = destroy_meanwhile;
	assert_int_equal(vault_key(id, key), 0); /* read before its destruction: it had one */
	assert_null(vault_test_between_fetch_and_cache);
	assert_int_equal(vault_key(id, key), 1); /* gone, from the key database and the cache */
	harness_store_forget();
}

static int misses;

/* The test's hook: a lookup went to the key database (the key was not cached). */
static void
count_miss(const char *const *ids, size_t n)
{
	(void)ids;
	misses += (int)n;
}

/*
 * The cache is filled at start a page at a time, newest keys first: with
 * pages of 3, the 10 newest of 12 keys made are cached (no lookup goes to
 * the key database for them), the 2 oldest are not.
 */
static void
test_warm_by_pages(void **state)
{
	(void)state;
	unsigned char key[SEAL_KEY_LEN];
	char ids[12][37];

	(void)harness_store();
	for (int i = 0; i < 12; i++) {
		assert_int_equal(uuid_v4(ids[i]), 0);
		assert_int_equal(vault_key_or_new(ids[i], key), 0);
	}
	harness_store_forget(); /* a process that has cached nothing */
	(void)harness_store();
	assert_int_equal(vault_warm(10, 3), 10);
	misses = 0;
	vault_test_between_fetch_and_cache = count_miss;
	for (int i = 2; i < 12; i++)
		assert_int_equal(vault_key(ids[i], key), 0);
	assert_int_equal(misses, 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(vault_key(ids[i], key), 0);
	assert_int_equal(misses, 2);
	vault_test_between_fetch_and_cache = NULL;
	harness_store_forget();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_database_away_is_503),
	    cmocka_unit_test(test_key_queued_by_a_crash_is_destroyed),
	    cmocka_unit_test(test_destroyed_key_is_not_cached_again),
	    cmocka_unit_test(test_warm_by_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
