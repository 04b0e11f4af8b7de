/*
 * The scheduler (DESIGN, "Scheduler and notifications"), on a clock the
 * test moves (RECRUITD_TEST_CLOCK) and looks it asks for (SIGUSR1), never
 * sleeping for time to pass: a record past its retention is gone after the
 * scheduled purge with no operator's action, each slot runs once (also with
 * two instances), a failed purge is tried again after its wait and is seen
 * in /metrics meanwhile, a job whose instance died is taken up once its
 * lease runs out, and queued key destruction is done on the minute, and
 * retried until the key database is back.
 * Records expire at once under rules of 0 days for Iceland (IS); everything
 * else is kept 10 years, as in test_retention.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

static const char rules[] =
    "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":3650},"
    "{\"outcome\":\"withdrawn\",\"country\":\"*\",\"retain_days\":3650},"
    "{\"outcome\":\"no_application\",\"country\":\"*\",\"retain_days\":3650},"
    "{\"outcome\":\"rejected\",\"country\":\"IS\",\"retain_days\":0},"
    "{\"outcome\":\"withdrawn\",\"country\":\"IS\",\"retain_days\":0},"
    "{\"outcome\":\"no_application\",\"country\":\"IS\",\"retain_days\":0}]";

#define PURGE_AT (2 * 3600 + 30 * 60) /* RECRUITD_PURGE_AT's default, in UTC here */

/* A person in Iceland who never applied: past retention at once. */
static char *
expired_person(const char *name)
{
	char *email = unique_email("sched");
	char *body =
	    xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\",\"address\":{\"country\":\"IS\"}}",
	              name, email);
	forbid_in_log(name);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(email);
	return id;
}

static char *
job_value(const char *job, const char *column)
{
	char *sql = xasprintf("SELECT %s::text FROM scheduler_jobs WHERE name = $1", column);
	char *v = db_value(sql, job);
	free(sql);
	return v;
}

static long
job_runs(const char *job)
{
	char *v = job_value(job, "runs");
	long n = v ? atol(v) : 0;
	free(v);
	return n;
}

static void
expect_job(const char *job, const char *column, const char *want)
{
	char *v = job_value(job, column);
	assert_string_equal(v, want);
	free(v);
}

static void
expect_exists(const char *applicant, const char *want)
{
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", applicant, want);
}

/* The first purge slot after t (02:30 UTC), plus a minute. */
static time_t
after_next_purge(time_t t)
{
	time_t at = t - t % 86400 + PURGE_AT;
	if (at <= t)
		at += 86400;
	return at + 60;
}

/* The jobs forgotten and seen again at a clock of now: the purge waits for its next 02:30. */
static time_t
fresh_jobs(void)
{
	time_t now = time(NULL);
	db_exec_sql("DELETE FROM scheduler_jobs", NULL);
	api_clock_set(now);
	api_scheduler_tick(0);
	expect_job("purge", "runs", "0");
	return now;
}

/* A new member of role signed in: the session cookie (new string). */
static char *
member(const char *role)
{
	char *email = unique_email(role);
	free(add_member(email, role));
	char *cookie = sign_in(email);
	free(email);
	return cookie;
}

static bool
metrics_has(const char *line)
{
	struct resp *r = http("GET", "/metrics", NULL, NULL, NULL, NULL);
	bool has = r->status == 200 && r->body && strstr(r->body, line) != NULL;
	resp_free(r);
	return has;
}

