/* Privacy requests' pure rules: dates, business days over year ends and holidays, masking,
 * matching the data points, what each type needs, the categories. */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/clock.h"
#include "domain/privacy.h"

static time_t
at(const char *rfc3339)
{
	time_t t;
	assert_int_equal(clock_parse_rfc3339(rfc3339, &t), 0);
	return t;
}

static void
test_dates(void **state)
{
	(void)state;
	assert_int_equal(clock_day_of_date("1970-01-01"), 0);
	assert_int_equal(clock_day_of_date("1970-01-02"), 1);
	assert_int_equal(clock_day_of_date("2000-03-01") - clock_day_of_date("2000-02-28"), 2);
	assert_int_equal(clock_day_of_date("2100-03-01") - clock_day_of_date("2100-02-28"), 1);
	assert_int_equal(clock_day_of_date("2024-02-29") - clock_day_of_date("2024-02-28"), 1);
	static const char *const bad[] = {"2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
	                                  "26-01-01",   "2026-1-01",  "2026/01/01", "2026-01-01x",
	                                  "abcd-ef-gh", "",           "1969-12-31"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (clock_day_of_date(bad[i]) != -1)
			fail_msg("took %s for a date", bad[i]);
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("2026-12-02T10:00:00Z"), at("2026-12-02T12:00:00+02:00"));
	assert_int_equal(at("2026-12-02T10:00:00.123456Z"), at("2026-12-02T10:00:00Z"));
	assert_int_equal(at("2026-12-31T23:30:00-01:00"), at("2027-01-01T00:30:00Z"));
	time_t t;
	static const char *const bad_times[] = {"2026-12-02",           "2026-12-02T10:00:00",
	                                        "2026-12-02T25:00:00Z", "2026-12-02T10:00:00+2:00",
	                                        "2026-12-02 10:00:00Z", "2026-12-02T10:00:00.Z"};
	for (size_t i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++)
		if (clock_parse_rfc3339(bad_times[i], &t) == 0)
			fail_msg("took %s for a time", bad_times[i]);
}

static void
test_business_days(void **state)
{
	(void)state;
	/* Monday + 10 business days: two weeks on */
	assert_int_equal(privacy_add_business_days(at("2026-11-30T09:00:00Z"), 10, NULL, 0),
	                 at("2026-12-14T09:00:00Z"));
	/* Friday + 1: Monday; Saturday + 1: Monday; Sunday + 1: Monday */
	assert_int_equal(privacy_add_business_days(at("2026-12-04T17:00:00Z"), 1, NULL, 0),
	                 at("2026-12-07T17:00:00Z"));
	assert_int_equal(privacy_add_business_days(at("2026-12-05T08:00:00Z"), 1, NULL, 0),
	                 at("2026-12-07T08:00:00Z"));
	assert_int_equal(privacy_add_business_days(at("2026-12-06T08:00:00Z"), 1, NULL, 0),
	                 at("2026-12-07T08:00:00Z"));
	/* across the year's end, with Christmas and New Year's Day as holidays */
	long holidays[] = {clock_day_of_date("2026-12-25"), clock_day_of_date("2027-01-01")};
	assert_int_equal(privacy_add_business_days(at("2026-12-24T10:00:00Z"), 10, holidays, 2),
	                 at("2027-01-11T10:00:00Z"));
	assert_int_equal(privacy_add_business_days(at("2026-12-24T10:00:00Z"), 10, NULL, 0),
	                 at("2027-01-07T10:00:00Z"));
	/* a holiday on a weekend changes nothing */
	long weekend[] = {clock_day_of_date("2026-12-26")};
	assert_int_equal(privacy_add_business_days(at("2026-12-24T10:00:00Z"), 1, weekend, 1),
	                 at("2026-12-25T10:00:00Z"));
	/* a leap year's February */
	assert_int_equal(privacy_add_business_days(at("2028-02-25T12:00:00Z"), 2, NULL, 0),
	                 at("2028-02-29T12:00:00Z"));
}

static void
test_masking_and_matching(void **state)
{
	char out[64];

	(void)state;
	privacy_mask_email("ada@example.com", out, sizeof(out));
	assert_string_equal(out, "a***@example.com");
	privacy_mask_email("no-at-sign", out, sizeof(out));
	assert_string_equal(out, "***");
	assert_true(
	    privacy_same_name("  Zoë   Ñandú ", "zoë Ñandú")); /* ASCII folds; the rest as is */
	assert_true(privacy_same_name("Ada  LOVELACE", " ada lovelace"));
	assert_false(privacy_same_name("Ada", "Ada L"));
	assert_false(privacy_same_name("", ""));
	assert_true(privacy_same_phone("+1 (415) 555-0100", "+1 415 555 0100"));
	assert_false(privacy_same_phone("+1 415 555 0100", "415 555 0100"));
	assert_false(privacy_same_phone("12345", "12345")); /* too few digits to prove anything */
	assert_false(privacy_same_phone(NULL, "+1 415 555 0100"));
}

static void
test_what_each_type_needs(void **state)
{
	(void)state;
	assert_false(privacy_needs_link("opt_out"));
	assert_true(privacy_needs_link("delete"));
	assert_true(privacy_needs_data_points("know_specific"));
	assert_false(privacy_needs_data_points("know_categories"));
	assert_true(privacy_needs_fresh_sign_in("delete"));
	assert_true(privacy_needs_fresh_sign_in("know_specific"));
	assert_false(privacy_needs_fresh_sign_in("correct"));
	assert_true(privacy_is_contact_field("phone"));
	assert_false(privacy_is_contact_field("job_title"));
	json_t *few = privacy_categories(false, false, false),
	       *all = privacy_categories(true, true, true);
	assert_int_equal(json_array_size(few), 3);
	assert_int_equal(json_array_size(all), 6);
	json_decref(few);
	json_decref(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_business_days),
	    cmocka_unit_test(test_masking_and_matching),
	    cmocka_unit_test(test_what_each_type_needs),
	};
	return cmocka_run_group_tests_name("unit privacy", tests, NULL, NULL);
}
