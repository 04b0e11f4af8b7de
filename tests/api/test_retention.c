/*
 * API and CLI: retention rules, the record's retention, purge runs (dry and
 * real), deletion that leaves no trace, the sweeps, recruitctl purge. Two
 * purges at once, a purge killed midway, a lost race and the API during a
 * large purge: test_retention_races.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "retention_suite.h"

static void
test_policies(void **state)
{
	(void)state;
	struct resp *r = http_json("GET", "/v1/retention/policies", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_is_array(r->json));
	resp_free(r);
	r = http_json("GET", "/v1/retention/policies", staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	r = http_json("PUT", "/v1/retention/policies", staff.hr,
	              "[{\"outcome\":\"ghosted\",\"country\":\"US\",\"retain_days\":1},"
	              "{\"outcome\":\"rejected\",\"country\":\"USA\",\"retain_days\":-5}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "[0].outcome");
	assert_field_error(r, "[1].country");
	assert_field_error(r, "[1].retain_days");
	resp_free(r);
	r = http_json("PUT", "/v1/retention/policies", staff.hr, "{\"rejected\":1}");
	assert_problem(r, 422, "validation-error");
	resp_free(r);
	r = http_json("PUT", "/v1/retention/policies", staff.hr, rules);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(r->json), 6);
	resp_free(r);
	r = http_json("GET", "/v1/retention/policies", staff.hr, NULL);
	assert_int_equal(json_array_size(r->json), 6);
	char *etag = resp_header(r, "ETag");
	assert_non_null(etag);
	resp_free(r);
	http_disconnect();

	/* one version for the set: a stale If-Match changes nothing, the current one moves it on */
	long v = atol(etag + 1);
	char stale[64], current[64];
	snprintf(stale, sizeof(stale), "If-Match: \"%ld\"", v - 1);
	snprintf(current, sizeof(current), "If-Match: %s", etag);
	const char *stale_h[] = {stale, NULL}, *current_h[] = {current, NULL};
	r = http("PUT", "/v1/retention/policies", staff.hr, "application/json",
	         "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":1}]", stale_h);
	assert_problem(r, 412, NULL);
	resp_free(r);
	r = http_json("GET", "/v1/retention/policies", staff.hr, NULL);
	assert_int_equal(json_array_size(r->json), 6); /* unchanged */
	resp_free(r);
	r = http("PUT", "/v1/retention/policies", staff.hr, "application/json", rules, current_h);
	assert_int_equal(r->status, 200);
	char *next = resp_header(r, "ETag");
	assert_non_null(next);
	assert_int_equal(atol(next + 1), v + 1);
	free(next);
	resp_free(r);
	r = http("PUT", "/v1/retention/policies", staff.hr, "application/json", rules, current_h);
	assert_problem(r, 412, NULL); /* the version it named is gone now */
	resp_free(r);
	free(etag);
	expect_db_value(
	    "SELECT count(*) > 0 FROM audit_log WHERE action = 'retention_policies.put'", NULL,
	    "t");
}