static void
test_scheduled_purge(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	char *who = expired_person("Stale Sigrun");

	/* at start, the purge waits for its time: nothing is purged on a restart */
	expect_exists(who, "1");
	time_t t = after_next_purge(now);
	api_clock_set(t);
	api_scheduler_tick(0);
	expect_exists(who, "0"); /* no cron, no operator */
	expect_db_value("SELECT count(*) FROM applicant_tombstones WHERE applicant_id = $1", who,
	                "1");
	expect_job("purge", "last_result", "ok");
	expect_job("purge", "runs", "1");
	assert_true(metrics_has("recruitd_job_last_result{job=\"purge\",result=\"ok\"} 1\n"));
	char line[96];
	snprintf(line, sizeof(line), "recruitd_job_last_start_seconds{job=\"purge\"} %lld\n",
	         (long long)t);
	assert_true(metrics_has(line));
	assert_true(metrics_has("recruitd_job_last_end_seconds{job=\"purge\"} "));
	assert_true(metrics_has("recruitd_job_scheduled{job=\"key_rotation\"} 1\n"));
	expect_job("key_rotation", "last_result", "ok"); /* due or not, it ran */
	/* the run is the same engine's, recorded as the scheduler's */
	expect_db_value("SELECT dry_run::text FROM purge_runs ORDER BY started_at DESC LIMIT 1",
	                NULL, "false");

	/* one run a slot: looking again the same day does nothing */
	api_clock_set(t + 3600);
	api_scheduler_tick(0);
	expect_job("purge", "runs", "1");
	/* the next day's slot runs again */
	api_clock_set(t + 86400);
	api_scheduler_tick(0);
	expect_job("purge", "runs", "2");
	free(who);
}

static void
test_two_instances_run_each_slot_once(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	api_start_second();
	api_scheduler_tick(1);
	long purge = job_runs("purge"), sweeps = job_runs("sweeps"),
	     shreds = job_runs("key_shreds");
	char *who = expired_person("Twice Thora");

	api_clock_set(after_next_purge(now));
	for (int round = 0; round < 3; round++) { /* both at once, three times over */
		long b0 = api_scheduler_ticks(0), b1 = api_scheduler_ticks(1);
		api_scheduler_kick(0);
		api_scheduler_kick(1);
		api_scheduler_wait(0, b0);
		api_scheduler_wait(1, b1);
	}
	expect_exists(who, "0");
	assert_int_equal(job_runs("purge"), purge + 1);
	assert_int_equal(job_runs("sweeps"), sweeps + 1);
	assert_int_equal(job_runs("key_shreds"), shreds + 1);
	free(who);
}

static void
test_failed_purge_is_retried(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	char *who = expired_person("Failing Freyja");
	PGresult *res = PQexec(
	    test_db(),
	    "CREATE OR REPLACE FUNCTION test_sched_fail() RETURNS trigger LANGUAGE plpgsql AS $$ "
	    "BEGIN RAISE EXCEPTION 'forced failure'; END $$; "
	    "DROP TRIGGER IF EXISTS test_sched_fail ON applicant_tombstones; "
	    "CREATE TRIGGER test_sched_fail BEFORE INSERT ON applicant_tombstones FOR EACH ROW "
	    "EXECUTE FUNCTION test_sched_fail()");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);

	time_t t = after_next_purge(now);
	api_clock_set(t);
	api_scheduler_tick(0);
	expect_exists(who, "1");
	expect_job("purge", "last_result", "failed");
	expect_job("purge", "failures", "1");
	assert_true(metrics_has("recruitd_job_last_result{job=\"purge\",result=\"failed\"} 1\n"));
	assert_true(metrics_has("recruitd_job_failures_in_a_row{job=\"purge\"} 1\n"));
	/* not again before its wait (a minute), however often it looks */
	api_clock_set(t + 30);
	api_scheduler_tick(0);
	expect_job("purge", "runs", "1");
	/* HR sees it on /staff/retention, as an alert; a recruiter does not open the page */
	char *hr = member("hr"), *rec;
	struct resp *page = get_page("/staff/retention", hr);
	assert_int_equal(page->status, 200);
	assert_non_null(strstr(page->body, "role=\"alert\" aria-labelledby=\"sched-title\""));
	resp_free(page);
	rec = member("recruiter");
	page = get_page("/staff/retention", rec);
	assert_int_equal(page->status, 403);
	resp_free(page);

	PQclear(PQexec(test_db(), "DROP TRIGGER test_sched_fail ON applicant_tombstones; "
	                          "DROP FUNCTION test_sched_fail()"));
	api_clock_set(t + 61);
	api_scheduler_tick(0);
	expect_exists(who, "0");
	expect_job("purge", "last_result", "ok");
	expect_job("purge", "failures", "0");
	expect_job("purge", "runs", "2");
	page = get_page("/staff/retention", hr);
	assert_int_equal(page->status, 200);
	assert_null(strstr(page->body, "role=\"alert\" aria-labelledby=\"sched-title\""));
	resp_free(page);
	free(hr);
	free(rec);
	free(who);
}

