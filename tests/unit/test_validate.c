/* Field validation: the predicates, and the applicant document with every error collected. */
#include <string.h>

#include "../unit/cm.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/profile.h"

static void
test_email(void **state)
{
	static const char *const good[] = {"a@b.co", "first.last+tag@example.com",
	                                   "o'brien@example.ie", "zoë@exämple.de",
	                                   "x@sub.domain-with-dash.org"};
	static const char *const bad[] = {"",         "plain",     "@example.com", "a@",
	                                  "a@b",      "a@@b.com",  "a b@c.com",    "a@b..com",
	                                  ".a@b.com", "a.@b.com",  "a..b@c.com",   "a@-b.com",
	                                  "a@b-.com", "a@b.com\n", "<a@b.com>",    "a@b,c.com"};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!is_email(good[i]))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (is_email(bad[i]))
			fail_msg("accepted %s", bad[i]);
	char long_local[80];
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@b.com");
	assert_false(is_email(long_local));
}

static void
test_country(void **state)
{
	(void)state;
	assert_true(is_country_code("US"));
	assert_true(is_country_code("DE"));
	assert_true(is_country_code("AD"));
	assert_true(is_country_code("ZW"));
	assert_false(is_country_code("us"));
	assert_false(is_country_code("UK")); /* GB is the code */
	assert_false(is_country_code("XX"));
	assert_false(is_country_code("USA"));
	assert_false(is_country_code(""));
	assert_false(is_country_code("U"));
}

static void
test_uuid_and_time(void **state)
{
	(void)state;
	assert_true(is_uuid("f6413b3a-d967-4162-955f-b26b50696e00"));
	assert_true(is_uuid("F6413B3A-D967-4162-955F-B26B50696E00"));
	assert_false(is_uuid("f6413b3a-d967-4162-955f-b26b50696e0"));
	assert_false(is_uuid("f6413b3a-d967-4162-955f-b26b50696e000"));
	assert_false(is_uuid("f6413b3ad96741620955fb26b50696e00000"));
	assert_false(is_uuid("' OR 1=1 --"));
	assert_true(is_rfc3339("2026-11-24T21:03:00Z"));
	assert_true(is_rfc3339("2026-11-24T21:03:00.123456Z"));
	assert_true(is_rfc3339("2026-11-24T21:03:00+02:00"));
	assert_false(is_rfc3339("2026-11-24"));
	assert_false(is_rfc3339("2026-13-24T21:03:00Z"));
	assert_false(is_rfc3339("2026-11-24T21:03:00"));
	assert_false(is_rfc3339("2026-11-24T21:03:00.Z"));
	assert_false(is_rfc3339("2026-11-24 21:03:00Z"));
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(is_utf8("Zoë Ñandú 日本 😀", strlen("Zoë Ñandú 日本 😀")));
	assert_false(is_utf8("\xff", 1));
	assert_false(is_utf8("\xc0\xaf", 2));         /* overlong */
	assert_false(is_utf8("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(is_utf8("\xe6\x97", 2));         /* truncated */
	assert_false(is_utf8("a\0b", 3));             /* NUL */
	assert_false(is_utf8("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_int_equal(utf8_chars("Zoë"), 3);
	assert_true(has_control_chars("a\tb"));
	assert_false(has_control_chars("a b"));
	assert_true(is_blank(" \t "));
}

static json_t *
doc(const char *s)
{
	char err[160];
	json_t *v = jsonx_parse(s, strlen(s), 32, err, sizeof(err));
	assert_non_null(v);
	return v;
}

static int
has_field(const struct problem *p, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach(p->errors, i,
	                   e) if (strcmp(json_string_value(json_object_get(e, "field")), field) ==
	                          0) return 1;
	return 0;
}

static void
test_applicant_valid(void **state)
{
	struct problem p;
	json_t *d = doc(
	    "{\"full_name\":\"Zoë O'Brien\",\"email\":\"zoe@example.com\",\"phone\":\"+1 555 010 "
	    "9999\","
	    "\"address\":{\"city\":\"Köln\",\"country\":\"DE\"},"
	    "\"social_handles\":[{\"network\":\"github\",\"handle\":\"zoe\"}],"
	    "\"source\":{\"type\":\"referral\",\"detail\":\"via Ann\"},\"marketing_opt_in\":true}");

	(void)state;
	problem_init(&p);
	assert_true(profile_validate(d, true, &p));
	profile_normalize(d);
	assert_true(json_is_null(json_object_get(json_object_get(d, "address"), "line1")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(d, "address"), "country")), "DE");
	assert_true(json_is_null(json_object_get(d, "title")));
	json_decref(d);

	/* A create with only the required members gets the defaults. */
	d = doc("{\"full_name\":\"A\",\"email\":\"a@b.co\"}");
	assert_true(profile_validate(d, true, &p));
	profile_normalize(d);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(d, "source"), "type")), "recruiter");
	assert_true(json_is_false(json_object_get(d, "marketing_opt_in")));
	assert_int_equal(json_array_size(json_object_get(d, "social_handles")), 0);
	json_decref(d);
	problem_fini(&p);
}

