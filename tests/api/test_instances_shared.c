/*
 * API: two recruitd processes on one PostgreSQL, as behind a load balancer
 * (README, "Several instances"): whatever one instance does, the other sees.
 * Each e-mail sent once though both deliver, the rate limits counted
 * together, a key revoked anywhere refused everywhere, a destroyed data key
 * dropped by both. The races between them: test_instances.c.
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

/* How many delivered messages in the SMTP server's maildir hold needle. */
static int
delivered_with(const char *needle)
{
	char *dir = xasprintf("%s/new", api_smtp_dir());
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		char line[4096];
		bool has = false;
		while (f != NULL && !has && fgets(line, sizeof(line), f))
			has = strstr(line, needle) != NULL;
		if (f != NULL)
			fclose(f);
		n += has;
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return n;
}

/*
 * Applications to both instances, each confirmation queued once; both
 * instances' mail workers deliver. Once the outbox holds nothing pending,
 * every send has finished (a message is marked sent after its send): each
 * address got exactly one message.
 */
static void
test_each_email_once(void **state)
{
	(void)state;
	enum { N = 12 };
	char *emails[N];
	db_exec_sql(
	    "UPDATE mail_outbox SET status = 'failed', to_address = NULL, subject = NULL, "
	    "body = NULL, sealed = NULL, key_id = NULL, outcome = 'test: left by an earlier suite' "
	    "WHERE status = 'pending'",
	    NULL);
	for (int i = 0; i < N; i++) {
		emails[i] = unique_email("once2");
		struct part parts[] = {
		    {.name = "full_name", .value = "Mail Once"},
		    {.name = "email", .value = emails[i]},
		    {.name = "opening_id", .value = opening},
		    {.name = "privacy_notice_accepted", .value = "true"},
		    {.name = "age_16_or_over", .value = "true"},
		    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
		    {.name = NULL}};
		api_use(i % 2);
		struct resp *r = http_form("POST", "/v1/apply", NULL, parts, NULL);
		assert_int_equal(r->status, 202);
		resp_free(r);
	}
	api_use(0);
	char *pending = NULL;
	for (int i = 0; i < 600; i++) { /* a bound for a broken worker, not a latency check */
		free(pending);
		pending =
		    db_value("SELECT count(*) FROM mail_outbox WHERE status = 'pending'", NULL);
		if (strcmp(pending, "0") == 0)
			break;
		usleep(50000);
	}
	assert_string_equal(pending, "0");
	free(pending);
	for (int i = 0; i < N; i++) {
		assert_int_equal(delivered_with(emails[i]), 1);
		free(emails[i]);
	}
}

/* The limit of 5 applications an hour for one address, counted across both instances. */
static void
test_rate_limit_shared(void **state)
{
	(void)state;
	char *email = unique_email("rate2");
	struct part parts[] = {
	    {.name = "full_name", .value = "Rate Across"},
	    {.name = "email", .value = email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	for (int i = 0; i < 5; i++) {
		api_use(i % 2);
		struct resp *r = http_form("POST", "/v1/apply", NULL, parts, NULL);
		if (r->status != 202)
			fail_msg("apply %d on instance %d: %ld", i + 1, i % 2, r->status);
		resp_free(r);
	}
	for (int i = 0; i < 2; i++) { /* the sixth is refused on either */
		api_use(i);
		struct resp *r = http_form("POST", "/v1/apply", NULL, parts, NULL);
		assert_problem(r, 429, "too-many-requests");
		resp_free(r);
	}
	api_use(0);
	expect_db_value("SELECT count(*) FROM pending_submissions WHERE email_hash = $1::bytea",
	                email_hash_of(email), "5");
	free(email);
}

static long
status_on(int instance, const char *path, const char *token)
{
	api_use(instance);
	struct resp *r = http_json("GET", path, token, NULL);
	long st = r->status;
	resp_free(r);
	api_use(0);
	return st;
}

/*
 * A staff key used on both instances (so each keeps it), revoked with
 * recruitctl: refused on both within a second (on notice, in practice at
 * once). An applicant's session closed on one is refused on the other.
 */
static void
test_revoked_everywhere(void **state)
{
	(void)state;
	char name[65];
	char *token = staff_token("recruiter", name);
	for (int i = 0; i < 2; i++)
		assert_int_equal(status_on(i, "/v1/openings", token), 200);
	char *cmd = xasprintf("%s key revoke %s 2>/dev/null", getenv("RECRUITD_TEST_CTL"), name);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool refused[2] = {false, false};
	double took = 0;
	while (!(refused[0] && refused[1]) && took < 1.0) {
		for (int i = 0; i < 2; i++)
			refused[i] = refused[i] || status_on(i, "/v1/openings", token) == 401;
		clock_gettime(CLOCK_MONOTONIC, &t);
		took = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
	}
	if (!refused[0] || !refused[1])
		fail_msg("a revoked key still works after %.2f s (refused: %d %d)", took,
		         refused[0], refused[1]);
	for (int i = 0; i < 2; i++) /* and stays refused */
		assert_int_equal(status_on(i, "/v1/openings", token), 401);
	free(token);

	struct applied a =
	    apply_confirmed(opening, "Session Across", "sess2", pdf.data, pdf.len, "cv.pdf", NULL);
	forbid_in_log("Session Across");
	assert_int_equal(status_on(1, "/v1/me", a.token), 200);
	api_use(0);
	struct resp *r = http_json("DELETE", "/v1/me/session", a.token, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	assert_int_equal(status_on(1, "/v1/me", a.token), 401);
	applied_free(&a);
}

/*
 * An applicant read on instance 1 (its key cached there), deleted on
 * instance 0, its row then put back as a restored backup would: instance 1
 * has dropped the key too (the key database's notice), so the row does
 * not open there either.
 */
static void
test_destroyed_key_dropped_everywhere(void **state)
{
	(void)state;
	char *who = new_staff_applicant("shred2", "Shred Across");
	char *path = xasprintf("/v1/applicants/%s", who);
	api_use(1);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Shred Across"));
	resp_free(r);
	char *keep = xasprintf("kept_%d_%d", (int)getpid(), ++seq);
	char *sql = xasprintf("CREATE TABLE %s AS SELECT * FROM applicants WHERE id = $1", keep);
	db_exec_sql(sql, who);
	free(sql);
	api_use(0);
	r = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	sql = xasprintf("INSERT INTO applicants SELECT * FROM %s", keep); /* "restored" */
	db_exec_sql(sql, NULL);
	free(sql);
	api_use(1);
	long status = 200;
	for (int i = 0; i < 40 && status == 200; i++) { /* a notice's way, not a latency check */
		r = http_json("GET", path, staff.hr, NULL);
		status = r->status;
		if (status == 200)
			usleep(50000);
		else
			assert_null(strstr(r->body, "Shred Across"));
		resp_free(r);
	}
	api_use(0);
	if (status == 200)
		fail_msg("instance 1 still opens a record whose key instance 0 destroyed");
	db_exec_sql("DELETE FROM applicants WHERE id = $1", who);
	sql = xasprintf("DROP TABLE %s", keep);
	db_exec_sql(sql, NULL);
	free(sql);
	free(keep);
	free(path);
	free(who);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_email_once),
	    cmocka_unit_test(test_rate_limit_shared),
	    cmocka_unit_test(test_revoked_everywhere),
	    cmocka_unit_test(test_destroyed_key_dropped_everywhere),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