/* From the page: a dry run's counts by rule, then the real purge from its report. */
static void
test_purge_from_the_page(void **state)
{
	(void)state;
	char *hr = member("hr"), *csrf = csrf_of(hr), *who = expired_person("Paged Pall");
	char *body = xasprintf("csrf=%s&dry_run=true", csrf);
	struct resp *r = post_form("/staff/retention/purges", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	char *loc = resp_header(r, "Location");
	assert_non_null(loc);
	assert_non_null(strstr(loc, "/staff/retention/purges/"));
	resp_free(r);
	expect_exists(who, "1");
	r = get_page(loc, hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "no_application"));  /* the rule, counted */
	assert_non_null(strstr(r->body, "value=\"false\"")); /* the real purge offered */
	resp_free(r);
	/* without the session's token: refused, nothing purged */
	r = post_form("/staff/retention/purges", "dry_run=false", hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	expect_exists(who, "1");
	free(body);
	body = xasprintf("csrf=%s&dry_run=false", csrf);
	r = post_form("/staff/retention/purges", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	resp_free(r);
	expect_exists(who, "0");
	/* a held record is listed (its reason is sealed with it: not here), and lifted, is not */
	char *held = expired_person("Held Hakon");
	char *hold = xasprintf("/v1/applicants/%s/legal-hold", held);
	r = http_json("PUT", hold, staff.hr, "{\"reason\":\"Litigation 2026-17\"}");
	assert_true(r->status == 200 || r->status == 201);
	resp_free(r);
	char *link = xasprintf("href=\"/staff/applicants/%s\"", held);
	r = get_page("/staff/retention", hr);
	assert_non_null(strstr(r->body, link));
	assert_null(strstr(r->body, "Litigation 2026-17"));
	resp_free(r);
	r = http_json("DELETE", hold, staff.hr, NULL);
	assert_true(r->status == 200 || r->status == 204);
	resp_free(r);
	r = get_page("/staff/retention", hr);
	assert_null(strstr(r->body, link));
	resp_free(r);
	free(link);
	free(hold);
	free(held);
	free(loc);
	free(body);
	free(csrf);
	free(hr);
	free(who);
}

static void
test_dead_instance_job_taken_up(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	time_t t = after_next_purge(now);
	char until[32], *who = expired_person("Orphan Olof");

	/* an instance took the purge at t and died: its lease (15 minutes) was never renewed */
	snprintf(until, sizeof(until), "%lld", (long long)t + 900);
	db_exec_sql("UPDATE scheduler_jobs SET lease_owner = 'gone:1:dead', "
	            "lease_until = to_timestamp($1::bigint), last_owner = 'gone:1:dead', "
	            "last_result = 'running' WHERE name = 'purge'",
	            until);
	api_clock_set(t + 60);
	api_scheduler_tick(0);
	expect_exists(who, "1"); /* never twice at once: the lease still holds */
	expect_job("purge", "lease_owner", "gone:1:dead");
	api_clock_set(t + 901);
	api_scheduler_tick(0);
	expect_exists(who, "0");
	expect_job("purge", "last_result", "ok");
	expect_job("purge", "(lease_owner IS NULL)", "true");
	expect_job("purge", "(last_owner <> 'gone:1:dead')", "true");
	free(who);
}

/*
 * A killed job: the second instance takes the purge and is killed (SIGKILL)
 * in the middle of it (held inside the purge's statement by a lock the test
 * holds). Its work is rolled back; its lease holds until it runs out, so
 * the other instance does not run the job meanwhile; then the other takes
 * the job up and the record goes.
 */
static void
test_killed_job_is_taken_up(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	time_t t = after_next_purge(now);
	char *who = expired_person("Killed Kari");
	PGresult *res = PQexec(
	    test_db(),
	    "CREATE OR REPLACE FUNCTION test_sched_hold() RETURNS trigger LANGUAGE plpgsql AS $$ "
	    "BEGIN PERFORM pg_advisory_xact_lock(29029); RETURN NEW; END $$; "
	    "DROP TRIGGER IF EXISTS test_sched_hold ON applicant_tombstones; "
	    "CREATE TRIGGER test_sched_hold BEFORE INSERT ON applicant_tombstones FOR EACH ROW "
	    "EXECUTE FUNCTION test_sched_hold(); SELECT pg_advisory_lock(29029)");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);

	api_start_second();
	api_clock_set(t);
	api_scheduler_kick(1); /* only the second looks: it takes the purge, and waits inside */
	await_lock_waits(1);
	char *owner = job_value("purge", "lease_owner");
	assert_non_null(owner);
	expect_job("purge", "last_result", "running");
	kill(api_second_pid(), SIGKILL);
	api_second_reaped();
	/* its connection, as PostgreSQL ends it once it sees the client gone: rolled back */
	db_exec_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
	            "wait_event_type = 'Lock' AND application_name = 'recruitd'",
	            NULL);
	PQclear(PQexec(test_db(), "SELECT pg_advisory_unlock_all(); "
	                          "DROP TRIGGER test_sched_hold ON applicant_tombstones; "
	                          "DROP FUNCTION test_sched_hold()"));
	expect_exists(who, "1");

	/* within the dead instance's lease (15 minutes): not run twice at once */
	api_clock_set(t + 600);
	api_scheduler_tick(0);
	expect_exists(who, "1");
	expect_job("purge", "lease_owner", owner);
	/* its lease run out: taken up, done */
	api_clock_set(t + 901);
	api_scheduler_tick(0);
	expect_exists(who, "0");
	expect_job("purge", "last_result", "ok");
	expect_job("purge", "(lease_owner IS NULL)", "true");
	char *last = job_value("purge", "last_owner");
	assert_string_not_equal(last, owner);
	free(last);
	free(owner);
	free(who);
}