/* The legal floors: data HR can read and replace, a bound on policies, and on every purge. */
static void
test_legal_floors(void **state)
{
	(void)state;
	static const char shipped[] =
	    "[{\"country\":\"US\",\"region\":null,\"retain_days\":365,\"basis\":\"29 CFR "
	    "1602.14\"},{\"country\":\"US\",\"region\":\"CA\",\"retain_days\":1461,\"basis\":"
	    "\"Cal. Gov. Code §12946\"}]";
	struct resp *r = http_json("GET", "/v1/retention/floors", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(r->json), 2);
	assert_string_equal(sget(json_array_get(r->json, 1), "basis"), "Cal. Gov. Code §12946");
	char *etag = resp_header(r, "ETag");
	resp_free(r);
	r = http_json("GET", "/v1/retention/floors", staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	/* a policy below a named jurisdiction's floor is refused, naming the floor */
	r = http_json("PUT", "/v1/retention/policies", staff.hr,
	              "[{\"outcome\":\"rejected\",\"country\":\"US\",\"retain_days\":100},"
	              "{\"outcome\":\"withdrawn\",\"country\":\"US\",\"region\":\"CA\","
	              "\"retain_days\":400},"
	              "{\"outcome\":\"no_application\",\"country\":\"US\",\"retain_days\":0}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "[0].retain_days");
	assert_field_error(r, "[1].retain_days");
	assert_non_null(strstr(r->body, "365 days for US (29 CFR 1602.14)"));
	assert_non_null(strstr(r->body, "1461 days for US/CA"));
	assert_null(strstr(r->body, "[2]")); /* no application record: no floor */
	resp_free(r);
	/* a "*" policy of 0 days cannot purge a rejected Californian before four years */
	static const char short_rules[] =
	    "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":0},"
	    "{\"outcome\":\"withdrawn\",\"country\":\"*\",\"retain_days\":0},"
	    "{\"outcome\":\"no_application\",\"country\":\"*\",\"retain_days\":3650}]";
	r = http_json("PUT", "/v1/retention/policies", staff.hr, short_rules);
	assert_int_equal(r->status, 200);
	resp_free(r);
	char *body = xasprintf("{\"title\":\"Oakland Role %d\",\"country\":\"US\",\"region\":"
	                       "\"CA\"}",
	                       (int)getpid());
	r = http_json("POST", "/v1/openings", staff.recruiter, body);
	char *oakland = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *cal = person("IS", "Cal Ifornian", NULL), *app = apply_to(cal, oakland);
	move(app, "rejected");
	char *path = xasprintf("/v1/applicants/%s", cal);
	r = http_json("GET", path, staff.hr, NULL);
	json_t *ret = json_object_get(r->json, "retention");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(ret, "blocked_by"), 0)),
	    "legal_floor:US/CA");
	assert_true(strncmp(sget(ret, "expires_at"), "2030", 4) >= 0); /* four years on */
	resp_free(r);
	json_t *dry = purge(true);
	assert_false(has_id(dry, cal));
	json_decref(dry);
	/* the floors are data: without California's, the US year binds */
	r = http_json("PUT", "/v1/retention/floors", staff.hr,
	              "[{\"country\":\"USA\",\"retain_days\":-1,\"x\":1},{\"country\":\"US\"}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "[0].country");
	assert_field_error(r, "[0].retain_days");
	assert_field_error(r, "[0].x");
	assert_field_error(r, "[1].basis");
	resp_free(r);
	char stale[64], current[64];
	snprintf(stale, sizeof(stale), "If-Match: \"%ld\"", atol(etag + 1) - 1);
	snprintf(current, sizeof(current), "If-Match: %s", etag);
	const char *stale_h[] = {stale, NULL}, *current_h[] = {current, NULL};
	static const char us_only[] =
	    "[{\"country\":\"US\",\"retain_days\":365,\"basis\":\"29 CFR 1602.14\"}]";
	r = http("PUT", "/v1/retention/floors", staff.hr, "application/json", us_only, stale_h);
	assert_problem(r, 412, NULL);
	resp_free(r);
	r = http("PUT", "/v1/retention/floors", staff.hr, "application/json", us_only, current_h);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(r->json), 1);
	resp_free(r);
	r = http_json("GET", path, staff.hr, NULL);
	ret = json_object_get(r->json, "retention");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(ret, "blocked_by"), 0)),
	    "legal_floor:US");
	resp_free(r);
	/* the shipped floors and the suite's rules again */
	r = http_json("PUT", "/v1/retention/floors", staff.hr, shipped);
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = http_json("PUT", "/v1/retention/policies", staff.hr, rules);
	assert_int_equal(r->status, 200);
	resp_free(r);
	expect_db_value("SELECT count(*) > 0 FROM audit_log WHERE action = 'retention_floors.put'",
	                NULL, "t");
	resp_free(http_json("DELETE", path, staff.hr, NULL));
	free(path);
	free(app);
	free(cal);
	free(oakland);
	free(body);
	free(etag);
}

