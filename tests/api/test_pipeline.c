/*
 * API: applications, the stage machine over HTTP, the race, history,
 * evaluations, a deadlock retried. Background-check rules and the funnel:
 * test_pipeline_checks.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "pipeline.h"

static void
test_applications(void **state)
{
	(void)state;
	char *o = opening_in("DE", NULL), *who = applicant();
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", o);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(r->json, "stage"), "applied");
	assert_string_equal(sget(r->json, "applicant_id"), who);
	assert_string_equal(sget(r->json, "opening_id"), o);
	assert_true(json_is_null(json_object_get(r->json, "closed_at")));
	char *loc = resp_header(r, "Location"),
	     *want = xasprintf("/v1/applications/%s", sget(r->json, "id"));
	assert_string_equal(loc, want);
	resp_free(r);
	r = http_json("POST", path, staff.recruiter, body);
	assert_problem(r, 409, "duplicate-application");
	resp_free(r);
	r = http_json("GET", loc, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "stage"), "applied");
	resp_free(r);

	r = http_json("POST", path, staff.recruiter, "{}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "opening_id");
	resp_free(r);
	char *closed = opening_in("DE", NULL);
	char *cpath = xasprintf("/v1/openings/%s", closed);
	resp_free(http_json("PATCH", cpath, staff.recruiter, "{\"status\":\"closed\"}"));
	char *cbody = xasprintf("{\"opening_id\":\"%s\"}", closed);
	r = http_json("POST", path, staff.recruiter, cbody);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "opening_id");
	resp_free(r);
	r = http_json("POST", "/v1/applicants/00000000-0000-4000-8000-000000000000/applications",
	              staff.recruiter, body);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/applications/00000000-0000-4000-8000-000000000000",
	              staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);

	/* lists and filters */
	char *q = xasprintf("/v1/applications?opening_id=%s", o);
	r = http_json("GET", q, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
	free(q);
	q = xasprintf("/v1/applications?opening_id=%s&stage=offer", o);
	r = http_json("GET", q, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	free(q);
	r = http_json("GET", "/v1/applications?stage=fired", staff.recruiter, NULL);
	assert_problem(r, 400, "bad-request");
	assert_field_error(r, "stage");
	resp_free(r);
	q = xasprintf("/v1/applicants?opening_id=%s", o);
	r = http_json("GET", q, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	assert_string_equal(sget(json_array_get(json_object_get(r->json, "items"), 0), "id"), who);
	resp_free(r);
	free(q);
	q = xasprintf("/v1/applicants?opening_id=%s&stage=screening", o);
	r = http_json("GET", q, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	free(q);
	r = http_json("GET", "/v1/applicants?stage=nope", staff.recruiter, NULL);
	assert_problem(r, 400, "bad-request");
	resp_free(r);
	free(cbody);
	free(cpath);
	free(closed);
	free(loc);
	free(want);
	free(body);
	free(path);
	free(who);
	free(o);
}

static void
test_stage_machine(void **state)
{
	(void)state;
	char *o = opening_in("FR", NULL), *who = applicant(), *app = application(who, o);
	expect_move(app, "interview", NULL, 200); /* skipping screening */
	struct resp *r = move(app, "screening", NULL);
	assert_problem(r, 409, "invalid-transition");
	assert_string_equal(sget(r->json, "from"), "interview");
	assert_string_equal(sget(r->json, "to"), "screening");
	assert_non_null(strstr(sget(r->json, "detail"), "interview"));
	assert_non_null(strstr(sget(r->json, "detail"), "screening"));
	resp_free(r);
	expect_move(app, "interview", NULL, 409); /* staying */
	r = move(app, "hired", NULL);
	assert_problem(r, 409, "invalid-transition"); /* only through hire */
	resp_free(r);
	r = move(app, "promoted", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "to");
	resp_free(r);
	r = move(app, "rejected", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "reason");
	resp_free(r);
	/* a stale If-Match changes nothing */
	char *path = xasprintf("/v1/applications/%s/transitions", app);
	const char *stale[] = {"If-Match: \"1\"", NULL};
	r = http("POST", path, staff.recruiter, "application/json", "{\"to\":\"offer\"}", stale);
	assert_problem(r, 412, "precondition-failed");
	resp_free(r);
	r = move(app, "rejected", "Not enough experience with distributed systems");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "stage"), "rejected");
	assert_false(json_is_null(json_object_get(r->json, "closed_at")));
	resp_free(r);
	/* nothing leaves a final stage */
	static const char *const all[] = {"applied", "screening", "interview", "assessment",
	                                  "offer",   "rejected",  "withdrawn"};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		expect_move(app, all[i], "x", 409);

	/* history: every move, who and why */
	char *h = xasprintf("/v1/applications/%s/history", app);
	r = http_json("GET", h, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_is_array(r->json));
	assert_int_equal(json_array_size(r->json), 3);
	json_t *first = json_array_get(r->json, 0), *last = json_array_get(r->json, 2);
	assert_true(json_is_null(json_object_get(first, "from")));
	assert_string_equal(sget(first, "to"), "applied");
	assert_string_equal(sget(json_array_get(r->json, 1), "from"), "applied");
	assert_string_equal(sget(json_array_get(r->json, 1), "to"), "interview");
	assert_string_equal(sget(last, "to"), "rejected");
	assert_string_equal(sget(last, "actor"), staff.recruiter_name);
	assert_string_equal(sget(last, "reason"), "Not enough experience with distributed systems");
	assert_non_null(sget(last, "at"));
	resp_free(r);
	r = http_json("GET", "/v1/applications/00000000-0000-4000-8000-000000000000/history",
	              staff.hr, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(h);
	free(path);
	free(app);
	free(who);
	free(o);
}

struct racer {
	const char *request;
	char *response;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	r->response = raw_request(r->request, strlen(r->request));
	return NULL;
}

static void
test_race(void **state)
{
	(void)state;
	enum { RACERS = 16 };
	char *o = opening_in("NL", NULL), *who = applicant(), *app = application(who, o);
	static const char body[] = "{\"to\":\"screening\"}";
	char *request = xasprintf(
	    "POST /v1/applications/%s/transitions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
	    "%s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    app, staff.recruiter, sizeof(body) - 1, body);
	struct racer racers[RACERS];
	pthread_t t[RACERS];
	for (int i = 0; i < RACERS; i++) {
		racers[i].request = request;
		pthread_create(&t[i], NULL, race, &racers[i]);
	}
	int ok = 0, conflict = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		ok += strncmp(racers[i].response, "HTTP/1.1 200", 12) == 0;
		conflict += strncmp(racers[i].response, "HTTP/1.1 409", 12) == 0;
		free(racers[i].response);
	}
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, RACERS - 1);
	char *n = db_value("SELECT count(*) FROM application_history WHERE application_id = $1 AND "
	                   "to_stage = 'screening'",
	                   app);
	assert_string_equal(n, "1");
	free(n);
	n = db_value("SELECT version FROM applications WHERE id = $1", app);
	assert_string_equal(n, "2");
	free(n);
	free(request);
	free(app);
	free(who);
	free(o);
}

static void
test_evaluations(void **state)
{
	(void)state;
	char *o = opening_in("SE", NULL);
	/* apply publicly, so the applicant has a token to look with */
	struct applied a =
	    apply_confirmed(o, "Eva Luation", "eval", "Eva Luation\nCV\n", 15, "cv.txt", NULL);
	const char *app = a.application, *token = a.token;
	char *path = xasprintf("/v1/applications/%s/evaluations", app);
	struct resp *r =
	    http_json("POST", path, staff.recruiter,
	              "{\"score\":4,\"summary\":\"Sharp on SQL; quiet in the panel.\"}");
	assert_int_equal(r->status, 201);
	assert_int_equal(json_integer_value(json_object_get(r->json, "score")), 4);
	assert_string_equal(sget(r->json, "author"), staff.recruiter_name);
	char *loc = resp_header(r, "Location");
	resp_free(r);
	r = http_json("GET", loc, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "summary"), "Sharp on SQL; quiet in the panel.");
	resp_free(r);
	static const char *const bad[] = {
	    "{\"score\":0,\"summary\":\"x\"}", "{\"score\":6,\"summary\":\"x\"}",
	    "{\"score\":3.5,\"summary\":\"x\"}", "{\"score\":\"5\",\"summary\":\"x\"}",
	    "{\"summary\":\"x\"}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = http_json("POST", path, staff.recruiter, bad[i]);
		assert_problem(r, 422, "validation-error");
		assert_field_error(r, "score");
		resp_free(r);
	}
	r = http_json("POST", path, staff.recruiter, "{\"score\":2,\"summary\":\"\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "summary"); /* present but blank */
	resp_free(r);
	r = http_json("POST", path, staff.recruiter, "{\"score\":3}"); /* a score alone */
	assert_int_equal(r->status, 201);
	assert_true(json_is_null(json_object_get(r->json, "summary")));
	resp_free(r);
	resp_free(
	    http_json("POST", path, staff.hr, "{\"score\":2,\"summary\":\"Second opinion.\"}"));
	r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
	resp_free(r);
	r = http_json("POST", "/v1/applications/00000000-0000-4000-8000-000000000000/evaluations",
	              staff.recruiter, "{\"score\":3,\"summary\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* never shown to the applicant */
	r = http_json("GET", "/v1/me", token, NULL);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, "Sharp on SQL"));
	assert_null(strstr(r->body, "score"));
	resp_free(r);
	r = http_json("GET", path, token, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(loc);
	free(path);
	applied_free(&a);
	free(o);
}

/* SQL run as the test's own connection; fails the test unless it succeeds. */
static void
exec_ok(const char *sql)
{
	PGresult *res = PQexec(test_db(), sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
}

/*
 * A transaction that loses a deadlock is rolled back and run again, in one
 * place for every handler: an evaluation whose first insert "deadlocks" (a
 * test trigger raises SQLSTATE 40P01 once) is stored once and answered 201;
 * one that always does gets 503 after three tries and stores nothing.
 */
static void
test_deadlock_retried(void **state)
{
	(void)state;
	char *o = opening_in("FI", NULL), *who = applicant(), *app = application(who, o);
	exec_ok("CREATE SEQUENCE IF NOT EXISTS test_deadlock_seq; "
	        "SELECT setval('test_deadlock_seq', 1, false); "
	        "CREATE OR REPLACE FUNCTION test_deadlock() RETURNS trigger LANGUAGE plpgsql AS $$ "
	        /* told apart by score: the summary is sealed (store/vault.h) */
	        "BEGIN IF NEW.score = 2 AND nextval('test_deadlock_seq') % 2 = 1 "
	        "  OR NEW.score = 4 AND nextval('test_deadlock_seq') > 0 THEN "
	        "  RAISE EXCEPTION 'a test deadlock' USING ERRCODE = '40P01'; END IF; RETURN NEW; "
	        "END $$; "
	        "DROP TRIGGER IF EXISTS test_deadlock ON evaluations; "
	        "CREATE TRIGGER test_deadlock BEFORE INSERT ON evaluations FOR EACH ROW "
	        "EXECUTE FUNCTION test_deadlock()");
	char *path = xasprintf("/v1/applications/%s/evaluations", app);
	struct resp *r =
	    http_json("POST", path, staff.recruiter, "{\"score\":2,\"summary\":\"deadlock once\"}");
	int status = (int)r->status;
	resp_free(r);
	char *tries = db_value("SELECT last_value FROM test_deadlock_seq", NULL);
	exec_ok("SELECT setval('test_deadlock_seq', 1, false)");
	r = http_json("POST", path, staff.recruiter,
	              "{\"score\":4,\"summary\":\"deadlock always\"}");
	int always = (int)r->status;
	char *ra = resp_header(r, "Retry-After");
	resp_free(r);
	char *always_tries = db_value("SELECT last_value FROM test_deadlock_seq", NULL);
	exec_ok("DROP TRIGGER test_deadlock ON evaluations; DROP FUNCTION test_deadlock()");
	assert_int_equal(status, 201);
	assert_string_equal(tries, "2"); /* the first try deadlocked, the second stored it */
	assert_int_equal(always, 503);
	assert_non_null(ra);
	assert_string_equal(always_tries, "3"); /* three tries, no more */
	expect_db_value("SELECT count(*) FROM evaluations WHERE application_id = $1", app, "1");
	free(ra);
	free(tries);
	free(always_tries);
	free(path);
	free(o);
	free(who);
	free(app);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_applications),
	    cmocka_unit_test(test_stage_machine),
	    cmocka_unit_test(test_race),
	    cmocka_unit_test(test_evaluations),
	    cmocka_unit_test(test_deadlock_retried),
	};
	return cmocka_run_group_tests_name("api pipeline", tests, api_start, api_stop);
}