static void
test_queued_key_destruction(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	char id[64];
	char *v = db_value("SELECT gen_random_uuid()::text", NULL);
	snprintf(id, sizeof(id), "%s", v);
	free(v);
	/* a key queued by an erasure whose key database did not answer */
	db_exec_sql("INSERT INTO key_shreds (key_id) VALUES ($1::uuid)", id);
	api_clock_set(now + 60);
	api_scheduler_tick(0);
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = $1::uuid", id, "0");
	expect_job("key_shreds", "last_result", "ok");
}

/*
 * An erasure while the key database is away queues the applicant's keys;
 * the minute's job fails, shows it, waits, and is tried again until the
 * key database is back and answers, and that retry destroys them (the shredder's own timer is an
 * hour here, so only the scheduler's job can).
 */
static void
test_key_destruction_retried_as_key_database_returns(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	char *id = new_staff_applicant("shredlater", "Shred Later");
	char *keys = db_value("SELECT '{' || record_key || ',' || history_key || '}' FROM "
	                      "applicants WHERE id = $1",
	                      id);
	char *record = db_value("SELECT record_key::text FROM applicants WHERE id = $1", id);
	long runs = job_runs("key_shreds");
	keys_db_reachable(false);
	char *path = xasprintf("/v1/applicants/%s", id);
	struct resp *r = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])", keys,
	                "2");

	time_t t = now - now % 60 + 60; /* the next minute's slot */
	api_clock_set(t);
	api_scheduler_tick(0);
	assert_int_equal(job_runs("key_shreds"), runs + 1);
	expect_job("key_shreds", "last_result", "failed");
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])", keys,
	                "2");
	assert_true(
	    metrics_has("recruitd_job_last_result{job=\"key_shreds\",result=\"failed\"} 1\n"));

	keys_db_reachable(true);
	api_clock_set(t + 30); /* back, but before the retry's wait (a minute): nothing yet */
	api_scheduler_tick(0);
	assert_int_equal(job_runs("key_shreds"), runs + 1);
	/* after its wait, tried again until the key database answers it too (the server's
	 * connection to it waits 250 ms between attempts: bounded at 10 s); each failure doubles
	 * the wait, which the clock passes */
	time_t at = t + 61;
	char *result = NULL;
	for (int i = 0; i < 100; i++, at += 3601) {
		api_clock_set(at);
		api_scheduler_tick(0);
		free(result);
		result = job_value("key_shreds", "last_result");
		if (strcmp(result, "ok") == 0)
			break;
		usleep(100000);
	}
	assert_string_equal(result, "ok");
	free(result);
	assert_true(job_runs("key_shreds") >= runs + 2);
	expect_job("key_shreds", "failures", "0");
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])", keys,
	                "0");
	assert_false(key_alive(record));
	free(path);
	free(record);
	free(keys);
	free(id);
}

