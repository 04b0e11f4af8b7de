/* Privacy requests' pure rules: dates, business days over year ends and holidays, masking by
 * code point, matching the data points (Unicode names, phone numbers by their national digits),
 * the one e-mail fold, what each type needs, the categories. */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/clock.h"
#include "core/fold.h"
#include "core/zone.h"
#include "domain/phone.h"
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
	/* Monday + 10 business days: the end of the Monday two weeks on (in UTC: no zone) */
	assert_int_equal(privacy_add_business_days(at("2026-11-30T09:00:00Z"), 10, NULL, NULL, 0),
	                 at("2026-12-14T23:59:59Z"));
	/* Friday + 1: Monday; Saturday + 1: Monday; Sunday + 1: Monday */
	assert_int_equal(privacy_add_business_days(at("2026-12-04T17:00:00Z"), 1, NULL, NULL, 0),
	                 at("2026-12-07T23:59:59Z"));
	assert_int_equal(privacy_add_business_days(at("2026-12-05T08:00:00Z"), 1, NULL, NULL, 0),
	                 at("2026-12-07T23:59:59Z"));
	assert_int_equal(privacy_add_business_days(at("2026-12-06T23:59:59Z"), 1, NULL, NULL, 0),
	                 at("2026-12-07T23:59:59Z"));
	/* across the year's end, with Christmas and New Year's Day as holidays */
	long holidays[] = {clock_day_of_date("2026-12-25"), clock_day_of_date("2027-01-01")};
	assert_int_equal(
	    privacy_add_business_days(at("2026-12-24T10:00:00Z"), 10, NULL, holidays, 2),
	    at("2027-01-11T23:59:59Z"));
	assert_int_equal(privacy_add_business_days(at("2026-12-24T10:00:00Z"), 10, NULL, NULL, 0),
	                 at("2027-01-07T23:59:59Z"));
	/* a holiday on a weekend changes nothing */
	long weekend[] = {clock_day_of_date("2026-12-26")};
	assert_int_equal(privacy_add_business_days(at("2026-12-24T10:00:00Z"), 1, NULL, weekend, 1),
	                 at("2026-12-25T23:59:59Z"));
	/* a leap year's February */
	assert_int_equal(privacy_add_business_days(at("2028-02-25T12:00:00Z"), 2, NULL, NULL, 0),
	                 at("2028-02-29T23:59:59Z"));
}

static struct zone *
zone(const char *name)
{
	char err[200];
	struct zone *z = zone_load(name, err, sizeof(err));
	if (z == NULL)
		fail_msg("zone %s: %s", name, err);
	return z;
}

