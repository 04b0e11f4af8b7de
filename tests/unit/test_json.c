/* Strict JSON parsing, merge patch, problem documents. */
#include <string.h>

#include "../unit/cm.h"
#include "core/jsonx.h"
#include "core/problem.h"

static json_t *
parse(const char *s)
{
	char err[160];
	return jsonx_parse(s, strlen(s), 32, err, sizeof(err));
}

static void
test_parse_accepts(void **state)
{
	json_t *v;

	(void)state;
	v = parse("{\"a\":1,\"b\":[true,null,\"\\u00e9\"],\"c\":{\"d\":\"Zoë\"}}");
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "c"), "d")),
	                    "Zoë");
	json_decref(v);
}

static void
test_parse_refuses(void **state)
{
	static const char *const bad[] = {
	    "{\"a\":1,\"a\":2}",    /* duplicate key */
	    "{\"a\":",              /* truncated */
	    "{\"a\":\"\xff\"}",     /* invalid UTF-8 */
	    "{\"a\":\"\xc0\xaf\"}", /* overlong */
	    "{\"a\":\"\\u0000\"}",  /* NUL */
	    "{'a':1}",              /* not JSON */
	    "",
	    "{\"a\":1} x", /* trailing garbage */
	    "{\"n\":123456789012345678901234567890}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *v = parse(bad[i]);
		if (v != NULL)
			fail_msg("accepted case %zu", i);
	}
}

static void
test_parse_depth(void **state)
{
	char deep[200], err[160];
	int n = 0;

	(void)state;
	for (int i = 0; i < 33; i++)
		deep[n++] = '[';
	for (int i = 0; i < 33; i++)
		deep[n++] = ']';
	assert_null(jsonx_parse(deep, (size_t)n, 32, err, sizeof(err)));
	assert_non_null(strstr(err, "nested"));
	/* brackets inside strings do not count */
	json_t *v = parse("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}");
	assert_non_null(v);
	json_decref(v);
	json_t *ok = jsonx_parse(deep + 1, (size_t)n - 2, 32, err, sizeof(err));
	assert_non_null(ok);
	json_decref(ok);
}

static void
check_patch(const char *target, const char *patch, const char *want)
{
	json_t *t = parse(target), *p = parse(patch), *w = parse(want);
	json_t *got = jsonx_merge_patch(t, p);

	if (!json_equal(got, w)) {
		char *s = jsonx_dump(got);
		fail_msg("merge %s + %s gave %s, want %s", target, patch, s, want);
	}
	json_decref(got);
	json_decref(p);
	json_decref(w);
}

/* The examples of RFC 7396, appendix A (objects only). */
static void
test_merge_patch(void **state)
{
	(void)state;
	check_patch("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	check_patch("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	check_patch("{\"a\":\"b\"}", "{\"a\":null}", "{}");
	check_patch("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	check_patch("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	check_patch("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
	check_patch("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
	            "{\"a\":{\"b\":\"d\"}}");
	check_patch("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	check_patch("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
	check_patch("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}

static void
test_problem(void **state)
{
	struct problem p;
	json_t *doc;

	(void)state;
	problem_init(&p);
	problem_field(&p, "email", "must be a valid e-mail address");
	problem_field(&p, "address.country", "bad");
	problem_set(&p, 422, "the request has invalid fields");
	problem_extra(&p, "existing_id", json_string("x"));
	doc = problem_to_json(&p);
	assert_string_equal(json_string_value(json_object_get(doc, "type")),
	                    "/problems/validation-error");
	assert_string_equal(json_string_value(json_object_get(doc, "title")), "Validation Error");
	assert_int_equal(json_integer_value(json_object_get(doc, "status")), 422);
	assert_int_equal(json_array_size(json_object_get(doc, "errors")), 2);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(doc, "errors"), 1), "field")),
	                    "address.country");
	assert_string_equal(json_string_value(json_object_get(doc, "existing_id")), "x");
	json_decref(doc);
	problem_fini(&p);

	problem_init(&p);
	problem_set(&p, 404, "gone fishing");
	p.slug = "applicant-gone";
	doc = problem_to_json(&p);
	assert_string_equal(json_string_value(json_object_get(doc, "type")),
	                    "/problems/applicant-gone");
	assert_int_equal(json_array_size(json_object_get(doc, "errors")), 0);
	json_decref(doc);
	problem_fini(&p);
	assert_string_equal(problem_slug(503), "service-unavailable");
	assert_string_equal(problem_slug(418), "error");
}

/* A parse error says where and what kind, never the text sent (it may be personal data). */
static void
test_errors_do_not_echo(void **state)
{
	(void)state;
	static const struct {
		const char *in, *kind;
	} cases[] = {
	    {"{\"full_name\": john}", "invalid syntax"},
	    {"{\"full_name\": \"Jane Secretname\xff\"}", "invalid UTF-8"},
	    {"{\"full_name\": \"Jane Secretname\"", "ends too early"},
	    {"{\"full_name\": \"Jane Secretname\", \"full_name\": \"x\"}", "duplicate"},
	    {"{\"a\": 1} Secretname", "more after the end"},
	};
	char err[160];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(jsonx_parse(cases[i].in, strlen(cases[i].in), 32, err, sizeof(err)));
		if (strstr(err, "john") || strstr(err, "Jane") || strstr(err, "Secretname") ||
		    strstr(err, "full_name"))
			fail_msg("case %zu echoes the input: %s", i, err);
		if (strstr(err, cases[i].kind) == NULL || strstr(err, "line 1, column") == NULL)
			fail_msg("case %zu: %s", i, err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errors_do_not_echo), cmocka_unit_test(test_parse_accepts),
	    cmocka_unit_test(test_parse_refuses),      cmocka_unit_test(test_parse_depth),
	    cmocka_unit_test(test_merge_patch),        cmocka_unit_test(test_problem),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