static void
test_record_shows_retention(void **state)
{
	(void)state;
	char *never = person("IS", "Never Applied", NULL), *open = person("IS", "Still Open", NULL);
	char *app = apply_to(open, iceland);
	char *p1 = xasprintf("/v1/applicants/%s", never),
	     *p2 = xasprintf("/v1/applicants/%s", open);
	struct resp *r = http_json("GET", p1, staff.hr, NULL);
	json_t *ret = json_object_get(r->json, "retention");
	assert_non_null(sget(ret, "expires_at"));
	assert_int_equal(json_array_size(json_object_get(ret, "blocked_by")), 0);
	assert_string_equal(sget(ret, "rule"), "no_application/IS");
	resp_free(r);
	r = http_json("GET", p2, staff.hr, NULL);
	ret = json_object_get(r->json, "retention");
	assert_true(json_is_null(json_object_get(ret, "expires_at")));
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(ret, "blocked_by"), 0)),
	    "open_application");
	resp_free(r);
	char *hold = xasprintf("%s/legal-hold", p1);
	resp_free(http_json("PUT", hold, staff.hr, "{\"reason\":\"audit\"}"));
	r = http_json("GET", p1, staff.hr, NULL);
	ret = json_object_get(r->json, "retention");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(ret, "blocked_by"), 0)), "legal_hold");
	resp_free(r);
	/* leave nothing behind that later tests would count */
	resp_free(http_json("DELETE", hold, staff.hr, NULL));
	resp_free(http_json("DELETE", p1, staff.hr, NULL));
	move(app, "screening");
	free(hold);
	free(p1);
	free(p2);
	free(app);
	free(never);
	free(open);
}

