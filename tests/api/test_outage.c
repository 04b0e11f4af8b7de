/*
 * API: the database going away and coming back, and a graceful stop that
 * lets the request in flight finish. Stops and starts the test cluster
 * through RECRUITD_TEST_PG_STOP / RECRUITD_TEST_PG_START.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "store/applicants.h"

static void
assert_unavailable(struct resp *r)
{
	assert_problem(r, 503, "service-unavailable");
	char *ra = resp_header(r, "Retry-After");
	assert_non_null(ra);
	assert_true(atoi(ra) >= 1);
	free(ra);
}

static void
test_database_down_and_back(void **state)
{
	(void)state;
	char *email = unique_email("outage");
	char *body = xasprintf("{\"full_name\":\"Out Age\",\"email\":\"%s\"}", email);
	forbid_in_log("Out Age");
	struct resp *r = http_json("POST", "/v1/applicants", staff.hr, body);
	assert_int_equal(r->status, 201);
	char *loc = resp_header(r, "Location");
	resp_free(r);

	assert_int_equal(run_env_command("RECRUITD_TEST_PG_STOP"), 0);
	r = http("GET", "/readyz", NULL, NULL, NULL, NULL);
	assert_unavailable(r);
	resp_free(r);
	for (int i = 0; i < 3; i++) { /* every connection in the pool finds out */
		r = http_json("GET", loc, staff.hr, NULL);
		assert_unavailable(r);
		resp_free(r);
	}
	r = http_json("POST", "/v1/applicants", staff.hr,
	              "{\"full_name\":\"N\",\"email\":\"n@example.com\"}");
	assert_unavailable(r);
	resp_free(r);
	r = http("GET", "/healthz", NULL, NULL, NULL, NULL);
	assert_int_equal(r->status, 200); /* the process itself is fine */
	resp_free(r);

	assert_int_equal(run_env_command("RECRUITD_TEST_PG_START"), 0);
	long st = 0;
	for (int i = 0; i < 100 && st != 200; i++) {
		r = http("GET", "/readyz", NULL, NULL, NULL, NULL);
		st = r->status;
		resp_free(r);
		if (st != 200)
			usleep(100000);
	}
	assert_int_equal(st, 200);
	PQreset(test_db()); /* the test's own connection died with the server too */
	/* every pooled connection recovers: more requests than connections all succeed */
	for (int i = 0; i < 12; i++) {
		r = http_json("GET", loc, staff.hr, NULL);
		assert_int_equal(r->status, 200);
		assert_string_equal(json_string_value(json_object_get(r->json, "email")), email);
		resp_free(r);
	}
	free(loc);
	free(body);
	free(email);
}

struct inflight {
	char *request;
	char *response;
};

static void *
send_patch(void *arg)
{
	struct inflight *f = arg;
	f->response = raw_request(f->request, strlen(f->request));
	return NULL;
}

/* A PATCH blocked on a row lock is in flight when SIGTERM arrives: it completes, then the server
 * exits 0. */
static void
test_graceful_stop_finishes_in_flight(void **state)
{
	(void)state;
	char *email = unique_email("drain");
	char *body = xasprintf("{\"full_name\":\"Dra In\",\"email\":\"%s\"}", email);
	forbid_in_log("Dra In");
	struct resp *r = http_json("POST", "/v1/applicants", staff.hr, body);
	assert_int_equal(r->status, 201);
	const char *id = json_string_value(json_object_get(r->json, "id"));
	char *sql = xasprintf("SELECT 1 FROM applicants WHERE id = '%s' FOR UPDATE", id);
	struct inflight f;
	static const char patch[] = "{\"job_title\":\"Drain\"}";
	f.request = xasprintf(
	    "PATCH /v1/applicants/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    id, staff.hr, sizeof(patch) - 1, patch);
	PGresult *res = PQexec(test_db(), "BEGIN");
	PQclear(res);
	res = PQexec(test_db(), sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);

	pthread_t t;
	pthread_create(&t, NULL, send_patch, &f);
	usleep(300000); /* the PATCH now waits for our lock */
	api_sigterm();
	usleep(300000);
	res = PQexec(test_db(), "COMMIT");
	PQclear(res);
	pthread_join(t, NULL);
	if (strncmp(f.response, "HTTP/1.1 200", 12) != 0)
		fail_msg("in-flight request got: %.300s", f.response);
	json_t *rec = NULL; /* sealed: opened as the store does, the server being gone */
	long version;
	assert_int_equal(applicants_current(harness_store(), id, &rec, &version), 0);
	assert_string_equal(sget(rec, "job_title"), "Drain");
	json_decref(rec);
	harness_store_forget();
	free(f.response);
	free(f.request);
	free(sql);
	resp_free(r);
	free(body);
	free(email);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_database_down_and_back),
	    cmocka_unit_test(test_graceful_stop_finishes_in_flight),
	};
	return cmocka_run_group_tests_name("api outage", tests, api_start, api_stop);
}
