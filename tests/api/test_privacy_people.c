/*
 * API: privacy requests as real people make them. An address that is not
 * ASCII on every intake channel (masked by code point, found however its
 * case is written, and still found when its record was stored under the
 * fold used before); a correction in the person's own words; a British
 * number written two ways; a request whose link is never followed, denied
 * as unverifiable (by the purge run, when read, or by HR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fixtures.h"
#include "core/digest.h"
#include "core/xalloc.h"
#include "domain/search.h"
#include "harness.h"
#include "store/vault.h"

static char *opening, *london;
static struct blob pdf;

static struct resp *
public_request(const char *type, const char *email, const char *extra)
{
	char *body = xasprintf("{\"type\":\"%s\",\"email\":\"%s\"%s%s}", type, email,
	                       extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/privacy-requests", NULL, body);
	free(body);
	return r;
}

static struct resp *
verify_with(const char *code, const char *extra)
{
	char *body = xasprintf("{\"code\":\"%s\"%s%s}", code, extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/privacy-requests/verifications", NULL, body);
	free(body);
	return r;
}

/* "élodie." + a unique address, and the same with its first letter in capitals ("Élodie."). */
static void
accented(const char *tag, char **lower, char **upper)
{
	char *u = unique_email(tag);
	*lower = xasprintf("\xc3\xa9lodie.%s", u);
	*upper = xasprintf("\xc3\x89LODIE.%s", u);
	forbid_in_log(*lower);
	forbid_in_log(*upper);
	free(u);
}