/* The zone's offsets, and local times that summer time skips or shows twice. */
static void
test_zones(void **state)
{
	(void)state;
	struct zone *la = zone("America/Los_Angeles"), *berlin = zone("Europe/Berlin"),
	            *utc = zone("UTC");
	char date[11];

	assert_int_equal(zone_offset(la, at("2026-01-15T12:00:00Z")), -8 * 3600);
	assert_int_equal(zone_offset(la, at("2026-07-15T12:00:00Z")), -7 * 3600);
	/* 2026-03-08: 02:00 PST becomes 03:00 PDT, at 10:00 UTC; 2026-11-01: 02:00 PDT, 09:00 UTC
	 */
	assert_int_equal(zone_offset(la, at("2026-03-08T09:59:59Z")), -8 * 3600);
	assert_int_equal(zone_offset(la, at("2026-03-08T10:00:00Z")), -7 * 3600);
	assert_int_equal(zone_offset(la, at("2026-11-01T08:59:59Z")), -7 * 3600);
	assert_int_equal(zone_offset(la, at("2026-11-01T09:00:00Z")), -8 * 3600);
	assert_int_equal(zone_offset(berlin, at("2026-03-29T00:59:59Z")), 3600);
	assert_int_equal(zone_offset(berlin, at("2026-03-29T01:00:00Z")), 7200);
	assert_int_equal(zone_offset(utc, at("2026-07-15T12:00:00Z")), 0);
	/* the local date: Sunday 20:00 in California is Monday in UTC */
	assert_int_equal(zone_day(la, at("2026-03-02T04:00:00Z")), clock_day_of_date("2026-03-01"));
	zone_date(la, at("2026-03-02T04:00:00Z"), date);
	assert_string_equal(date, "2026-03-01");
	zone_date(berlin, at("2026-12-31T23:30:00Z"), date);
	assert_string_equal(date, "2027-01-01");
	/* local times to instants: plain, skipped (02:30 does not exist), shown twice (the earlier)
	 */
	long spring = clock_day_of_date("2026-03-08"), fall = clock_day_of_date("2026-11-01");
	assert_int_equal(zone_instant(la, spring, 3600), at("2026-03-08T09:00:00Z"));
	assert_int_equal(zone_instant(la, spring, 9000), at("2026-03-08T10:30:00Z"));
	assert_int_equal(zone_instant(la, spring, 3 * 3600), at("2026-03-08T10:00:00Z"));
	assert_int_equal(zone_instant(la, fall, 5400), at("2026-11-01T08:30:00Z"));
	assert_int_equal(zone_instant(la, fall, 3 * 3600), at("2026-11-01T11:00:00Z"));
	assert_int_equal(zone_instant(NULL, fall, 5400), at("2026-11-01T01:30:00Z"));
	/* names that are not zones here, or not names at all */
	char err[200];
	static const char *const bad[] = {"Mars/Olympus_Mons",   "",
	                                  "../../etc/passwd",    "/usr/share/zoneinfo/UTC",
	                                  "America/../UTC",      "America/Los Angeles",
	                                  "America//Los_Angeles"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (zone_load(bad[i], err, sizeof(err)) != NULL)
			fail_msg("took \"%s\" for a zone", bad[i]);
	assert_null(getenv("TZ")); /* as it was: the process's own zone is left alone */
	zone_free(la);
	zone_free(berlin);
	zone_free(utc);
}

/*
 * Deadlines in the company's zone across summer time: confirm_by is the end
 * of the 10th business day there, due_at received + 45 calendar days there at
 * the same local time.
 */
static void
test_deadlines_across_summer_time(void **state)
{
	(void)state;
	struct zone *la = zone("America/Los_Angeles"), *berlin = zone("Europe/Berlin");

	/* Sunday 1 March 2026, 20:00 PST (Monday 04:00 UTC). Business days from Monday 2 March;
	 * the 10th is Friday 13 March, after the change to PDT on the 8th: ends 23:59:59 PDT. */
	time_t sunday = at("2026-03-02T04:00:00Z");
	assert_int_equal(privacy_add_business_days(sunday, 10, la, NULL, 0),
	                 at("2026-03-14T06:59:59Z"));
	/* in UTC the same instant is a Monday: the 10th business day is Monday 16 March */
	assert_int_equal(privacy_add_business_days(sunday, 10, NULL, NULL, 0),
	                 at("2026-03-16T23:59:59Z"));
	/* 45 days on: 15 April 20:00 PDT; 90 days: 30 May 20:00 PDT */
	assert_int_equal(privacy_add_days(sunday, 45, la), at("2026-04-16T03:00:00Z"));
	assert_int_equal(privacy_add_days(sunday, 90, la), at("2026-05-31T03:00:00Z"));
	/* a holiday in the zone's calendar: Friday 13 March off, so Monday 16 March */
	long holiday[] = {clock_day_of_date("2026-03-13")};
	assert_int_equal(privacy_add_business_days(sunday, 10, la, holiday, 1),
	                 at("2026-03-17T06:59:59Z"));

	/* Sunday 25 October 2026, 20:00 PDT (Monday 03:00 UTC); PST from 1 November. The 10th
	 * business day is Friday 6 November: ends 23:59:59 PST. */
	time_t october = at("2026-10-26T03:00:00Z");
	assert_int_equal(privacy_add_business_days(october, 10, la, NULL, 0),
	                 at("2026-11-07T07:59:59Z"));
	assert_int_equal(privacy_add_days(october, 45, la), at("2026-12-10T04:00:00Z"));

	/* Berlin: Friday 20 March 2026, 23:30 CET (22:30 UTC); CEST from 29 March. The 10th
	 * business day is Friday 3 April: ends 23:59:59 CEST. */
	time_t friday = at("2026-03-20T22:30:00Z");
	assert_int_equal(privacy_add_business_days(friday, 10, berlin, NULL, 0),
	                 at("2026-04-03T21:59:59Z"));
	assert_int_equal(privacy_add_days(friday, 45, berlin), at("2026-05-04T21:30:00Z"));
	/* in October: Friday 23 October, 10:00 CEST; CET from the 25th */
	time_t autumn = at("2026-10-23T08:00:00Z");
	assert_int_equal(privacy_add_business_days(autumn, 10, berlin, NULL, 0),
	                 at("2026-11-06T22:59:59Z"));
	assert_int_equal(privacy_add_days(autumn, 45, berlin), at("2026-12-07T09:00:00Z"));
	zone_free(la);
	zone_free(berlin);
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
	/* by code point: a whole character, never half of one */
	privacy_mask_email("\xc3\xa9lodie@example.com", out, sizeof(out)); /* élodie */
	assert_string_equal(out, "\xc3\xa9***@example.com");
	privacy_mask_email("\xe7\x8e\x8b@example.cn", out, sizeof(out)); /* 王, 3 bytes */
	assert_string_equal(out, "\xe7\x8e\x8b***@example.cn");
	privacy_mask_email("\xf0\x9f\x98\x80x@example.com", out, sizeof(out)); /* 4 bytes */
	assert_string_equal(out, "\xf0\x9f\x98\x80***@example.com");
	assert_true(privacy_same_name("  Zo\xc3\xab   \xc3\x91"
	                              "and\xc3\xba ",
	                              "zo\xc3\xab \xc3\x91"
	                              "and\xc3\xba"));
	/* Unicode case: Zoë = ZOË, composed or not */
	assert_true(privacy_same_name("Zo\xc3\xab", "ZO\xc3\x8b"));
	assert_true(privacy_same_name("Zoe\xcc\x88", "ZO\xc3\x8b"));
	assert_true(privacy_same_name("STRA\xc3\x9f"
	                              "E",
	                              "strasse"));                             /* ß folds to ss */
	assert_true(privacy_same_name("Ada\xc2\xa0Lovelace", "ada lovelace")); /* no-break space */
	assert_true(privacy_same_name("Ada  LOVELACE", " ada lovelace"));
	assert_false(privacy_same_name("Ada", "Ada L"));
	assert_false(privacy_same_name("", ""));
	assert_false(privacy_same_name(NULL, "Ada"));
	assert_true(privacy_same_phone("+1 (415) 555-0100", "+1 415 555 0100", NULL));
	assert_false(
	    privacy_same_phone("12345", "12345", NULL)); /* too few digits to prove anything */
	assert_false(privacy_same_phone(NULL, "+1 415 555 0100", NULL));
	assert_false(privacy_same_phone("+1 415 555 0100", "+1 415 555 0101", "US"));
}

/* Phone numbers by their national significant digits, not their spelling. */
static void
test_phone_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b, *country;
		bool same;
	} cases[] = {
	    {"07700 900123", "+44 7700 900123", "GB", true},
	    {"07700 900123", "+44 (0)7700 900123", "GB", true},
	    {"07700 900123", "0044 7700 900123", "GB", true},
	    {"+44 7700 900123", "+44 (0) 7700-900-123", NULL, true},
	    {"07700 900123", "+44 7700 900123", NULL,
	     true}, /* a leading 0: the usual trunk prefix */
	    {"07700 900123", "+33 7700 900123", "GB", false}, /* another country */
	    {"07700 900123", "+44 7700 900124", "GB", false},
	    {"(415) 555-0100", "+1 415 555 0100", "US", true},
	    {"1 415 555 0100", "+1-415-555-0100", "US", true},
	    {"011 44 7700 900123", "07700 900123", "US",
	     false}, /* read in the US: not a US number */
	    {"011 44 7700 900123", "+44 7700 900123", "US", true},
	    {"06 12 34 56 78", "+33 6 12 34 56 78", "FR", true},
	    {"0612345678", "+33612345678", "FR", true},
	    {"06 1234 5678", "+36 1 234 5678", "HU", true},   /* Hungary's trunk prefix is 06 */
	    {"02 1234 5678", "+39 02 1234 5678", "IT", true}, /* Italy keeps its 0 */
	    {"+39 02 1234 5678", "+39 2 1234 5678", NULL, false},
	    {"8 912 345 67 89", "+7 912 345 67 89", "RU", true},
	    {"+44 7700 900123", "+44 7700 900123", "ZZ", true},
	    {"+999 1234 5678", "+999 1234 5678", NULL,
	     true}, /* a code not in the table: all digits */
	    {"123456789012345678901234567890123456789012", "1", NULL, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (phone_same(cases[i].a, cases[i].b, cases[i].country) != cases[i].same ||
		    phone_same(cases[i].b, cases[i].a, cases[i].country) != cases[i].same)
			fail_msg("case %zu: %s / %s in %s should %s", i, cases[i].a, cases[i].b,
			         cases[i].country ? cases[i].country : "?",
			         cases[i].same ? "match" : "differ");
}

/* One fold for addresses: ASCII as plain lower case (old keys stay), Unicode by libunistring. */
static void
test_folding(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Ada.Lovelace+Jobs@Example.COM", "ada.lovelace+jobs@example.com"},
	    {"\xc3\x89lodie@Example.com", "\xc3\xa9lodie@example.com"},  /* Élodie */
	    {"E\xcc\x81lodie@example.com", "\xc3\xa9lodie@example.com"}, /* É decomposed: NFC */
	    {"ZO\xc3\x8b@x.example", "zo\xc3\xab@x.example"},
	    {"\xce\x9f\xce\xa3@x.example", "\xce\xbf\xcf\x83@x.example"}, /* ΟΣ -> οσ */
	    {"STRA\xc3\x9f"
	     "E@x.example",
	     "strasse@x.example"},
	    {"\xd0\x90\xd0\x91@x.example", "\xd0\xb0\xd0\xb1@x.example"}, /* АБ -> аб */
	    {"not-utf8-\xff-ABC", "not-utf8-\xff-abc"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *f = fold_email(cases[i].in);
		if (strcmp(f, cases[i].want) != 0)
			fail_msg("case %zu folded wrong", i);
		free(f);
	}
	char *t = fold_text("  Zo\xc3\xab \t  SMITH  ");
	assert_string_equal(t, "zo\xc3\xab smith");
	free(t);
	assert_true(fold_text_equal("\xef\xbc\xa1"
	                            "da",
	                            "ada")); /* fullwidth Ａ: NFKC */
	assert_false(fold_text_equal(NULL, NULL));
	/* one key is not one mailbox: what full folding merges beyond case stays apart */
	assert_true(fold_same_mailbox("\xc3\x89lodie@Example.com", "e\xcc\x81lodie@example.com"));
	assert_true(fold_same_mailbox("STRA\xe1\xba\x9e"
	                              "E@x.example", /* capital sharp s */
	                              "stra\xc3\x9f"
	                              "e@x.example"));
	assert_false(fold_same_mailbox("stra\xc3\x9f"
	                               "e@x.example",
	                               "strasse@x.example"));
	assert_false(fold_same_mailbox("a@stra\xc3\x9f"
	                               "e.example",
	                               "a@strasse.example"));
	assert_false(fold_same_mailbox("\xef\xac\x80@x.example", "ff@x.example")); /* ligature */
	assert_true(fold_same_mailbox("Ada@Example.COM", "ada@example.com"));
	assert_false(fold_same_mailbox("ada@example.com", "bob@example.com"));
	assert_false(fold_same_mailbox(NULL, "ada@example.com"));
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
	    cmocka_unit_test(test_zones),
	    cmocka_unit_test(test_deadlines_across_summer_time),
	    cmocka_unit_test(test_masking_and_matching),
	    cmocka_unit_test(test_phone_numbers),
	    cmocka_unit_test(test_folding),
	    cmocka_unit_test(test_what_each_type_needs),
	};
	return cmocka_run_group_tests_name("unit privacy", tests, NULL, NULL);
}
