/* server/openapi.yaml describes every route the server has, with its method, and nothing it lacks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "api/routes.h"
#include "core/xalloc.h"
#include "pages/console.h"

static char *spec;

static int
load(void **state)
{
	const char *home = getenv("RECRUITD_HOME");
	char *path = xasprintf("%s/server/openapi.yaml", home ? home : ".");
	FILE *f = fopen(path, "rb");
	long n;

	(void)state;
	free(path);
	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	spec = xcalloc(1, (size_t)n + 1);
	if (fread(spec, 1, (size_t)n, f) != (size_t)n)
		return -1;
	fclose(f);
	return 0;
}

static int
unload(void **state)
{
	(void)state;
	free(spec);
	return 0;
}

/* The text of one path item: from "\n  /path:\n" to the next path or section. */
static char *
path_item(const char *pattern)
{
	char *head = xasprintf("\n  %s:\n", pattern);
	const char *start = strstr(spec, head), *end;

	free(head);
	if (start == NULL)
		return NULL;
	start += 1;
	for (end = start + 1; *end; end++)
		if (end[-1] == '\n' &&
		    (strncmp(end, "  /", 3) == 0 || (end[0] != ' ' && end[0] != '\n')))
			break;
	return xstrndup(start, (size_t)(end - start));
}

/* The API's routes and the console's pages, as main serves them. */
static const struct route *
route_at(size_t i)
{
	return i < routes_count ? &routes[i] : &console_routes[i - routes_count];
}
#define ALL_ROUTES (routes_count + console_routes_count)

static void
test_every_route_is_described(void **state)
{
	(void)state;
	for (size_t i = 0; i < ALL_ROUTES; i++) {
		const struct route *rt = route_at(i);
		char *item = path_item(rt->pattern), method[16], *key;
		if (item == NULL)
			fail_msg("%s is not in openapi.yaml", rt->pattern);
		for (size_t k = 0; k <= strlen(rt->method); k++)
			method[k] = (char)tolower((unsigned char)rt->method[k]);
		key = xasprintf("\n    %s:", method);
		if (strstr(item, key) == NULL)
			fail_msg("%s %s is not in openapi.yaml", rt->method, rt->pattern);
		free(key);
		free(item);
	}
}

static void
test_nothing_undescribed_is_claimed(void **state)
{
	(void)state;
	const char *paths = strstr(spec, "\npaths:\n"), *comps = strstr(spec, "\ncomponents:\n");
	assert_non_null(paths);
	assert_non_null(comps);
	for (const char *p = paths; (p = strstr(p, "\n  /")) != NULL && p < comps; p++) {
		size_t n = strcspn(p + 3, ":");
		char *pattern = xstrndup(p + 3, n);
		int found = 0;
		for (size_t i = 0; i < ALL_ROUTES; i++)
			found |= strcmp(route_at(i)->pattern, pattern) == 0;
		if (!found)
			fail_msg("openapi.yaml describes %s, which the server does not serve",
			         pattern);
		free(pattern);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_route_is_described),
	    cmocka_unit_test(test_nothing_undescribed_is_claimed),
	};
	return cmocka_run_group_tests_name("openapi", tests, load, unload);
}
