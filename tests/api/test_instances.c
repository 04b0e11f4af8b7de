/*
 * API: two recruitd processes on one PostgreSQL, as behind a load balancer
 * (README, "Several instances"), racing: idempotent twins landing on
 * different instances, transitions racing across them, grouped audit entries
 * exact, purges run on both at once. And a read answered is a read audited,
 * even when its instance is killed (SIGKILL) under load the next moment.
 * What the instances share (e-mail, rate limits, keys): test_instances_shared.c.
 */
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"
#include "instances.h"
#include "store/db.h"
#include "store/keys.h"

/* One request to instance i on a connection of its own: the whole response, or "" when the
 * instance could not be reached or went away. */
static char *
request_to(int instance, const char *bytes)
{
	const char *base = api_base_of(instance);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {60, 0};
	char buf[16384];
	size_t len = 0, cap = 1;
	char *out = xcalloc(1, 1);
	ssize_t n;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)atoi(strrchr(base, ':') + 1));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    send(s, bytes, strlen(bytes), MSG_NOSIGNAL) != (ssize_t)strlen(bytes)) {
		close(s);
		return out;
	}
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0) {
		if (len + (size_t)n + 1 > cap) {
			cap = 2 * (len + (size_t)n + 1);
			out = xrealloc(out, cap);
		}
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
		out[len] = '\0';
	}
	close(s);
	return out;
}

static bool
status_is(const char *response, const char *status)
{
	return strncmp(response, "HTTP/1.1 ", 9) == 0 && strncmp(response + 9, status, 3) == 0;
}

struct racer {
	int instance;
	char *request, *response;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	r->response = request_to(r->instance, r->request);
	return NULL;
}

