/*
 * API: background-check rules (what a transition requires, the rule set's
 * versions) and the funnel. Applications and the stage machine:
 * test_pipeline.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "pipeline.h"

/* An application of a new applicant to opening. */
static char *
fresh_application(const char *opening)
{
	char *who = applicant(), *app = application(who, opening);
	free(who);
	return app;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_background_checks),
	    cmocka_unit_test(test_rule_set_versions),
	    cmocka_unit_test(test_funnel),
	};
	return cmocka_run_group_tests_name("api pipeline checks", tests, api_start, api_stop);
}
