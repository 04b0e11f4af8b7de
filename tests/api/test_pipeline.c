/* API: applications, the stage machine over HTTP, the race, history, evaluations, background-check
 * rules, the funnel. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

static int seq;

/* An opening in country/region (region may be NULL); its id. */
static char *
opening_in(const char *country, const char *region)
{
	char *body =
	    region ? xasprintf("{\"title\":\"Role %d-%d\",\"country\":\"%s\",\"region\":\"%s\"}",
	                       (int)getpid(), ++seq, country, region)
	           : xasprintf("{\"title\":\"Role %d-%d\",\"country\":\"%s\"}", (int)getpid(),
	                       ++seq, country);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

static char *
applicant(void)
{
	return new_staff_applicant("pipe", "Pipe Line");
}

/* Apply applicant to opening through staff; the application id. */
static char *
application(const char *who, const char *opening)
{
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	if (r->status != 201)
		fail_msg("application: %ld %s", r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	return id;
}

/* An application of a new applicant to opening. */
static char *
fresh_application(const char *opening)
{
	char *who = applicant(), *app = application(who, opening);
	free(who);
	return app;
}

static struct resp *
move(const char *app, const char *to, const char *reason)
{
	char *path = xasprintf("/v1/applications/%s/transitions", app);
	char *body = reason ? xasprintf("{\"to\":\"%s\",\"reason\":\"%s\"}", to, reason)
	                    : xasprintf("{\"to\":\"%s\"}", to);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	free(body);
	free(path);
	return r;
}

static void
expect_move(const char *app, const char *to, const char *reason, long status)
{
	struct resp *r = move(app, to, reason);
	if (r->status != status)
		fail_msg("move to %s: %ld, want %ld: %s", to, r->status, status, r->body);
	resp_free(r);
}

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

static void
put_rule(const char *where, const char *body, long status)
{
	char *path = xasprintf("/v1/background-check-rules/%s", where);
	struct resp *r = http_json("PUT", path, staff.hr, body);
	if (r->status != status)
		fail_msg("PUT %s: %ld, want %ld: %s", where, r->status, status, r->body);
	resp_free(r);
	free(path);
}

/* Remove a rule this suite owns, left by an earlier run of the suite (204 or 404). */
static void
forget_rule(const char *where)
{
	char *path = xasprintf("/v1/background-check-rules/%s", where);
	struct resp *r = http_json("DELETE", path, staff.hr, NULL);
	if (r->status != 204 && r->status != 404)
		fail_msg("DELETE %s: %ld", where, r->status);
	resp_free(r);
	free(path);
}

static void
test_background_checks(void **state)
{
	(void)state;
	static const char *const mine[] = {"BR", "US", "US/CA", "GB", "GB/SCT"};
	for (size_t k = 0; k < sizeof(mine) / sizeof(mine[0]); k++)
		forget_rule(mine[k]);
	/* a jurisdiction no rule covers */
	char *o = opening_in("BR", NULL), *app = fresh_application(o);
	struct resp *r = move(app, "background_check", NULL);
	assert_problem(r, 409, "background-check-not-allowed");
	assert_non_null(strstr(sget(r->json, "detail"), "BR"));
	resp_free(r);
	/* the country allows */
	put_rule("BR", "{\"allowed\":true,\"note\":\"criminal records, with consent\"}", 201);
	put_rule("BR", "{\"allowed\":true,\"note\":\"criminal records, with written consent\"}",
	         200);
	expect_move(app, "background_check", NULL, 200);
	expect_move(app, "offer", NULL, 200);

	/* the region's rule overrides the country's: forbidden in CA though allowed in US */
	put_rule("US", "{\"allowed\":true}", 201);
	put_rule("US/CA", "{\"allowed\":false,\"note\":\"Fair Chance Act\"}", 201);
	char *ca = opening_in("US", "CA"), *ca_app = fresh_application(ca);
	r = move(ca_app, "background_check", NULL);
	assert_problem(r, 409, "background-check-not-allowed");
	assert_non_null(strstr(sget(r->json, "detail"), "US-CA"));
	resp_free(r);
	char *tx = opening_in("US", "TX"), *tx_app = fresh_application(tx);
	expect_move(tx_app, "background_check", NULL, 200); /* no TX rule: the country's */
	/* and the other way round: allowed in a region of a forbidding country */
	put_rule("GB", "{\"allowed\":false}", 201);
	put_rule("GB/SCT", "{\"allowed\":true}", 201);
	char *sct = opening_in("GB", "SCT"), *sct_app = fresh_application(sct);
	expect_move(sct_app, "background_check", NULL, 200);
	char *gb = opening_in("GB", NULL), *gb_app = fresh_application(gb);
	expect_move(gb_app, "background_check", NULL, 409);
	/* an opening without a country: no rule can cover it */
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"Nowhere in particular\"}");
	char *nowhere = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *nowhere_app = fresh_application(nowhere);
	r = move(nowhere_app, "background_check", NULL);
	assert_problem(r, 409, "background-check-not-allowed");
	resp_free(r);
	free(nowhere);
	free(nowhere_app);

	r = http_json("GET", "/v1/background-check-rules", staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	size_t i;
	json_t *it;
	int found = 0;
	json_array_foreach(json_object_get(r->json, "items"), i,
	                   it) if (strcmp(sget(it, "country"), "US") == 0 && sget(it, "region") &&
	                           strcmp(sget(it, "region"), "CA") == 0)
	{
		found = 1;
		assert_true(json_is_false(json_object_get(it, "allowed")));
		assert_string_equal(sget(it, "note"), "Fair Chance Act");
	}
	assert_true(found);
	resp_free(r);

	/* who and what */
	r = http_json("PUT", "/v1/background-check-rules/US", staff.recruiter,
	              "{\"allowed\":false}");
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	put_rule("XX", "{\"allowed\":true}", 404);
	put_rule("us", "{\"allowed\":true}", 404);
	put_rule("US", "{\"note\":\"x\"}", 422);
	put_rule("US", "{\"allowed\":\"yes\"}", 422);
	put_rule("US", "{\"allowed\":true,\"extra\":1}", 422);
	free(app);
	free(o);
	free(ca);
	free(ca_app);
	free(tx);
	free(tx_app);
	free(sct);
	free(sct_app);
	free(gb);
	free(gb_app);
}

/* The rules are one set with one version: ETag on every read, If-Match on every write. */
static void
test_rule_set_versions(void **state)
{
	(void)state;
	forget_rule("NZ");
	struct resp *r =
	    http_json("PUT", "/v1/background-check-rules/NZ", staff.hr, "{\"allowed\":true}");
	assert_int_equal(r->status, 201);
	char *loc = resp_header(r, "Location"), *etag = resp_header(r, "ETag");
	assert_non_null(loc);
	assert_non_null(etag);
	resp_free(r);
	/* the Location answers GET */
	r = http_json("GET", loc, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "country"), "NZ");
	char *got = resp_header(r, "ETag");
	assert_string_equal(got, etag);
	free(got);
	resp_free(r);
	r = http_json("GET", "/v1/background-check-rules", staff.recruiter, NULL);
	got = resp_header(r, "ETag");
	assert_string_equal(got, etag);
	free(got);
	resp_free(r);
	/* a stale If-Match changes nothing */
	char stale[64], current[64];
	snprintf(stale, sizeof(stale), "If-Match: \"%ld\"", atol(etag + 1) - 1);
	snprintf(current, sizeof(current), "If-Match: %s", etag);
	const char *stale_h[] = {stale, NULL}, *current_h[] = {current, NULL};
	http_disconnect();
	r = http("PUT", loc, staff.hr, "application/json", "{\"allowed\":false}", stale_h);
	assert_problem(r, 412, NULL);
	resp_free(r);
	r = http_json("GET", loc, staff.recruiter, NULL);
	assert_true(json_is_true(json_object_get(r->json, "allowed")));
	resp_free(r);
	r = http("DELETE", loc, staff.hr, NULL, NULL, stale_h);
	assert_problem(r, 412, NULL);
	resp_free(r);
	/* the current one changes it, and moves the version on */
	r = http("PUT", loc, staff.hr, "application/json", "{\"allowed\":false}", current_h);
	assert_int_equal(r->status, 200);
	got = resp_header(r, "ETag");
	assert_int_equal(atol(got + 1), atol(etag + 1) + 1);
	free(got);
	resp_free(r);
	/* an If-Match no version can have is stale too, not a database error */
	const char *huge_h[] = {"If-Match: \"99999999999\"", NULL};
	r = http("DELETE", loc, staff.hr, NULL, NULL, huge_h);
	assert_problem(r, 412, NULL);
	resp_free(r);
	r = http_json("DELETE", loc, staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = http_json("DELETE", loc, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	r = http_json("GET", loc, staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("DELETE", loc, staff.hr, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(loc);
	free(etag);
}

static json_t *
funnel_of(const char *opening)
{
	char *path = opening ? xasprintf("/v1/analytics/funnel?opening_id=%s", opening)
	                     : xstrdup("/v1/analytics/funnel");
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	json_t *f = json_incref(r->json);
	resp_free(r);
	free(path);
	return f;
}

static json_t *
stage_of(const json_t *funnel, const char *stage)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(funnel, "stages"), i,
	                   s) if (strcmp(sget(s, "stage"), stage) == 0) return s;
	fail_msg("no stage %s", stage);
	return NULL;
}

static void
test_funnel(void **state)
{
	(void)state;
	enum { N = 7 };
	char *o = opening_in("IE", NULL), *who[N], *apps[N];
	for (int i = 0; i < N; i++) {
		who[i] = applicant();
		apps[i] = application(who[i], o);
	}
	for (int i = 0; i < 6; i++)
		expect_move(apps[i], "screening", NULL, 200);
	for (int i = 0; i < 3; i++)
		expect_move(apps[i], "interview", NULL, 200);
	expect_move(apps[6], "withdrawn", NULL, 200);

	json_t *f = funnel_of(o);
	assert_int_equal(json_array_size(json_object_get(f, "stages")), 9);
	json_t *applied = stage_of(f, "applied"), *screening = stage_of(f, "screening"),
	       *interview = stage_of(f, "interview");
	assert_int_equal(json_integer_value(json_object_get(applied, "reached")),
	                 5); /* 7, rounded */
	assert_true(json_is_false(json_object_get(applied, "suppressed")));
	assert_true(
	    json_is_number(json_object_get(applied, "median_days"))); /* all 7 left applied */
	assert_true(json_number_value(json_object_get(applied, "median_days")) >= 0);
	assert_int_equal(json_integer_value(json_object_get(screening, "reached")), 5); /* 6 */
	assert_true(
	    json_is_null(json_object_get(screening, "median_days"))); /* only 3 left screening */
	assert_true(json_is_null(json_object_get(interview, "reached"))); /* 3: suppressed */
	assert_true(json_is_true(json_object_get(interview, "suppressed")));
	assert_true(
	    json_is_null(json_object_get(stage_of(f, "withdrawn"), "reached"))); /* 1: suppressed */
	assert_true(json_is_true(json_object_get(stage_of(f, "offer"), "suppressed"))); /* 0 */
	char *text = json_dumps(f, 0);
	for (int i = 0; i < N; i++) {
		assert_null(strstr(text, who[i]));
		assert_null(strstr(text, apps[i]));
	}
	assert_null(strstr(text, "Pipe Line"));
	free(text);

	/* deleting an applicant's record does not change past figures */
	char *del = xasprintf("/v1/applicants/%s", who[0]);
	struct resp *r = http_json("DELETE", del, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	free(del);
	char *left = db_value("SELECT count(*) FROM applications WHERE applicant_id = $1", who[0]);
	assert_string_equal(left, "0");
	free(left);
	json_t *g = funnel_of(o);
	if (!json_equal(f, g))
		fail_msg("the funnel changed after a deletion: %s", json_dumps(g, 0));
	json_decref(g);
	json_decref(f);

	/* across all openings */
	f = funnel_of(NULL);
	assert_true(json_is_null(json_object_get(f, "opening_id")));
	assert_true(json_integer_value(json_object_get(stage_of(f, "applied"), "reached")) >= 5);
	json_decref(f);

	/*
	 * No subtraction undoes the suppression: a second opening with one
	 * applicant past screening, and the funnel of all openings minus the
	 * first's, stage by stage, never gives 1 to 4.
	 */
	char *o2 = opening_in("IE", NULL), *w2 = applicant(), *a2 = application(w2, o2);
	expect_move(a2, "screening", NULL, 200);
	json_t *all = funnel_of(NULL), *one = funnel_of(o), *two = funnel_of(o2);
	for (int s = 0; s < 9; s++) {
		json_t *x = json_array_get(json_object_get(all, "stages"), (size_t)s);
		json_t *y = json_array_get(json_object_get(one, "stages"), (size_t)s);
		json_t *z = json_array_get(json_object_get(two, "stages"), (size_t)s);
		json_int_t vx = json_integer_value(json_object_get(x, "reached"));
		json_int_t vy = json_integer_value(json_object_get(y, "reached"));
		json_int_t vz = json_integer_value(json_object_get(z, "reached"));
		if ((vx - vy) % 5 != 0 || (vx - vy - vz) % 5 != 0 || vx % 5 != 0)
			fail_msg("stage %d: %lld - %lld - %lld reveals a small count", s,
			         (long long)vx, (long long)vy, (long long)vz);
	}
	assert_true(json_is_true(json_object_get(stage_of(two, "screening"), "suppressed")));
	json_decref(all);
	json_decref(one);
	json_decref(two);
	free(o2);
	free(w2);
	free(a2);
	r = http_json("GET", "/v1/analytics/funnel?opening_id=nope", staff.recruiter, NULL);
	assert_problem(r, 400, "bad-request");
	resp_free(r);
	for (int i = 0; i < N; i++) {
		free(who[i]);
		free(apps[i]);
	}
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
	    cmocka_unit_test(test_background_checks),
	    cmocka_unit_test(test_rule_set_versions),
	    cmocka_unit_test(test_deadlock_retried),
	    cmocka_unit_test(test_funnel),
	};
	return cmocka_run_group_tests_name("api pipeline", tests, api_start, api_stop);
}
