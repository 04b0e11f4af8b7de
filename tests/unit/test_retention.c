/* Retention: rule matching by specificity, and expiry for every kind of applicant. */
#include <pthread.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "domain/retention.h"

#define DAY 86400.0

static struct policies P;

/* The shipped defaults, plus a rule for Norway's withdrawals only. */
static const char defaults[] =
    "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":183},"
    "{\"outcome\":\"rejected\",\"country\":\"US\",\"retain_days\":365},"
    "{\"outcome\":\"rejected\",\"country\":\"US\",\"region\":\"CA\",\"retain_days\":1461},"
    "{\"outcome\":\"withdrawn\",\"country\":\"*\",\"retain_days\":183},"
    "{\"outcome\":\"withdrawn\",\"country\":\"US\",\"retain_days\":365},"
    "{\"outcome\":\"withdrawn\",\"country\":\"US\",\"region\":\"CA\",\"retain_days\":1461},"
    "{\"outcome\":\"withdrawn\",\"country\":\"NO\",\"retain_days\":30},"
    "{\"outcome\":\"no_application\",\"country\":\"*\",\"retain_days\":183},"
    "{\"outcome\":\"no_application\",\"country\":\"US\",\"retain_days\":365},"
    "{\"outcome\":\"no_application\",\"country\":\"US\",\"region\":\"CA\",\"retain_days\":1461}]";

static int
load(void **state)
{
	char err[160];
	(void)state;
	json_t *list = jsonx_parse(defaults, strlen(defaults), 32, err, sizeof(err));
	int rc = retention_policies_parse(list, &P);
	json_decref(list);
	return rc;
}

static int
unload(void **state)
{
	(void)state;
	retention_policies_free(&P);
	return 0;
}

static int
days_of(enum outcome o, const char *country, const char *region)
{
	const struct policy *r = retention_match(&P, o, country, region);
	return r ? r->retain_days : -1;
}

static void
test_specificity(void **state)
{
	(void)state;
	for (int o = 0; o < 3; o++) {
		assert_int_equal(days_of((enum outcome)o, "US", "CA"),
		                 1461); /* country and region */
		assert_int_equal(days_of((enum outcome)o, "US", "TX"), 365); /* country */
		assert_int_equal(days_of((enum outcome)o, "US", NULL), 365);
		assert_int_equal(days_of((enum outcome)o, "DE", "BE"), 183); /* "*" */
		assert_int_equal(days_of((enum outcome)o, NULL, NULL), 183);
	}
	assert_int_equal(days_of(OUTCOME_WITHDRAWN, "NO", NULL), 30);
	assert_int_equal(days_of(OUTCOME_REJECTED, "NO", NULL),
	                 183); /* the NO rule is for withdrawals only */
	char label[64];
	retention_rule_label(retention_match(&P, OUTCOME_REJECTED, "US", "CA"), label,
	                     sizeof(label));
	assert_string_equal(label, "rejected/US/CA");
	retention_rule_label(retention_match(&P, OUTCOME_NO_APPLICATION, "FR", NULL), label,
	                     sizeof(label));
	assert_string_equal(label, "no_application/*");
	struct policies none = {0};
	assert_null(retention_match(&none, OUTCOME_REJECTED, "US", "CA"));
}

/* Floors ride in the same text as {"outcome": "floor", ...}: the longest of a jurisdiction binds,
 * whatever a "*" rule says, and a verdict names it. */
