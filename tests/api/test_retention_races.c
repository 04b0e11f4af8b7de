/*
 * API and CLI: purges racing. Two purges at once, a purge killed midway then
 * finished, a batch that loses a race in the database, and the API
 * answering while a large purge runs. The rules and the rest of the purge:
 * test_retention.c.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "retention_suite.h"

/* N expired applicants made straight in SQL, tagged so the test can find them. */
static void
make_expired(int n, const char *tag)
{
	char count[16];
	snprintf(count, sizeof(count), "%d", n);
	const char *params[2] = {count, tag};
	PGresult *res =
	    PQexecParams(test_db(),
	                 "INSERT INTO applicants (full_name, email, address, country, source_type) "
	                 "SELECT 'Bulk ' || $2, $2 || '.' || g || '@example.com', "
	                 "'{\"country\":\"IS\"}', 'IS', 'import' "
	                 "FROM generate_series(1, $1::int) g",
	                 2, NULL, params, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
}

struct racer {
	char *request, *response;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	r->response = raw_request(r->request, strlen(r->request));
	return NULL;
}

static char *
purge_request(void)
{
	static const char body[] = "{\"dry_run\":false}";
	return xasprintf(
	    "POST /v1/retention/purges HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    staff.hr, sizeof(body) - 1, body);
}

static long
purged_in(const char *response)
{
	const char *body = strstr(response, "\r\n\r\n");
	json_t *j = body ? json_loads(body + 4, 0, NULL) : NULL;
	long n = j ? (long)json_integer_value(json_object_get(j, "purged")) : -1;
	json_decref(j);
	return n;
}

static void
test_two_purges_at_once(void **state)
{
	(void)state;
	char tag[48];
	snprintf(tag, sizeof(tag), "twin%d-%d", (int)getpid(), ++seq);
	json_decref(purge(false)); /* what was due before: not this test's to count */
	make_expired(1200, tag);
	struct racer r[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		r[i].request = purge_request();
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++)
		if (strncmp(r[i].response, "HTTP/1.1 201", 12) != 0)
			fail_msg("a purge answered: %.200s", r[i].response);
	/* each applicant purged exactly once: the reports add up */
	assert_int_equal(purged_in(r[0].response) + purged_in(r[1].response), 1200);
	char *sql = xasprintf("SELECT count(*) FROM applicants WHERE full_name = 'Bulk %s'", tag);
	expect_db_value(sql, NULL, "0");
	free(sql);
	expect_db_value("SELECT count(*) FROM (SELECT applicant_id FROM audit_log WHERE action = "
	                "'applicant.purge' "
	                "GROUP BY applicant_id HAVING count(*) > 1) x",
	                NULL, "0");
	for (int i = 0; i < 2; i++) {
		free(r[i].request);
		free(r[i].response);
	}
}

static pid_t
start_ctl_purge(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", 1);
		dup2(null, 1);
		dup2(null, 2);
		execl(getenv("RECRUITD_TEST_CTL"), "recruitctl", "purge", "--confirm",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
test_killed_midway_then_finished(void **state)
{
	(void)state;
	char tag[48], *sql;
	snprintf(tag, sizeof(tag), "kill%d-%d", (int)getpid(), ++seq);
	make_expired(1500, tag);
	/* hold the purge up at the tombstone of the last one, so it is killed mid-work */
	sql = xasprintf("SELECT max(id::text) FROM applicants WHERE full_name = 'Bulk %s'", tag);
	char *last = db_value(sql, NULL);
	free(sql);
	PGconn *gate = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	PQclear(PQexec(gate, "BEGIN"));
	const char *gp[1] = {last};
	PGresult *g = PQexecParams(
	    gate,
	    "INSERT INTO applicant_tombstones (applicant_id, disposition) VALUES ($1, 'deleted')",
	    1, NULL, gp, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(g), PGRES_COMMAND_OK);
	PQclear(g);

	pid_t pid = start_ctl_purge();
	char *waiting = NULL;
	for (int i = 0; i < 300; i++) { /* until the purge waits on our row */
		free(waiting);
		waiting =
		    db_value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
		             "AND query LIKE 'WITH x AS%'",
		             NULL);
		if (strcmp(waiting, "0") != 0)
			break;
		usleep(50000);
	}
	assert_string_not_equal(waiting, "0");
	free(waiting);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	PQclear(PQexec(gate, "ROLLBACK"));
	PQfinish(gate);
	usleep(300000); /* the killed client's backend sees it is gone and rolls back */

	/* some batches done, the one in progress undone: nobody half-deleted */
	char *killed =
	    db_value("SELECT id FROM purge_runs WHERE status = 'running' AND dry_run = false "
	             "ORDER BY started_at DESC LIMIT 1",
	             NULL);
	assert_non_null(killed);
	sql = xasprintf("SELECT count(*) FROM applicants WHERE full_name = 'Bulk %s'", tag);
	char *left = db_value(sql, NULL);
	assert_true(atol(left) > 0 && atol(left) < 1500);
	free(left);
	free(sql);
	sql = xasprintf("SELECT count(*) FROM applicants a JOIN applicant_tombstones t ON "
	                "t.applicant_id = a.id "
	                "WHERE a.full_name = 'Bulk %s'",
	                tag);
	expect_db_value(sql, NULL, "0");
	free(sql);
	/* the next run finishes the work, with its report on stdout */
	json_t *report = ctl_purge("--confirm");
	assert_true(json_integer_value(json_object_get(report, "purged")) > 0);
	assert_true(json_is_false(json_object_get(report, "dry_run")));
	json_decref(report);
	sql = xasprintf("SELECT count(*) FROM applicants WHERE full_name = 'Bulk %s'", tag);
	expect_db_value(sql, NULL, "0");
	free(sql);
	expect_db_value("SELECT count(*) FROM applicant_tombstones WHERE applicant_id = $1 AND "
	                "disposition = 'purged'",
	                last, "1");
	free(last);
	/* the killed run does not stay "running" for ever: the next run marked it failed */
	expect_db_value("SELECT status || (finished_at IS NOT NULL) FROM purge_runs WHERE id = $1",
	                killed, "failedtrue");
	free(killed);
}

/*
 * A purge whose batch loses a race in the database (a serialization
 * failure, forced here on its tombstones) answers 503 with Retry-After, as
 * every lost race does, never a 500: the batch is rolled back, the run is
 * recorded as failed, and the next run purges what it could not.
 */
static void
test_lost_race_is_a_retry(void **state)
{
	(void)state;
	char tag[48], *sql;
	snprintf(tag, sizeof(tag), "race%d-%d", (int)getpid(), ++seq);
	make_expired(3, tag);
	PGresult *res = PQexec(
	    test_db(),
	    "CREATE OR REPLACE FUNCTION test_purge_race() RETURNS trigger LANGUAGE plpgsql AS $$ "
	    "BEGIN IF NEW.disposition = 'purged' THEN RAISE EXCEPTION 'forced race' USING "
	    "ERRCODE = '40001'; END IF; RETURN NEW; END $$; "
	    "DROP TRIGGER IF EXISTS test_purge_race ON applicant_tombstones; "
	    "CREATE TRIGGER test_purge_race BEFORE INSERT ON applicant_tombstones FOR EACH ROW "
	    "EXECUTE FUNCTION test_purge_race()");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	struct resp *r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	PQclear(PQexec(test_db(), "DROP TRIGGER test_purge_race ON applicant_tombstones; "
	                          "DROP FUNCTION test_purge_race()"));
	assert_problem(r, 503, "service-unavailable");
	char *wait = resp_header(r, "Retry-After");
	assert_non_null(wait);
	free(wait);
	resp_free(r);
	expect_db_value("SELECT status FROM purge_runs ORDER BY started_at DESC LIMIT 1", NULL,
	                "failed");
	sql = xasprintf("SELECT count(*) FROM applicants WHERE full_name = 'Bulk %s'", tag);
	expect_db_value(sql, NULL, "3"); /* nobody half-deleted */
	json_decref(purge(false));
	expect_db_value(sql, NULL, "0");
	free(sql);
}

struct big {
	char *request, *response;
	volatile int done;
};

static void *
big_purge(void *arg)
{
	struct big *b = arg;
	b->response = raw_request(b->request, strlen(b->request));
	b->done = 1;
	return NULL;
}

static void
test_api_answers_during_a_large_purge(void **state)
{
	(void)state;
	const char *size_env = getenv("RECRUITD_TEST_PURGE_SIZE");
	int size = size_env ? atoi(size_env) : 100000;
	char tag[48];
	snprintf(tag, sizeof(tag), "big%d-%d", (int)getpid(), ++seq);
	make_expired(size, tag);
	char *keep = person(NULL, "Kept Reader", NULL),
	     *path = xasprintf("/v1/applicants/%s", keep);

	struct big b = {.request = purge_request()};
	pthread_t t;
	pthread_create(&t, NULL, big_purge, &b);
	int answered = 0, during = 0;
	while (!b.done) {
		struct resp *r = http_json("GET", path, staff.recruiter, NULL);
		assert_int_equal(r->status, 200);
		resp_free(r);
		r = http("GET", "/healthz", NULL, NULL, NULL, NULL);
		assert_int_equal(r->status, 200);
		resp_free(r);
		answered += 2;
		char *running =
		    db_value("SELECT count(*) FROM purge_runs WHERE status = 'running'", NULL);
		during += strcmp(running, "0") != 0;
		free(running);
	}
	pthread_join(t, NULL);
	assert_int_equal(strncmp(b.response, "HTTP/1.1 201", 12), 0);
	assert_int_equal(purged_in(b.response), size);
	assert_true(during > 0); /* requests were answered while the purge was running */
	fprintf(stderr, "# %d requests answered while %d records were purged\n", answered, size);
	free(b.request);
	free(b.response);
	free(path);
	free(keep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_purges_at_once),
	    cmocka_unit_test(test_killed_midway_then_finished),
	    cmocka_unit_test(test_lost_race_is_a_retry),
	    cmocka_unit_test(test_api_answers_during_a_large_purge),
	};
	return cmocka_run_group_tests_name("api retention races", tests, setup, teardown);
}
