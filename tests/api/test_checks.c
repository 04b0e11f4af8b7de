/*
 * API: background checks in the order the law wants, and the sharing
 * opt-out at the check. A rule's order (before_offer, after_offer) decides
 * where background_check falls: in California (shipped after_offer) the
 * stages run offer -> background_check -> hired, and a hire starts from
 * background_check; elsewhere nothing changed. An applicant who opted out
 * of sharing is not moved to background_check unless hr overrides it with
 * a reason, which the history keeps and the audit log records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/xalloc.h"
#include "harness.h"

static int seq;

/* An opening in country/region; its id. */
static char *
opening_in(const char *country, const char *region)
{
	char *body =
	    xasprintf("{\"title\":\"Checked Role %d-%d\",\"country\":\"%s\",\"region\":\"%s\"}",
	              (int)getpid(), ++seq, country, region);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* A new staff applicant's application to opening; its id. */
static char *
application_at(const char *opening)
{
	char *who = new_staff_applicant("checks", "Chet Checked");
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	free(who);
	return id;
}

/* POST a transition body as token. */
static struct resp *
move_as(const char *token, const char *app, const char *body)
{
	char *path = xasprintf("/v1/applications/%s/transitions", app);
	struct resp *r = http_json("POST", path, token, body);
	free(path);
	return r;
}

/* Move app to stage `to` as the recruiter, expecting status (a 409 names its slug). */
static void
expect_move(const char *app, const char *to, long status, const char *slug)
{
	char *body = xasprintf("{\"to\":\"%s\"}", to);
	struct resp *r = move_as(staff.recruiter, app, body);
	if (r->status != status)
		fail_msg("move to %s: %ld, want %ld: %s", to, r->status, status, r->body);
	if (slug != NULL)
		assert_problem(r, status, slug);
	resp_free(r);
	free(body);
}

static struct resp *
hire(const char *app)
{
	char *path = xasprintf("/v1/applications/%s/hire", app);
	char *body = xasprintf("{\"start_date\":\"2027-03-01\",\"employee_number\":\"FC-%d-%d\"}",
	                       (int)getpid(), ++seq);
	struct resp *r = http_json("POST", path, staff.hr, body);
	free(body);
	free(path);
	return r;
}

static void
put_rule(const char *where, const char *body)
{
	char *path = xasprintf("/v1/background-check-rules/%s", where);
	struct resp *r = http_json("PUT", path, staff.hr, body);
	if (r->status != 200 && r->status != 201)
		fail_msg("PUT %s: %ld: %s", where, r->status, r->body);
	resp_free(r);
	free(path);
}

/* A rule's order, as GET shows it (new string). */
static char *
rule_order(const char *where)
{
	char *path = xasprintf("/v1/background-check-rules/%s", where);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	char *order = xstrdup(sget(r->json, "order"));
	resp_free(r);
	free(path);
	return order;
}

/* A fresh install ships California's rule: checks allowed there, after the offer. */
static void
test_shipped_for_california(void **state)
{
	(void)state;
	char *db = xasprintf("recruitd_checks_%d", (int)getpid());
	char *sql = xasprintf("CREATE DATABASE %s", db);
	PQclear(PQexec(test_db(), sql));
	free(sql);
	char *url = xasprintf("%s dbname=%s", getenv("RECRUITD_DATABASE_URL"), db);
	char *cmd = xasprintf("RECRUITD_DATABASE_URL='%s' %s migrate >/dev/null 2>&1", url,
	                      getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(system(cmd), 0);
	PGconn *c = PQconnectdb(url);
	PGresult *res = PQexec(c, "SELECT allowed, check_order FROM background_check_rules "
	                          "WHERE country = 'US' AND region = 'CA'");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(res), 1);
	assert_string_equal(PQgetvalue(res, 0, 0), "t");
	assert_string_equal(PQgetvalue(res, 0, 1), "after_offer");
	PQclear(res);
	PQfinish(c);
	sql = xasprintf("DROP DATABASE IF EXISTS %s", db);
	PQclear(PQexec(test_db(), sql));
	free(sql);
	free(cmd);
	free(url);
	free(db);
}

/* California: offer -> background_check -> hired; a check before the offer is refused. */
static void
test_after_offer(void **state)
{
	(void)state;
	put_rule("US/CA",
	         "{\"allowed\":true,\"order\":\"after_offer\",\"note\":\"Fair Chance Act\"}");
	char *o = opening_in("US", "CA"), *app = application_at(o);
	expect_move(app, "assessment", 200, NULL);
	struct resp *r = move_as(staff.recruiter, app, "{\"to\":\"background_check\"}");
	assert_problem(r, 409, "invalid-transition");
	assert_string_equal(sget(r->json, "from"), "assessment");
	assert_string_equal(sget(r->json, "to"), "background_check");
	assert_non_null(strstr(sget(r->json, "detail"), "offer"));
	resp_free(r);
	expect_move(app, "offer", 200, NULL);
	expect_move(app, "background_check", 200, NULL);
	expect_move(app, "offer", 409, "invalid-transition"); /* the offer came before */
	expect_move(app, "hired", 409, "invalid-transition"); /* only through hire */
	r = hire(app);
	if (r->status != 201)
		fail_msg("hire from background_check: %ld %s", r->status, r->body);
	resp_free(r);
	/* the check stays optional: a hire straight from the offer */
	char *direct = application_at(o);
	expect_move(direct, "offer", 200, NULL);
	r = hire(direct);
	assert_int_equal(r->status, 201);
	resp_free(r);
	/* a rule replaced without an order keeps its own: California never loses it by omission */
	put_rule("US/CA", "{\"allowed\":true}");
	char *order = rule_order("US/CA");
	assert_string_equal(order, "after_offer");
	free(order);
	/* checks forbidden there: the order puts it after the offer, the rule still refuses it */
	put_rule("US/CA", "{\"allowed\":false}");
	char *refused = application_at(o);
	expect_move(refused, "offer", 200, NULL);
	expect_move(refused, "background_check", 409, "background-check-not-allowed");
	put_rule("US/CA",
	         "{\"allowed\":true,\"order\":\"after_offer\",\"note\":\"Fair Chance Act\"}");
	/* an order that is none */
	char *path = xasprintf("/v1/background-check-rules/US/CA");
	r = http_json("PUT", path, staff.hr, "{\"allowed\":true,\"order\":\"whenever\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "order");
	resp_free(r);
	free(path);
	free(refused);
	free(direct);
	free(app);
	free(o);
}

/* Elsewhere (a before_offer rule, the default): unchanged. */
static void
test_before_offer_unchanged(void **state)
{
	(void)state;
	put_rule("CL", "{\"allowed\":true}");
	char *order = rule_order("CL");
	assert_string_equal(order, "before_offer");
	free(order);
	char *o = opening_in("CL", "RM"), *app = application_at(o);
	expect_move(app, "assessment", 200, NULL);
	expect_move(app, "background_check", 200, NULL);
	struct resp *r = hire(app); /* a hire needs the offer here */
	assert_problem(r, 409, "invalid-transition");
	assert_string_equal(sget(r->json, "from"), "background_check");
	resp_free(r);
	expect_move(app, "offer", 200, NULL);
	char *late = application_at(o);
	expect_move(late, "offer", 200, NULL);
	expect_move(late, "background_check", 409, "invalid-transition"); /* backwards here */
	r = hire(app);
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(late);
	free(app);
	free(o);
}

/* The last history entry of app, as hr reads it (new reference). */
static json_t *
last_history(const char *app)
{
	char *path = xasprintf("/v1/applications/%s/history", app);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	json_t *last = json_incref(json_array_get(r->json, json_array_size(r->json) - 1));
	resp_free(r);
	free(path);
	return last;
}

/* Whether the audit log holds action for applicant. */
static bool
audited(const char *applicant, const char *action)
{
	char *path = xasprintf("/v1/audit?applicant_id=%s&limit=200", applicant);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	bool found = false;
	size_t i;
	json_t *e;
	assert_int_equal(r->status, 200);
	json_array_foreach(json_object_get(r->json, "items"), i,
	                   e) if (strcmp(sget(e, "action"), action) == 0) found = true;
	resp_free(r);
	free(path);
	return found;
}

/* An applicant who opted out of sharing is not checked unless hr overrides it, with a reason. */
static void
test_sharing_opt_out(void **state)
{
	(void)state;
	put_rule("CL", "{\"allowed\":true}");
	char *o = opening_in("CL", "VS");
	struct applied a =
	    apply_confirmed(o, "Olga Optout", "optout", "Olga Optout\nCV\n", 15, "cv.txt", NULL);
	struct resp *r = http_json("PATCH", "/v1/me", a.token, "{\"sharing_opt_out\":true}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	expect_move(a.application, "assessment", 200, NULL);
	/* a recruiter: refused, with or without a reason to override */
	r = move_as(staff.recruiter, a.application, "{\"to\":\"background_check\"}");
	assert_problem(r, 409, "sharing-opt-out");
	assert_string_equal(sget(r->json, "to"), "background_check");
	resp_free(r);
	r = move_as(staff.recruiter, a.application,
	            "{\"to\":\"background_check\",\"override_reason\":\"the client insists\"}");
	assert_problem(r, 409, "sharing-opt-out");
	resp_free(r);
	/* hr without a reason: refused */
	r = move_as(staff.hr, a.application, "{\"to\":\"background_check\"}");
	assert_problem(r, 409, "sharing-opt-out");
	resp_free(r);
	r = move_as(staff.hr, a.application,
	            "{\"to\":\"background_check\",\"override_reason\":\" \"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "override_reason");
	resp_free(r);
	expect_db_value("SELECT stage FROM applications WHERE id = $1", a.application,
	                "assessment");
	assert_false(audited(a.applicant, "application.sharing_override"));
	/* hr with one: moved, the reason kept in the history, the override audited */
	r = move_as(staff.hr, a.application,
	            "{\"to\":\"background_check\",\"reason\":\"offer pending\","
	            "\"override_reason\":\"regulated role: a check is required by law\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "stage"), "background_check");
	resp_free(r);
	json_t *last = last_history(a.application);
	assert_string_equal(sget(last, "to"), "background_check");
	assert_string_equal(sget(last, "actor"), staff.hr_name);
	assert_non_null(strstr(sget(last, "reason"), "offer pending"));
	assert_non_null(strstr(sget(last, "reason"), "regulated role: a check is required by law"));
	assert_non_null(strstr(sget(last, "reason"), "sharing opt-out overridden"));
	json_decref(last);
	assert_true(audited(a.applicant, "application.sharing_override"));
	/* someone who did not opt out needs nothing of the kind */
	char *plain = application_at(o);
	expect_move(plain, "background_check", 200, NULL);
	r = move_as(staff.hr, plain, "{\"to\":\"offer\",\"override_reason\":\"not needed\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	json_t *plain_last = last_history(plain);
	assert_true(json_is_null(json_object_get(plain_last, "reason")));
	json_decref(plain_last);
	free(plain);
	applied_free(&a);
	free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_for_california),
	    cmocka_unit_test(test_after_offer),
	    cmocka_unit_test(test_before_offer_unchanged),
	    cmocka_unit_test(test_sharing_opt_out),
	};
	return cmocka_run_group_tests_name("api checks", tests, api_start, api_stop);
}