static void
test_dry_then_real(void **state)
{
	(void)state;
	char *ea, *ec;
	/* Other suites leave records on this database (a restricted one under a hold is expired
	 * and held): purge what is due now, and count this test's records against the rest. */
	json_decref(purge(false));
	json_t *base = purge(true);
	json_int_t expired0 = json_integer_value(json_object_get(base, "expired")),
	           held0 = json_integer_value(json_object_get(base, "held"));
	json_t *rules0 = json_object_get(base, "by_rule");
	assert_int_equal(json_array_size(json_object_get(base, "applicant_ids")), 0);
	char *a = person("IS", "Anna Expired", &ea); /* never applied: expired */
	char *b = person("IS", "Bjorn Held", NULL);  /* expired, but held */
	char *c = person("US", "Cara Rejected", &ec),
	     *capp = apply_to(c, iceland); /* rejected in IS */
	char *d = person("IS", "Dagur Open", NULL),
	     *dapp = apply_to(d, iceland); /* open application */
	char *e = person(NULL, "Eva Withdrawn", NULL),
	     *eapp = apply_to(e, iceland); /* withdrawn in IS */
	move(capp, "rejected");
	move(eapp, "withdrawn");
	upload(a);
	upload(c);
	char *hold = xasprintf("/v1/applicants/%s/legal-hold", b);
	resp_free(http_json("PUT", hold, staff.hr, "{\"reason\":\"litigation\"}"));
	char *funnel_path = xasprintf("/v1/analytics/funnel?opening_id=%s", iceland);
	struct resp *f0 = http_json("GET", funnel_path, staff.recruiter, NULL);
	char *rows_before = db_value(
	    "SELECT (SELECT count(*) FROM applicants) || '/' || (SELECT count(*) FROM documents)",
	    NULL);

	json_t *dry = purge(true);
	assert_true(json_is_true(json_object_get(dry, "dry_run")));
	assert_int_equal(json_integer_value(json_object_get(dry, "expired")), expired0 + 4);
	assert_int_equal(json_integer_value(json_object_get(dry, "held")), held0 + 1);
	assert_int_equal(json_integer_value(json_object_get(dry, "purged")), 0);
	assert_int_equal(json_array_size(json_object_get(dry, "applicant_ids")), 3);
	assert_true(has_id(dry, a) && has_id(dry, c) && has_id(dry, e));
	assert_false(has_id(dry, b) || has_id(dry, d));
	json_t *by_rule = json_object_get(dry, "by_rule");
	assert_int_equal(json_integer_value(json_object_get(by_rule, "no_application/IS")) -
	                     json_integer_value(json_object_get(rules0, "no_application/IS")),
	                 2);
	assert_int_equal(json_integer_value(json_object_get(by_rule, "rejected/IS")) -
	                     json_integer_value(json_object_get(rules0, "rejected/IS")),
	                 1);
	assert_int_equal(json_integer_value(json_object_get(by_rule, "withdrawn/IS")) -
	                     json_integer_value(json_object_get(rules0, "withdrawn/IS")),
	                 1);
	char *rows_after = db_value(
	    "SELECT (SELECT count(*) FROM applicants) || '/' || (SELECT count(*) FROM documents)",
	    NULL);
	assert_string_equal(rows_before, rows_after); /* a dry run deletes nothing */
	assert_true(json_integer_value(json_object_get(dry, "examined")) >= 5);

	json_t *real = purge(false);
	assert_int_equal(json_integer_value(json_object_get(real, "purged")), 3);
	assert_int_equal(json_integer_value(json_object_get(real, "held")), held0 + 1);
	assert_string_equal(sget(real, "status"), "finished");
	assert_true(json_equal(json_object_get(real, "applicant_ids"),
	                       json_object_get(dry, "applicant_ids")));

	/* the report is kept */
	char *rp = xasprintf("/v1/retention/purges/%s", sget(real, "id"));
	struct resp *r = http_json("GET", rp, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_integer_value(json_object_get(r->json, "purged")), 3);
	resp_free(r);
	r = http_json("GET", "/v1/retention/purges?limit=5", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_array_get(json_object_get(r->json, "items"), 0), "id"),
	                    sget(real, "id"));
	resp_free(r);

	/* purged records answer 410 with what the tombstone holds; their documents are gone */
	const char *purged[] = {a, c, e};
	for (int i = 0; i < 3; i++) {
		char *p = xasprintf("/v1/applicants/%s", purged[i]);
		r = http_json("GET", p, staff.hr, NULL);
		assert_problem(r, 410, NULL);
		assert_string_equal(sget(r->json, "disposition"), "purged");
		assert_string_equal(sget(r->json, "run_id"), sget(real, "id"));
		assert_non_null(sget(r->json, "purged_at"));
		assert_non_null(sget(r->json, "rule"));
		resp_free(r);
		char *docs = xasprintf("%s/documents", p);
		r = http_json("GET", docs, staff.hr, NULL);
		assert_true(r->status == 404 || r->status == 410);
		resp_free(r);
		free(docs);
		free(p);
		/* and no table holds anything of them but the tombstone and the audit ids */
		expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", purged[i], "0");
		expect_db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", purged[i],
		                "0");
		expect_db_value("SELECT count(*) FROM applications WHERE applicant_id = $1",
		                purged[i], "0");
		expect_db_value("SELECT count(*) FROM applicant_tokens WHERE applicant_id = $1",
		                purged[i], "0");
		expect_db_value("SELECT count(*) FROM idempotency_keys WHERE applicant_id = $1",
		                purged[i], "0");
		expect_db_value("SELECT rule FROM applicant_tombstones WHERE applicant_id = $1 AND "
		                "disposition = 'purged'",
		                purged[i],
		                i == 0   ? "no_application/IS"
		                : i == 1 ? "rejected/IS"
		                         : "withdrawn/IS");
	}
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                email_hash_of(ea), "0");
	expect_db_value("SELECT count(*) FROM audit_log l WHERE l::text ILIKE '%anna expired%'",
	                NULL, "0");
	/* the resume's bytes are nowhere: not in documents, not anywhere a purged id is named */
	expect_db_value("SELECT count(*) FROM documents WHERE position('Secret Resume Text'::bytea "
	                "in content) > 0 "
	                "AND applicant_id IN (SELECT applicant_id FROM applicant_tombstones)",
	                NULL, "0");
	expect_db_value("SELECT count(*) FROM application_history WHERE application_id = $1", capp,
	                "0");
	/* the held and the open stay */
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", b, "1");
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", d, "1");
	/* past funnel figures do not change */
	struct resp *f1 = http_json("GET", funnel_path, staff.recruiter, NULL);
	assert_true(json_equal(f0->json, f1->json));
	resp_free(f0);
	resp_free(f1);
	/* a second run finds nothing more to purge */
	json_t *again = purge(false);
	assert_int_equal(json_integer_value(json_object_get(again, "purged")), 0);
	json_decref(again);
	resp_free(http_json("DELETE", hold, staff.hr, NULL));
	resp_free(http_json("DELETE", "/v1/applicants/x", staff.hr, NULL));
	char *bp = xasprintf("/v1/applicants/%s", b);
	resp_free(http_json("DELETE", bp, staff.hr, NULL)); /* tidy: the held one, now released */
	move(dapp, "screening");
	free(bp);
	free(rp);
	json_decref(dry);
	json_decref(base);
	json_decref(real);
	free(rows_before);
	free(rows_after);
	free(funnel_path);
	free(hold);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(capp);
	free(dapp);
	free(eapp);
	free(ea);
	free(ec);
}