/* Run the requests of n racers at once, racer i on instance i % 2. */
static void
race_all(struct racer *r, int n)
{
	pthread_t t[64];

	for (int i = 0; i < n; i++) {
		r[i].instance = i % 2;
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static char *
post_json(const char *path, const char *token, const char *extra_headers, const char *body)
{
	return xasprintf("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n%s"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	                 "Connection: close\r\n\r\n%s",
	                 path, token, extra_headers, strlen(body), body);
}

/*
 * Twins with one Idempotency-Key, one on each instance, both in flight at
 * once (the table is held locked until both wait): one applicant, and the
 * same response twice, one of them replayed.
 */
static void
test_idempotent_twins(void **state)
{
	(void)state;
	char *email = unique_email("twin2");
	char *body = xasprintf("{\"full_name\":\"Twin Across\",\"email\":\"%s\"}", email);
	char *key = xasprintf("Idempotency-Key: twin2-%s\r\n", email);
	forbid_in_log("Twin Across");
	PGconn *gate = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	PQclear(PQexec(gate, "BEGIN"));
	PQclear(PQexec(gate, "LOCK TABLE applicants IN SHARE ROW EXCLUSIVE MODE"));
	struct racer r[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		r[i].instance = i;
		r[i].request = post_json("/v1/applicants", staff.hr, key, body);
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	await_lock_waits(2); /* one on the table, the other on the key or the table */
	PQclear(PQexec(gate, "COMMIT"));
	PQfinish(gate);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (!status_is(r[0].response, "201") || !status_is(r[1].response, "201"))
		fail_msg("twins: %.20s / %.20s", r[0].response, r[1].response);
	assert_string_equal(strstr(r[0].response, "\r\n\r\n"), strstr(r[1].response, "\r\n\r\n"));
	assert_true((strstr(r[0].response, "Idempotent-Replayed") != NULL) !=
	            (strstr(r[1].response, "Idempotent-Replayed") != NULL));
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                email_hash_of(email), "1");
	for (int i = 0; i < 2; i++) {
		free(r[i].request);
		free(r[i].response);
	}
	free(key);
	free(body);
	free(email);
}

/* An applicant of staff's with one application to the suite's opening: its id. */
static char *
application_of(const char *who)
{
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	free(path);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* 16 transitions of one application, half on each instance: one wins, the rest are 409. */
static void
test_transitions_race(void **state)
{
	(void)state;
	enum { RACERS = 16 };
	char *who = new_staff_applicant("race2", "Race Across");
	char *app = application_of(who);
	char *path = xasprintf("/v1/applications/%s/transitions", app);
	struct racer r[RACERS];
	for (int i = 0; i < RACERS; i++)
		r[i].request = post_json(path, staff.recruiter, "", "{\"to\":\"screening\"}");
	race_all(r, RACERS);
	int ok = 0, conflict = 0;
	for (int i = 0; i < RACERS; i++) {
		ok += status_is(r[i].response, "200");
		conflict += status_is(r[i].response, "409");
		free(r[i].request);
		free(r[i].response);
	}
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, RACERS - 1);
	expect_db_value("SELECT count(*) FROM application_history WHERE application_id = $1 "
	                "AND to_stage = 'screening'",
	                app, "1");
	free(path);
	free(app);
	free(who);
}

/* A purge on each instance at once: every due applicant purged exactly once. */
static void
test_purges_on_both(void **state)
{
	(void)state;
	enum { DUE = 800 };
	char tag[48], count[16];
	snprintf(tag, sizeof(tag), "both%d-%d", (int)getpid(), ++seq);
	snprintf(count, sizeof(count), "%d", DUE);
	const char *params[2] = {count, tag};
	PGresult *res = PQexecParams(
	    test_db(),
	    "INSERT INTO applicants (full_name, email, address, country, source_type) "
	    "SELECT 'Bulk ' || $2, $2 || '.' || g || '@example.com', '{\"country\":\"IS\"}', 'IS', "
	    "'import' FROM generate_series(1, $1::int) g",
	    2, NULL, params, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	/* due at once: kept 0 days in Iceland (everywhere else ten years) */
	struct resp *p =
	    http_json("PUT", "/v1/retention/policies", staff.hr,
	              "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":3650},"
	              "{\"outcome\":\"withdrawn\",\"country\":\"*\",\"retain_days\":3650},"
	              "{\"outcome\":\"no_application\",\"country\":\"*\",\"retain_days\":3650},"
	              "{\"outcome\":\"no_application\",\"country\":\"IS\",\"retain_days\":0}]");
	assert_int_equal(p->status, 200);
	resp_free(p);
	struct racer r[2];
	for (int i = 0; i < 2; i++)
		r[i].request =
		    post_json("/v1/retention/purges", staff.hr, "", "{\"dry_run\":false}");
	race_all(r, 2);
	long purged = 0;
	for (int i = 0; i < 2; i++) {
		if (!status_is(r[i].response, "201"))
			fail_msg("a purge answered: %.200s", r[i].response);
		json_t *j = json_loads(strstr(r[i].response, "\r\n\r\n") + 4, 0, NULL);
		purged += (long)json_integer_value(json_object_get(j, "purged"));
		json_decref(j);
	}
	expect_db_value("SELECT count(*) FROM applicants WHERE full_name = 'Bulk ' || $1", tag,
	                "0");
	expect_db_value("SELECT count(*) FROM (SELECT applicant_id FROM audit_log WHERE action = "
	                "'applicant.purge' GROUP BY applicant_id HAVING count(*) > 1) x",
	                NULL, "0");
	assert_true(purged >= DUE); /* what else was due (earlier suites' records) goes too */
	/* the shipped defaults again */
	PQclear(PQexec(test_db(), "DELETE FROM retention_policies; INSERT INTO retention_policies "
	                          "(outcome, country, region, retain_days) "
	                          "SELECT o.outcome, r.country, r.region, r.days FROM (VALUES "
	                          "('rejected'), ('withdrawn'), ('no_application')) o(outcome), "
	                          "(VALUES ('*', '', 183), ('US', '', 365), ('US', 'CA', 1461)) "
	                          "r(country, region, days)"));
	for (int i = 0; i < 2; i++) {
		free(r[i].request);
		free(r[i].response);
	}
}

/* -------------------------------------------------------------------- */
/* a read answered is a read audited, though its instance is killed     */

struct reader {
	int n;
	const char *id;
	char **acked; /* the request ids answered 200 */
	int nacked, cap;
};

static atomic_bool killed;

static void *
read_until_gone(void *arg)
{
	struct reader *rd = arg;

	for (int i = 0; i < 100000 && !atomic_load(&killed); i++) {
		char rid[64];
		snprintf(rid, sizeof(rid), "k9-%d-%d-%d-%d", (int)getpid(), seq, rd->n, i);
		char *req = xasprintf("GET /v1/applicants/%s HTTP/1.1\r\nHost: x\r\nAuthorization: "
		                      "Bearer %s\r\nX-Request-Id: %s\r\nConnection: close\r\n\r\n",
		                      rd->id, staff.hr, rid);
		char *resp = request_to(1, req);
		free(req);
		if (status_is(resp, "200")) {
			if (rd->nacked == rd->cap) {
				rd->cap = rd->cap ? 2 * rd->cap : 256;
				rd->acked = xrealloc(rd->acked, (size_t)rd->cap * sizeof(char *));
			}
			rd->acked[rd->nacked++] = xstrdup(rid);
		} else if (resp[0] != '\0') {
			fail_msg("a read answered: %.100s", resp);
		}
		free(resp);
	}
	return NULL;
}

static void
test_killed_under_load_loses_no_audit(void **state)
{
	(void)state;
	enum { READERS = 6, ENOUGH = 300 };
	char *who = new_staff_applicant("k9", "Kill Nine");
	struct reader rd[READERS];
	pthread_t t[READERS];
	seq++;
	atomic_store(&killed, false);
	for (int i = 0; i < READERS; i++) {
		rd[i] = (struct reader){.n = i, .id = who};
		pthread_create(&t[i], NULL, read_until_gone, &rd[i]);
	}
	char *sql =
	    xasprintf("SELECT count(*) >= %d FROM audit_log WHERE request_id LIKE $1", ENOUGH);
	char *like = xasprintf("k9-%d-%d-%%", (int)getpid(), seq);
	char *enough = NULL;
	for (int i = 0; i < 1200; i++) { /* until the load is well under way */
		free(enough);
		enough = db_value(sql, like);
		if (strcmp(enough, "t") == 0)
			break;
		usleep(25000);
	}
	assert_string_equal(enough, "t");
	free(enough);
	free(sql);
	kill(api_second_pid(), SIGKILL);
	atomic_store(&killed, true);
	int acked = 0;
	for (int i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	/* every request id answered 200 has its committed entry */
	for (int i = 0; i < READERS; i++) {
		for (int j = 0; j < rd[i].nacked; j++) {
			expect_db_value("SELECT count(*) FROM audit_log WHERE request_id = $1 AND "
			                "action = 'applicant.read'",
			                rd[i].acked[j], "1");
			free(rd[i].acked[j]);
			acked++;
		}
		free(rd[i].acked);
	}
	/* ENOUGH were committed before the kill; at most one a reader was in flight */
	assert_true(acked >= ENOUGH - READERS);
	api_second_reaped();
	api_start_second(); /* for what follows */
	free(like);
	free(who);
}

/*
 * Entries committed together are passed as array literals: a key name with
 * quotes, backslashes, braces, commas and spaces comes back exactly, and so
 * does the request id of each of a group of concurrent reads.
 */
static void
test_grouped_entries_exact(void **state)
{
	(void)state;
	enum { READS = 12 };
	char name[65], token[TOKEN_MAX_LEN];
	snprintf(name, sizeof(name), "q\"uo\\te {a,b} NULL %d-%d", (int)getpid(), ++seq);
	struct db *db = db_connect(getenv("RECRUITD_DATABASE_URL"));
	assert_non_null(db);
	assert_int_equal(keys_create(db, ROLE_HR, name, token), 0);
	db_close(db);
	char *who = new_staff_applicant("exact", "Exact Entry");
	struct racer r[READS];
	for (int i = 0; i < READS; i++)
		r[i].request =
		    xasprintf("GET /v1/applicants/%s HTTP/1.1\r\nHost: x\r\nAuthorization: "
		              "Bearer %s\r\nX-Request-Id: exact-%d-%d-%d\r\n"
		              "Connection: close\r\n\r\n",
		              who, token, (int)getpid(), seq, i);
	race_all(r, READS);
	for (int i = 0; i < READS; i++) {
		if (!status_is(r[i].response, "200"))
			fail_msg("read %d: %.60s", i, r[i].response);
		char rid[64];
		snprintf(rid, sizeof(rid), "exact-%d-%d-%d", (int)getpid(), seq, i);
		char *actor =
		    db_value("SELECT actor || '|' || action || '|' || applicant_id || '|' || "
		             "target FROM audit_log WHERE request_id = $1",
		             rid);
		char *want = xasprintf("%s|applicant.read|%s|applicant", name, who);
		assert_string_equal(actor, want);
		free(want);
		free(actor);
		free(r[i].request);
		free(r[i].response);
	}
	free(who);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idempotent_twins),
	    cmocka_unit_test(test_transitions_race),
	    cmocka_unit_test(test_grouped_entries_exact),
	    cmocka_unit_test(test_killed_under_load_loses_no_audit),
	    cmocka_unit_test(test_purges_on_both),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