/* What issue 28 left unswept: staff codes and sessions past their time, single sign-on states. */
static void
test_sweeps_staff_leftovers(void **state)
{
	(void)state;
	time_t now = fresh_jobs();
	char *email = unique_email("sweep"), *body, hex[65], key[17];
	snprintf(hex, sizeof(hex), "%08x%056d", (unsigned)getpid() ^ (unsigned)now, 0);
	snprintf(key, sizeof(key), "%016x", (unsigned)getpid() ^ (unsigned)now);
	body =
	    xasprintf("{\"email\":\"%s\",\"name\":\"Swept Member\",\"role\":\"recruiter\"}", email);
	struct resp *r = http_json("POST", "/v1/staff", staff.hr, body);
	assert_int_equal(r->status, 201);
	char *member = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *codes = xasprintf("INSERT INTO staff_sign_in_codes (code_sha256, member_id, "
	                        "expires_at) VALUES ('%s', $1::uuid, now() - interval '1 minute')",
	                        hex);
	char *sessions = xasprintf(
	    "INSERT INTO staff_sessions (key_id, secret_sha256, member_id, method, created_at, "
	    "last_seen_at) VALUES ('%s', '%s', $1::uuid, 'link', now() - interval '25 hours', "
	    "now())",
	    key, hex);
	char *states = xasprintf("INSERT INTO staff_sso_states (state_sha256, expires_at) "
	                         "VALUES ('%s', now() - interval '1 minute')",
	                         hex);
	db_exec_sql(codes, member);
	db_exec_sql(sessions, member);
	db_exec_sql(states, NULL);
	/* the sweeps' next slot (every 15 minutes) */
	api_clock_set(now - now % 900 + 900);
	api_scheduler_tick(0);
	expect_job("sweeps", "last_result", "ok");
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE code_sha256 = $1", hex,
	                "0");
	expect_db_value("SELECT count(*) FROM staff_sessions WHERE key_id = $1", key, "0");
	expect_db_value("SELECT count(*) FROM staff_sso_states WHERE state_sha256 = $1", hex, "0");
	free(codes);
	free(sessions);
	free(states);
	free(member);
	free(body);
	free(email);
}

static int
setup(void **state)
{
	/* the shredder's own pass (jobs/shredder.c) an hour apart: the scheduler's job is tested */
	static const char *const settings[] = {"RECRUITD_KEY_SHRED_INTERVAL_MS=3600000", NULL};
	(void)state;
	api_start_with(settings);
	struct resp *r = http_json("PUT", "/v1/retention/policies", staff.hr, rules);
	assert_int_equal(r->status, 200);
	resp_free(r);
	return 0;
}

static int
teardown(void **state)
{
	keys_db_reachable(true); /* whatever a failed test left */
	PQclear(PQexec(test_db(),
	               "SELECT pg_advisory_unlock_all(); "
	               "DROP TRIGGER IF EXISTS test_sched_hold ON applicant_tombstones"));
	/* the shipped defaults again */
	PGresult *res =
	    PQexec(test_db(), "DELETE FROM retention_policies; INSERT INTO retention_policies "
	                      "(outcome, country, region, retain_days) "
	                      "SELECT o.outcome, r.country, r.region, r.days FROM (VALUES "
	                      "('rejected'), ('withdrawn'), "
	                      "('no_application')) o(outcome), (VALUES ('*', '', 183), ('US', '', "
	                      "365), ('US', 'CA', 1461)) r(country, region, days)");
	PQclear(res);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scheduled_purge),
	    cmocka_unit_test(test_failed_purge_is_retried),
	    cmocka_unit_test(test_dead_instance_job_taken_up),
	    cmocka_unit_test(test_killed_job_is_taken_up),
	    cmocka_unit_test(test_queued_key_destruction),
	    cmocka_unit_test(test_key_destruction_retried_as_key_database_returns),
	    cmocka_unit_test(test_sweeps_staff_leftovers),
	    cmocka_unit_test(test_purge_from_the_page),
	    cmocka_unit_test(test_two_instances_run_each_slot_once),
	};
	return cmocka_run_group_tests_name("api scheduler", tests, setup, teardown);
}