static void
test_legal_floors(void **state)
{
	static const char text[] =
	    "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":0},"
	    "{\"outcome\":\"no_application\",\"country\":\"*\",\"retain_days\":10},"
	    "{\"outcome\":\"floor\",\"country\":\"US\",\"retain_days\":365,\"basis\":\"29 CFR "
	    "1602.14\"},"
	    "{\"outcome\":\"floor\",\"country\":\"US\",\"region\":\"CA\",\"retain_days\":1461,"
	    "\"basis\":\"Cal. Gov. Code §12946\"}]";
	char err[160];
	struct policies p = {0};
	struct verdict v;
	double t0 = 1.8e9;

	(void)state;
	json_t *list = jsonx_parse(text, strlen(text), 32, err, sizeof(err));
	assert_int_equal(retention_policies_parse(list, &p), 0);
	json_decref(list);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.nfloors, 2);
	assert_int_equal(retention_floor_for(&p, "US", "CA")->retain_days, 1461);
	assert_int_equal(retention_floor_for(&p, "US", "TX")->retain_days, 365);
	assert_int_equal(retention_floor_for(&p, "US", NULL)->retain_days, 365);
	assert_null(retention_floor_for(&p, "DE", NULL));
	assert_null(retention_floor_for(&p, NULL, NULL));

	struct app_state ca = {false, OUTCOME_REJECTED, "US", "CA", t0};
	struct subject s = {.created_at = t0 - DAY, .apps = &ca, .napps = 1};
	retention_judge(&p, &s, &v);
	assert_true(v.known);
	assert_true(v.expires_at == t0 + 1461 * DAY);
	assert_non_null(v.floor);
	assert_string_equal(v.floor->basis, "Cal. Gov. Code §12946");
	json_t *j = retention_json(&v);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "blocked_by"), 0)),
	                    "legal_floor:US/CA");
	json_decref(j);
	/* several jurisdictions: the longest floor of any, from its own decision */
	struct app_state two[] = {{false, OUTCOME_REJECTED, "US", "TX", t0},
	                          {false, OUTCOME_REJECTED, "DE", NULL, t0 + 30 * DAY}};
	struct subject both = {.created_at = t0, .apps = two, .napps = 2};
	retention_judge(&p, &both, &v);
	assert_true(v.expires_at == t0 + 365 * DAY);
	/* no floor: the rule alone; never applied: no floor either */
	struct app_state de = {false, OUTCOME_REJECTED, "DE", NULL, t0};
	s.apps = &de;
	retention_judge(&p, &s, &v);
	assert_true(v.expires_at == t0);
	assert_null(v.floor);
	struct subject never = {.created_at = t0, .country = "US", .region = "CA"};
	retention_judge(&p, &never, &v);
	assert_true(v.expires_at == t0 + 10 * DAY);
	retention_policies_free(&p);
}

static void
test_every_outcome(void **state)
{
	(void)state;
	double t0 = 1.8e9;
	struct app_state rejected = {false, OUTCOME_REJECTED, "US", NULL, t0};
	struct app_state withdrawn = {false, OUTCOME_WITHDRAWN, "NO", NULL, t0};
	struct verdict v;
	struct subject s = {.created_at = t0 - 900 * DAY, .apps = &rejected, .napps = 1};

	retention_judge(&P, &s, &v);
	assert_true(v.known);
	assert_true(v.expires_at == t0 + 365 * DAY);
	assert_false(retention_is_past(&v, t0 + 364 * DAY));
	assert_true(retention_is_past(&v, t0 + 365 * DAY));

	s.apps = &withdrawn;
	retention_judge(&P, &s, &v);
	assert_true(v.expires_at == t0 + 30 * DAY);

	/* never applied: judged by the address, from the record's creation */
	struct subject never = {.created_at = t0, .country = "US", .region = "CA"};
	retention_judge(&P, &never, &v);
	assert_true(v.known);
	assert_true(v.expires_at == t0 + 1461 * DAY);
	never.country = NULL;
	never.region = NULL;
	retention_judge(&P, &never, &v);
	assert_true(v.expires_at == t0 + 183 * DAY);
}

static void
test_several_applications(void **state)
{
	(void)state;
	double t0 = 1.8e9;
	/* a California rejection long ago, a short-lived withdrawal elsewhere later */
	struct app_state apps[] = {{false, OUTCOME_REJECTED, "US", "CA", t0},
	                           {false, OUTCOME_WITHDRAWN, "DE", NULL, t0 + 100 * DAY}};
	struct subject s = {.created_at = t0 - DAY, .apps = apps, .napps = 2};
	struct verdict v;

	retention_judge(&P, &s, &v);
	/* the longest period any of them calls for, from the last closure */
	assert_true(v.expires_at == t0 + 100 * DAY + 1461 * DAY);
	char label[64];
	retention_rule_label(v.rule, label, sizeof(label));
	assert_string_equal(label, "rejected/US/CA");

	/* one still open: no expiry at all */
	struct app_state with_open[] = {apps[0], {true, OUTCOME_REJECTED, "DE", NULL, 0}};
	s.apps = with_open;
	retention_judge(&P, &s, &v);
	assert_true(v.open);
	assert_false(retention_is_past(&v, t0 + 10000 * DAY));
}

static void
test_legal_hold(void **state)
{
	(void)state;
	double t0 = 1.8e9;
	struct app_state a = {false, OUTCOME_REJECTED, "FR", NULL, t0};
	struct subject s = {.created_at = t0, .held = true, .apps = &a, .napps = 1};
	struct verdict v;

	retention_judge(&P, &s, &v);
	assert_true(v.held);
	/* past retention, and held: counted as expired, kept as held */
	assert_true(retention_is_past(&v, t0 + 200 * DAY));
}

