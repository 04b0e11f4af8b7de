/* Router: matching, parameters, 404 versus 405 and Allow. */
#include <string.h>

#include "../unit/cm.h"
#include "edge/router.h"

static int
h(struct req *r)
{
	(void)r;
	return 0;
}

static const struct route table[] = {
    {"GET", "/healthz", h, ACCESS_PUBLIC, BODY_NONE},
    {"POST", "/v1/applicants", h, ACCESS_STAFF, BODY_JSON},
    {"GET", "/v1/applicants", h, ACCESS_STAFF, BODY_NONE},
    {"GET", "/v1/applicants/{id}", h, ACCESS_STAFF, BODY_NONE},
    {"PATCH", "/v1/applicants/{id}", h, ACCESS_STAFF, BODY_JSON},
    {"PUT", "/v1/applicants/{id}/legal-hold", h, ACCESS_HR, BODY_JSON},
    {"GET", "/v1/a/{x}/b/{y}", h, ACCESS_STAFF, BODY_NONE},
};
#define N (sizeof(table) / sizeof(table[0]))

static void
test_literal_and_param(void **state)
{
	struct route_match m;
	char allow[64];

	(void)state;
	assert_int_equal(router_match(table, N, "GET", "/healthz", &m, allow, sizeof(allow)), 200);
	assert_int_equal(m.index, 0);
	assert_int_equal(
	    router_match(table, N, "GET", "/v1/applicants/abc", &m, allow, sizeof(allow)), 200);
	assert_int_equal(m.index, 3);
	assert_string_equal(m.params[0], "abc");
	assert_int_equal(router_match(table, N, "PUT", "/v1/applicants/abc/legal-hold", &m, allow,
	                              sizeof(allow)),
	                 200);
	assert_int_equal(m.index, 5);
	assert_string_equal(m.params[0], "abc");
	assert_int_equal(router_match(table, N, "GET", "/v1/a/1/b/22", &m, allow, sizeof(allow)),
	                 200);
	assert_string_equal(m.params[0], "1");
	assert_string_equal(m.params[1], "22");
	/* a route with fewer parameters matched after that one has no stale second one */
	assert_int_equal(
	    router_match(table, N, "GET", "/v1/applicants/abc", &m, allow, sizeof(allow)), 200);
	assert_null(m.params[1]);
}

static void
test_not_found(void **state)
{
	struct route_match m;
	char allow[64];
	static const char *const paths[] = {"/",
	                                    "/v1",
	                                    "/v1/applicants/",
	                                    "/v1/applicants//legal-hold",
	                                    "/v1/applicants/x/y",
	                                    "/healthz/",
	                                    "//healthz",
	                                    "/HEALTHZ",
	                                    ""};

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		assert_int_equal(router_match(table, N, "GET", paths[i], &m, allow, sizeof(allow)),
		                 404);
}

static void
test_method_not_allowed(void **state)
{
	struct route_match m;
	char allow[64];

	(void)state;
	assert_int_equal(
	    router_match(table, N, "DELETE", "/v1/applicants", &m, allow, sizeof(allow)), 405);
	assert_string_equal(allow, "POST, GET, HEAD");
	assert_int_equal(
	    router_match(table, N, "POST", "/v1/applicants/x", &m, allow, sizeof(allow)), 405);
	assert_string_equal(allow, "GET, HEAD, PATCH");
	assert_int_equal(
	    router_match(table, N, "GET", "/v1/applicants/x/legal-hold", &m, allow, sizeof(allow)),
	    405);
	assert_string_equal(allow, "PUT");
}

static void
test_head_is_get(void **state)
{
	struct route_match m;
	char allow[64];

	(void)state;
	assert_int_equal(router_match(table, N, "HEAD", "/healthz", &m, allow, sizeof(allow)), 200);
	assert_int_equal(m.index, 0);
}

static void
test_long_path(void **state)
{
	struct route_match m;
	char allow[64], path[ROUTER_MAX_PATH + 10];

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(router_match(table, N, "GET", path, &m, allow, sizeof(allow)), 404);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_and_param),  cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_method_not_allowed), cmocka_unit_test(test_head_is_get),
	    cmocka_unit_test(test_long_path),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