/* Apply as email (a staff-made record is simpler, but the public door is the one people use). */
static char *
staff_record(const char *name, const char *email, const char *extra)
{
	char *body = xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\"%s%s}", name, email,
	                       extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	if (r->status != 201)
		fail_msg("create: %ld %s", r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	forbid_in_log(name);
	return id;
}

static void
test_an_address_that_is_not_ascii(void **state)
{
	(void)state;
	char *lower, *upper;
	accented("intl", &lower, &upper);
	char *id = staff_record("\xc3\x89lodie Durand", lower, NULL);
	/* public intake, written in capitals: taken in, masked by whole characters */
	struct resp *r = public_request("know_categories", upper, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *rid = request_of_contact(upper);
	assert_non_null(rid);
	expect_db_value("SELECT email_masked FROM privacy_requests r WHERE r.id = $1", rid,
	                "\xc3\x89***@example.com");
	free(rid);
	char *code = mail_code(upper, "/privacy");
	assert_non_null(code);
	r = verify_with(code, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_object_get(r->json, "subject"), "applicant_id"), id);
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	resp_free(r);
	free(code);
	/* opt-out (no link): the record is found and the suppression covers every spelling */
	r = public_request("opt_out", upper, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *path = xasprintf("/v1/applicants/%s", id);
	r = http_json("PATCH", path, staff.recruiter, "{\"marketing_opt_in\":true}");
	assert_problem(r, 422, "validation-error");
	resp_free(r);
	/* HR's intake and the applicant's own */
	char *hr = xasprintf(
	    "{\"type\":\"know_categories\",\"channel\":\"email\",\"email\":\"%s\"}", lower);
	r = http_json("POST", "/v1/privacy-requests", staff.hr, hr);
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(json_object_get(r->json, "subject"), "email_masked"),
	                    "\xc3\xa9***@example.com");
	resp_free(r);
	/* sign-in with either spelling reaches the record */
	char *body = xasprintf("{\"email\":\"%s\"}", upper);
	r = http_json("POST", "/v1/me/sign-in", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(body);
	char *signin = mail_code(upper, "/me");
	assert_non_null(signin);
	r = post_code("/v1/me/sessions", signin, NULL);
	assert_int_equal(r->status, 201);
	char *token = xstrdup(sget(r->json, "applicant_token"));
	resp_free(r);
	r = http_json("POST", "/v1/me/privacy-requests", token, "{\"type\":\"know_categories\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(json_object_get(r->json, "subject"), "email_masked"),
	                    "\xc3\xa9***@example.com");
	resp_free(r);
	free(token);
	free(signin);
	free(hr);
	free(path);
	free(id);
	free(lower);
	free(upper);
}

/*
 * A record stored before core/fold.h, whose address folded otherwise then
 * ("ß" kept by the locale's towlower; the current fold makes it "ss"), is
 * still found by its address.
 */
static void
test_an_address_stored_under_the_old_fold(void **state)
{
	(void)state;
	char *u = unique_email("fold");
	char *email = xasprintf("stra\xc3\x9f"
	                        "e.%s",
	                        u);
	forbid_in_log(email);
	char *id = staff_record("Gro\xc3\x9f Stra\xc3\x9f"
	                        "e",
	                        email, NULL);
	/* what the store wrote before: HMAC of search_fold's form (it keeps the ß) */
	(void)harness_store();
	char *before = search_fold(email);
	unsigned char h[32];
	char sets[2][VAULT_INDEX_ID_LEN];
	assert_true(vault_index_sets(sets) >= 1);
	assert_int_equal(vault_index_hash_of(sets[0], before, strlen(before), h), 0);
	char hex[2 * 32 + 3] = "\\x";
	hex_encode(h, sizeof(h), hex + 2);
	char *sql = xasprintf("UPDATE applicants SET email_hash = '%s'::bytea WHERE id = $1", hex);
	db_exec_sql(sql, id);
	free(sql);
	free(before);
	/* found: a sign-in link, and a privacy request answered for the record */
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	struct resp *r = http_json("POST", "/v1/me/sign-in", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(body);
	expect_db_value("SELECT count(*) FROM sign_in_codes WHERE applicant_id = $1", id, "1");
	r = public_request("know_categories", email, NULL);
	resp_free(r);
	char *code = mail_code(email, "/privacy");
	r = verify_with(code, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_object_get(r->json, "subject"), "applicant_id"), id);
	resp_free(r);
	/* and another record for the same address is refused as a duplicate */
	body = xasprintf("{\"full_name\":\"Twin\",\"email\":\"%s\"}", email);
	r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_problem(r, 409, "duplicate-email");
	resp_free(r);
	free(body);
	free(code);
	free(id);
	free(email);
	free(u);
}

/* A correction described in the person's own words goes to HR once verified. */
static void
test_a_correction_in_words(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Wor Ds", "inwords", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = public_request(
	    "correct", a.email, "\"details\":\"My surname is misspelt on the interview notes.\"");
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(a.email, "/privacy");
	r = verify_with(code, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "in_progress");
	resp_free(r);
	/* from the applicant's page too */
	r = http_json("POST", "/v1/me/privacy-requests", a.token,
	              "{\"type\":\"correct\",\"details\":\"The start date I gave is wrong.\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(r->json, "status"), "in_progress");
	resp_free(r);
	r = http_json("GET", "/v1/privacy-requests?status=in_progress&type=correct&limit=200",
	              staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_array_size(json_object_get(r->json, "items")) >= 2);
	resp_free(r);
	/* corrections on the verification of another type are refused, and change nothing */
	r = public_request("know_categories", a.email, NULL);
	resp_free(r);
	free(code);
	code = mail_code(a.email, "/privacy");
	r = verify_with(code,
	                "\"corrections\":[{\"field\":\"phone\",\"value\":\"+1 212 555 0100\"}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "corrections");
	resp_free(r);
	r = verify_with(code, NULL);
	assert_int_equal(r->status, 200); /* the code was not used up */
	resp_free(r);
	free(code);
	applied_free(&a);
}

/* A British number on the record, written the other way in the verification. */
static void
test_phone_numbers_by_their_digits(void **state)
{
	(void)state;
	char *email = unique_email("uk");
	char *id = staff_record("Brit Ish", email,
	                        "\"phone\":\"07700 900123\",\"address\":{\"city\":\"London\","
	                        "\"country\":\"GB\"}");
	struct resp *r = public_request("know_specific", email, NULL);
	resp_free(r);
	char *code = mail_code(email, "/privacy");
	r = verify_with(code, "\"full_name\":\"BRIT ISH\",\"phone\":\"+44 7700 900123\","
	                      "\"declaration\":{\"signed_name\":\"Brit Ish\",\"accepted\":true}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "completed");
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(r->json, "verification"), "data_points_matched")),
	                 2);
	resp_free(r);
	free(code);
	/* no address: the country of the opening applied to */
	struct applied a =
	    apply_confirmed(london, "Lon Don", "ukopening", pdf.data, pdf.len, NULL, NULL);
	char *path = xasprintf("/v1/applicants/%s", a.applicant);
	r = http_json("PATCH", path, staff.hr, "{\"phone\":\"020 7946 0000\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = public_request("know_specific", a.email, NULL);
	resp_free(r);
	code = mail_code(a.email, "/privacy");
	r = verify_with(code, "\"full_name\":\"Lon Don\",\"phone\":\"+44 20 7946 0000\","
	                      "\"declaration\":{\"signed_name\":\"Lon Don\",\"accepted\":true}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "completed");
	resp_free(r);
	free(code);
	free(path);
	applied_free(&a);
	free(id);
	free(email);
}

/* The request's id, from its contact address (before verification it has no applicant). */
static char *
request_of(const char *email)
{
	return request_of_contact(email);
}

static void
test_unverified_requests_end(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Never Clicked", "unverified", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = public_request("delete", a.email, NULL);
	resp_free(r);
	char *id = request_of(a.email);
	assert_non_null(id);
	char *path = xasprintf("/v1/privacy-requests/%s", id);
	/* HR cannot complete it as done, but may deny it */
	char *completion = xasprintf("%s/completion", path);
	r = http_json("POST", completion, staff.hr, "{\"outcome\":\"fulfilled\"}");
	assert_problem(r, 409, "not-in-progress");
	resp_free(r);
	r = http_json("POST", completion, staff.hr,
	              "{\"outcome\":\"denied\",\"detail\":\"We could not verify the request.\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "denied");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM privacy_request_contacts WHERE request_id = $1", id,
	                "0");
	/* its link expired: denied when read */
	r = public_request("delete", a.email, NULL);
	resp_free(r);
	char *id2 = request_of(a.email);
	db_exec_sql("UPDATE privacy_verifications SET expires_at = now() - interval '1 second' "
	            "WHERE request_id = $1",
	            id2);
	char *path2 = xasprintf("/v1/privacy-requests/%s", id2);
	r = http_json("GET", path2, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "denied");
	assert_string_equal(sget(r->json, "outcome"), "denied");
	assert_false(json_is_true(json_object_get(r->json, "overdue")));
	resp_free(r);
	expect_db_value("SELECT string_agg(event, ',' ORDER BY at) FROM privacy_request_events "
	                "WHERE request_id = $1",
	                id2, "received,verification_sent,verification_expired,denied");
	expect_db_value("SELECT count(*) FROM privacy_request_contacts WHERE request_id = $1", id2,
	                "0");
	/* and by the purge run, which counts them */
	r = public_request("know_categories", a.email, NULL);
	resp_free(r);
	char *id3 = request_of(a.email);
	db_exec_sql("UPDATE privacy_verifications SET expires_at = now() - interval '1 second' "
	            "WHERE request_id = $1",
	            id3);
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":true}");
	assert_true(json_integer_value(json_object_get(json_object_get(r->json, "swept"),
	                                               "privacy_requests_unverified")) >= 1);
	resp_free(r);
	expect_db_value("SELECT status FROM privacy_requests WHERE id = $1", id3,
	                "awaiting_verification"); /* a dry run changes nothing */
	r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	assert_true(json_integer_value(json_object_get(json_object_get(r->json, "swept"),
	                                               "privacy_requests_unverified")) >= 1);
	resp_free(r);
	expect_db_value("SELECT status || '/' || outcome FROM privacy_requests WHERE id = $1", id3,
	                "denied/denied");
	/* gone from the open ones in the metrics */
	r = http_json("GET", "/v1/privacy-requests?status=awaiting_verification&limit=200",
	              staff.hr, NULL);
	assert_null(strstr(r->body, id3));
	resp_free(r);
	free(id3);
	free(path2);
	free(id2);
	free(completion);
	free(path);
	free(id);
	applied_free(&a);
}

/*
 * An extension whose letter cannot be queued is not made: the answer is no
 * 2xx, the request is as it was, and HR's retry extends it (not 409 as if
 * the first had counted). The outbox refuses this applicant's extension
 * letter by a constraint added for the test.
 */
static void
test_extension_undone_when_its_letter_fails(void **state)
{
	(void)state;
	char *applicant = new_staff_applicant("extfail", "Ext Ension");
	char *body = xasprintf("{\"type\":\"delete\",\"channel\":\"phone\",\"applicant_id\":"
	                       "\"%s\"}",
	                       applicant);
	struct resp *r = http_json("POST", "/v1/privacy-requests", staff.hr, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *path = xasprintf("/v1/privacy-requests/%s/extension", id);
	char *add = xasprintf("ALTER TABLE mail_outbox ADD CONSTRAINT test_refuse_extension CHECK "
	                      "(kind <> 'privacy_extension' OR applicant_id IS DISTINCT FROM "
	                      "'%s') NOT VALID",
	                      applicant);
	db_exec_sql("ALTER TABLE mail_outbox DROP CONSTRAINT IF EXISTS test_refuse_extension",
	            NULL);
	db_exec_sql(add, NULL);
	r = http_json("POST", path, staff.hr, "{\"reason\":\"The records are off site.\"}");
	db_exec_sql("ALTER TABLE mail_outbox DROP CONSTRAINT test_refuse_extension", NULL);
	if (r->status >= 200 && r->status < 300)
		fail_msg("an extension whose letter failed answered %ld", r->status);
	resp_free(r);
	expect_db_value(
	    "SELECT (extended_due_at IS NULL)::text FROM privacy_requests WHERE id = $1", id,
	    "true");
	r = http_json("POST", path, staff.hr, "{\"reason\":\"The records are off site.\"}");
	assert_int_equal(r->status, 200);
	assert_non_null(sget(r->json, "extended_due_at"));
	resp_free(r);
	free(add);
	free(path);
	free(id);
	free(body);
	free(applicant);
}

static int
setup(void **state)
{
	(void)state;
	api_start(state);
	pdf = fixture_pdf(2000);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Privacy People\",\"country\":\"US\"}");
	assert_int_equal(r->status, 201);
	opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"London Desk\",\"country\":\"GB\"}");
	assert_int_equal(r->status, 201);
	london = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(london);
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_an_address_that_is_not_ascii),
	    cmocka_unit_test(test_an_address_stored_under_the_old_fold),
	    cmocka_unit_test(test_a_correction_in_words),
	    cmocka_unit_test(test_phone_numbers_by_their_digits),
	    cmocka_unit_test(test_unverified_requests_end),
	    cmocka_unit_test(test_extension_undone_when_its_letter_fails),
	};
	return cmocka_run_group_tests_name("api privacy people", tests, setup, teardown);
}