static void
test_no_rule(void **state)
{
	(void)state;
	struct policies only_us = {0};
	static const char one[] =
	    "[{\"outcome\":\"rejected\",\"country\":\"US\",\"retain_days\":0}]";
	char err[160];
	json_t *list = jsonx_parse(one, strlen(one), 32, err, sizeof(err));
	assert_int_equal(retention_policies_parse(list, &only_us), 0);
	json_decref(list);
	struct app_state a = {false, OUTCOME_REJECTED, "FR", NULL, 1.8e9};
	struct subject s = {.created_at = 1.8e9, .apps = &a, .napps = 1};
	struct verdict v;
	retention_judge(&only_us, &s, &v);
	assert_false(v.known); /* nothing matches France: kept */
	assert_false(retention_is_past(&v, 9e9));
	a.country = "US";
	retention_judge(&only_us, &s, &v);
	assert_true(retention_is_past(&v, 1.8e9)); /* zero days: at once */
	retention_policies_free(&only_us);
}

static void
test_validation(void **state)
{
	(void)state;
	static const char bad[] =
	    "[{\"outcome\":\"hired\",\"country\":\"US\",\"retain_days\":10},"
	    "{\"outcome\":\"rejected\",\"country\":\"USA\",\"retain_days\":10},"
	    "{\"outcome\":\"rejected\",\"country\":\"US\",\"retain_days\":-1},"
	    "{\"outcome\":\"rejected\",\"country\":\"*\",\"region\":\"CA\",\"retain_days\":1},"
	    "{\"outcome\":\"rejected\",\"country\":\"DE\",\"retain_days\":1,\"note\":\"x\"},"
	    "{\"outcome\":\"rejected\",\"country\":\"DE\",\"retain_days\":2},"
	    "{\"outcome\":\"rejected\",\"country\":\"FR\",\"retain_days\":1.5}]";
	static const char *const fields[] = {"[0].outcome",    "[1].country", "[2].retain_days",
	                                     "[3].region",     "[4].note",    "[5]",
	                                     "[6].retain_days"};
	char err[160];
	struct problem p;
	json_t *list = jsonx_parse(bad, strlen(bad), 32, err, sizeof(err));

	problem_init(&p);
	assert_false(retention_policies_validate(list, &p));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t k;
		json_t *e;
		int found = 0;
		json_array_foreach(p.errors, k, e) found |=
		    strcmp(json_string_value(json_object_get(e, "field")), fields[i]) == 0;
		if (!found)
			fail_msg("no error for %s", fields[i]);
	}
	problem_fini(&p);
	json_decref(list);

	list = jsonx_parse(defaults, strlen(defaults), 32, err, sizeof(err));
	problem_init(&p);
	assert_true(retention_policies_validate(list, &p));
	problem_fini(&p);
	json_decref(list);
	json_t *notalist = json_object();
	problem_init(&p);
	assert_false(retention_policies_validate(notalist, &p));
	problem_fini(&p);
	json_decref(notalist);
}

/*
 * The per-thread cache of parsed rules, run on a thread of its own so that
 * the thread's exit frees it (the sanitizers' leak check sees that). Each
 * check sets a bit of the answer when it holds.
 */
static void *
cache_checks(void *arg)
{
	static const char other[] =
	    "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":7}]";
	uintptr_t ok = 0;
	char copy[sizeof(defaults)];
	(void)arg;

	const struct policies *a = retention_policies_cached(defaults);
	memcpy(copy, defaults, sizeof(defaults));
	const struct policies *b = retention_policies_cached(copy); /* equal text, another buffer */
	ok |= (a != NULL && a->n == 10 && a->rules[6].retain_days == 30) << 0;
	ok |= (b == a && b->n == 10) << 1;
	const struct policies *c =
	    retention_policies_cached(other); /* rules changed: parsed again */
	ok |= (c != NULL && c->n == 1 && c->rules[0].retain_days == 7) << 2;
	ok |= (retention_policies_cached("not json") == NULL) << 3;
	ok |= (retention_policies_cached("{}") == NULL) << 4;
	const struct policies *d =
	    retention_policies_cached(defaults); /* good again after a bad text */
	ok |= (d != NULL && d->n == 10 && d->rules[2].retain_days == 1461) << 5;
	return (void *)ok;
}

static void
test_rules_cache(void **state)
{
	pthread_t t;
	void *ok;
	(void)state;

	assert_int_equal(pthread_create(&t, NULL, cache_checks, NULL), 0);
	assert_int_equal(pthread_join(t, &ok), 0);
	assert_int_equal((uintptr_t)ok, 0x3f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_specificity),  cmocka_unit_test(test_every_outcome),
	    cmocka_unit_test(test_legal_floors), cmocka_unit_test(test_several_applications),
	    cmocka_unit_test(test_legal_hold),   cmocka_unit_test(test_no_rule),
	    cmocka_unit_test(test_validation),   cmocka_unit_test(test_rules_cache),
	};
	return cmocka_run_group_tests_name("retention", tests, load, unload);
}
