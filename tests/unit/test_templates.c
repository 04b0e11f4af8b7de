/*
 * E-mail templates: the three placeholders filled (and nothing else taken
 * for one), and a set judged: unknown placeholders, control characters,
 * repeated languages and a missing fallback refused, by path.
 */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/problem.h"
#include "domain/templates.h"

static void
test_render(void **state)
{
	(void)state;
	struct template_values v = {"Zoë \"<b>\"", "SRE {{name}}", "Example Co"};
	char *s = templates_render("Dear {{name}}: {{opening}} at {{company}}. {{other}} {{", &v);

	/* values go in as they are (plain text), and are never filled again */
	assert_string_equal(s, "Dear Zoë \"<b>\": SRE {{name}} at Example Co.  {{");
	free(s);
	struct template_values none = {NULL, NULL, NULL};
	s = templates_render("{{name}}|{{opening}}|{{company}}", &none);
	assert_string_equal(s, "||");
	free(s);
}

static bool
valid(const char *json, const char *want_field)
{
	json_t *list = json_loads(json, 0, NULL);
	struct problem p;

	problem_init(&p);
	bool ok = templates_validate(list, &p);
	bool found = want_field == NULL;
	size_t i;
	json_t *e;
	json_array_foreach(p.errors, i, e) found |=
	    want_field && strcmp(json_string_value(json_object_get(e, "field")), want_field) == 0;
	problem_fini(&p);
	json_decref(list);
	assert_true(found);
	return ok;
}

#define GOOD_EN                                                                                    \
	"{\"kind\": \"rejection\", \"language\": \"en\", \"subject\": \"S {{opening}}\", "         \
	"\"body\": "                                                                               \
	"\"Dear {{name}}\\n{{company}}\"}, {\"kind\": \"stage_change\", \"language\": \"en\", "    \
	"\"subject\": \"S\", \"body\": \"B\"}"

static void
test_validate(void **state)
{
	(void)state;
	assert_true(valid("[" GOOD_EN "]", NULL));
	assert_true(valid("[" GOOD_EN
	                  ", {\"kind\": \"rejection\", \"language\": \"de\", \"subject\": "
	                  "\"S\", \"body\": \"Hallo {{name}}\"}]",
	                  NULL));
	assert_false(valid("[" GOOD_EN
	                   ", {\"kind\": \"rejection\", \"language\": \"de\", \"subject\": "
	                   "\"S\", \"body\": \"Hallo {{email}}\"}]",
	                   "[2].body"));
	assert_false(valid("[" GOOD_EN
	                   ", {\"kind\": \"rejection\", \"language\": \"de\", \"subject\": "
	                   "\"{{phone}}\", \"body\": \"x\"}]",
	                   "[2].subject"));
	assert_false(valid("[" GOOD_EN
	                   ", {\"kind\": \"rejection\", \"language\": \"en\", \"subject\": "
	                   "\"S\", \"body\": \"again\"}]",
	                   "[2]"));
	assert_false(valid("[" GOOD_EN
	                   ", {\"kind\": \"rejection\", \"language\": \"de\", \"subject\": "
	                   "\"S\", \"body\": \"bell \\u0007\"}]",
	                   "[2].body"));
	assert_false(valid("[{\"kind\": \"rejection\", \"language\": \"en\", \"subject\": \"S\", "
	                   "\"body\": \"B\"}]",
	                   "templates"));
	assert_false(valid("{}", "templates"));
	assert_false(valid("[" GOOD_EN ", {\"kind\": \"rejection\", \"language\": \"deu\", "
	                   "\"subject\": \"S\", \"body\": \"B\", \"extra\": 1}]",
	                   "[2].language"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests_name("templates", tests, NULL, NULL);
}