static void
test_applicant_collects_every_error(void **state)
{
	struct problem p;
	json_t *d = doc("{\"email\":\"nope\",\"phone\":\"call "
	                "me\",\"title\":5,\"address\":{\"country\":\"XX\",\"zip\":\"1\"},"
	                "\"social_handles\":[{\"network\":\"\"},3],\"source\":{\"type\":\"magic\"},"
	                "\"marketing_opt_in\":\"yes\",\"id\":\"x\",\"shoe_size\":44}");
	static const char *const fields[] = {"full_name",
	                                     "email",
	                                     "phone",
	                                     "title",
	                                     "address.country",
	                                     "address.zip",
	                                     "social_handles[0].network",
	                                     "social_handles[0].handle",
	                                     "social_handles[1]",
	                                     "source.type",
	                                     "marketing_opt_in",
	                                     "id",
	                                     "shoe_size"};

	(void)state;
	problem_init(&p);
	assert_false(profile_validate(d, true, &p));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!has_field(&p, fields[i]))
			fail_msg("no error for %s", fields[i]);
	assert_int_equal(json_array_size(p.errors), sizeof(fields) / sizeof(fields[0]));
	json_decref(d);
	problem_fini(&p);
}

static void
test_applicant_limits(void **state)
{
	struct problem p;
	char name[260];
	json_t *d;

	(void)state;
	memset(name, 'a', 201);
	name[201] = '\0';
	d = json_pack("{s:s, s:s}", "full_name", name, "email", "a@b.co");
	problem_init(&p);
	assert_false(profile_validate(d, true, &p));
	assert_true(has_field(&p, "full_name"));
	json_decref(d);
	problem_fini(&p);

	d = json_pack("{s:s, s:s}", "full_name", "   ", "email", "a@b.co");
	problem_init(&p);
	assert_false(profile_validate(d, true, &p));
	json_decref(d);
	problem_fini(&p);

	d = json_pack("{s:s, s:s}", "full_name", "a\nb", "email", "a@b.co");
	problem_init(&p);
	assert_false(profile_validate(d, true, &p));
	json_decref(d);
	problem_fini(&p);

	/* a patched record may not lose its source */
	d = json_pack("{s:s, s:s, s:n}", "full_name", "A", "email", "a@b.co", "source");
	problem_init(&p);
	assert_false(profile_validate(d, false, &p));
	assert_true(has_field(&p, "source"));
	json_decref(d);
	problem_fini(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_email),
	    cmocka_unit_test(test_country),
	    cmocka_unit_test(test_uuid_and_time),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_applicant_valid),
	    cmocka_unit_test(test_applicant_collects_every_error),
	    cmocka_unit_test(test_applicant_limits),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