/* The purge run sweeps idempotency keys older than 24 hours: counted in a dry run, deleted in a
 * real one. */
static void
test_sweeps(void **state)
{
	(void)state;
	char key[64];
	snprintf(key, sizeof(key), "Idempotency-Key: sweep-%d-%d", (int)getpid(), ++seq);
	const char *h[] = {key, NULL};
	struct resp *r = http("POST", "/v1/openings", staff.hr, "application/json",
	                      "{\"title\":\"Sweep\",\"status\":\"open\"}", h);
	assert_int_equal(r->status, 201);
	resp_free(r);
	PGresult *res =
	    PQexecParams(test_db(),
	                 "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
	                 "WHERE actor = $1",
	                 1, NULL, (const char *const[]){staff.hr_name}, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	json_t *dry = purge(true);
	assert_true(json_integer_value(
	                json_object_get(json_object_get(dry, "swept"), "idempotency_keys")) >= 1);
	json_decref(dry);
	expect_db_value("SELECT count(*) > 0 FROM idempotency_keys WHERE actor = $1", staff.hr_name,
	                "t");
	json_t *real = purge(false);
	assert_true(json_integer_value(
	                json_object_get(json_object_get(real, "swept"), "idempotency_keys")) >= 1);
	json_decref(real);
	expect_db_value("SELECT count(*) FROM idempotency_keys WHERE actor = $1", staff.hr_name,
	                "0");
}

/*
 * A purge deletes for real only when asked to: a POST without dry_run, and
 * recruitctl purge without --confirm, are dry runs (DESIGN, "Retention and
 * purge").
 */
static void
test_dry_run_by_default(void **state)
{
	(void)state;
	char *who = person("IS", "Dora Default", NULL); /* never applied in IS: due at once */
	char *path = xasprintf("/v1/applicants/%s", who);
	struct resp *r = http_json("POST", "/v1/retention/purges", staff.hr, "{}");
	assert_int_equal(r->status, 201);
	assert_true(json_is_true(json_object_get(r->json, "dry_run")));
	assert_int_equal(json_integer_value(json_object_get(r->json, "purged")), 0);
	assert_true(has_id(r->json, who));
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", who, "1");

	json_t *report = ctl_purge("");
	assert_true(json_is_true(json_object_get(report, "dry_run")));
	assert_int_equal(json_integer_value(json_object_get(report, "purged")), 0);
	json_decref(report);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", who, "1");
	char *cmd =
	    xasprintf("%s purge --confirm --dry-run >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
	free(cmd);
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", who, "1");

	/* confirmed, it deletes */
	cmd = xasprintf("%s purge --confirm >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(WEXITSTATUS(system(cmd)), 0);
	free(cmd);
	r = http_json("GET", path, staff.hr, NULL);
	assert_problem(r, 410, NULL);
	resp_free(r);
	free(path);
	free(who);
}

static void
test_recruitctl_purge(void **state)
{
	(void)state;
	json_t *report = ctl_purge("--dry-run");
	assert_true(json_is_true(json_object_get(report, "dry_run")));
	assert_string_equal(sget(report, "status"), "finished");
	assert_non_null(json_object_get(report, "by_rule"));
	json_decref(report);
	char *cmd = xasprintf("%s purge --now >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
	free(cmd);
	cmd =
	    xasprintf("RECRUITD_DATABASE_URL='host=/nonexistent dbname=x' %s purge >/dev/null 2>&1",
	              getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	free(cmd);
	/* messages go to stderr, never stdout */
	cmd = xasprintf("RECRUITD_DATABASE_URL='host=/nonexistent dbname=x' %s purge 2>/dev/null",
	                getenv("RECRUITD_TEST_CTL"));
	FILE *p = popen(cmd, "r");
	char out[256];
	size_t n = fread(out, 1, sizeof(out), p);
	pclose(p);
	assert_int_equal(n, 0);
	free(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policies),
	    cmocka_unit_test(test_legal_floors),
	    cmocka_unit_test(test_record_shows_retention),
	    cmocka_unit_test(test_dry_then_real),
	    cmocka_unit_test(test_sweeps),
	    cmocka_unit_test(test_recruitctl_purge),
	    cmocka_unit_test(test_dry_run_by_default),
	};
	return cmocka_run_group_tests_name("api retention", tests, setup, teardown);
}
