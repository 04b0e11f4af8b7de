/*
 * API: a privacy request from someone who was hired. Their recruitment
 * record moved into the employee archive, so no applicant has their
 * address any more; they are never told "we hold no record". What kinds
 * of data are held is answered from the archive; a copy, a deletion or a
 * correction goes to HR in progress, naming the employee and saying why.
 * A stranger's address still ends no_record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "store/vault.h"

static char *opening;
static int seq;

/* Someone applied, offered and hired: their address and employee id (new strings). */
static void
hired_person(char **email, char **employee)
{
	struct applied a = apply_confirmed(opening, "Hedda Hired", "hired", "Hedda Hired\nCV\n", 15,
	                                   "cv.txt", NULL);
	char *path = xasprintf("/v1/applications/%s/transitions", a.application);
	struct resp *r = http_json("POST", path, staff.recruiter, "{\"to\":\"offer\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(path);
	path = xasprintf("/v1/applications/%s/hire", a.application);
	char *body = xasprintf("{\"start_date\":\"2027-02-01\",\"employee_number\":\"HR-%d-%d\"}",
	                       (int)getpid(), ++seq);
	r = http_json("POST", path, staff.hr, body);
	if (r->status != 201)
		fail_msg("hire: %ld %s", r->status, r->body);
	*employee = xstrdup(sget(r->json, "employee_id"));
	*email = xstrdup(a.email);
	resp_free(r);
	free(body);
	free(path);
	applied_free(&a);
}

/* Ask anonymously, follow the link, confirm (with a declaration for a copy): the answer. */
static struct resp *
ask_and_confirm(const char *type, const char *email)
{
	char *body = xasprintf("{\"type\":\"%s\",\"email\":\"%s\"}", type, email);
	struct resp *r = http_json("POST", "/v1/privacy-requests", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(body);
	char *code = mail_code(email, "/privacy");
	assert_non_null(code);
	body = strcmp(type, "know_specific") == 0
	           ? xasprintf("{\"code\":\"%s\",\"full_name\":\"Hedda Hired\",\"phone\":"
	                       "\"+1 415 555 0100\",\"declaration\":"
	                       "{\"signed_name\":\"Hedda Hired\",\"accepted\":true}}",
	                       code)
	           : xasprintf("{\"code\":\"%s\"}", code);
	r = http_json("POST", "/v1/privacy-requests/verifications", NULL, body);
	free(body);
	free(code);
	return r;
}

static void
test_what_is_held(void **state)
{
	(void)state;
	char *email, *employee;
	hired_person(&email, &employee);
	struct resp *r = ask_and_confirm("know_categories", email);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled"); /* never no_record */
	assert_string_equal(sget(json_object_get(r->json, "subject"), "employee_id"), employee);
	json_t *cats = json_object_get(r->json, "categories");
	assert_true(json_array_size(cats) >= 3);
	assert_non_null(strstr(sget(json_array_get(cats, 0), "retention"), "employee file"));
	resp_free(r);
	/* the e-mail says so too, and not that nothing is held */
	char *mail = mail_find(email, "employee file");
	assert_non_null(mail);
	assert_null(strstr(mail, "no record"));
	free(mail);
	free(email);
	free(employee);
}

/* A copy and a deletion: HR's, in progress, with the reason, and nothing of the archive goes. */
static void
test_copy_and_deletion_go_to_hr(void **state)
{
	(void)state;
	char *email, *employee;
	hired_person(&email, &employee);
	static const char *const types[] = {"know_specific", "delete"};
	for (size_t i = 0; i < 2; i++) {
		struct resp *r = ask_and_confirm(types[i], email);
		assert_int_equal(r->status, 200);
		assert_string_equal(sget(r->json, "status"), "in_progress");
		assert_true(json_is_null(json_object_get(r->json, "outcome")));
		assert_non_null(strstr(sget(r->json, "status_reason"), "employee file"));
		assert_string_equal(sget(json_object_get(r->json, "subject"), "employee_id"),
		                    employee);
		char *id = xstrdup(sget(r->json, "id"));
		resp_free(r);
		/* HR sees it waiting on them, with the reason */
		char *path = xasprintf("/v1/privacy-requests/%s", id);
		r = http_json("GET", path, staff.hr, NULL);
		assert_int_equal(r->status, 200);
		assert_string_equal(sget(r->json, "status"), "in_progress");
		assert_non_null(sget(r->json, "status_reason"));
		resp_free(r);
		/* and answers it from the archive */
		char *done = xasprintf("/v1/privacy-requests/%s/completion", id);
		r = http_json(
		    "POST", done, staff.hr,
		    "{\"outcome\":\"fulfilled\",\"detail\":\"Sent from your employee file.\"}");
		assert_int_equal(r->status, 200);
		assert_string_equal(sget(r->json, "status"), "completed");
		resp_free(r);
		free(done);
		free(path);
		free(id);
	}
	char *path = xasprintf("/v1/employees/%s", employee);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200); /* nothing deleted by the request itself */
	resp_free(r);
	free(path);
	free(email);
	free(employee);
}

static void
test_stranger_still_no_record(void **state)
{
	(void)state;
	char *email = unique_email("stranger");
	struct resp *r = ask_and_confirm("know_categories", email);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "outcome"), "no_record");
	assert_true(
	    json_is_null(json_object_get(json_object_get(r->json, "subject"), "employee_id")));
	resp_free(r);
	free(email);
}

/*
 * The employee's address hash is keyed from the keyring: what the main
 * database holds (its secret included) cannot confirm the address. A hash
 * made before migration 0076 still finds the employee, and `recruitctl keys
 * seal-existing` wraps it into the keyed form.
 */
#define INNER                                                                                      \
	"encode(sha256((SELECT secret FROM server_secrets WHERE name = 'employee-contact') || "    \
	"convert_to(lower($1), 'UTF8')), 'hex')"

static void
test_address_hash_keyed_from_keyring(void **state)
{
	(void)state;
	char *email, *employee;
	hired_person(&email, &employee);
	char *inner = db_value("SELECT " INNER, email);
	char *msg = xasprintf("employee-contact\n%s", inner), want[65];
	(void)harness_store();
	vault_suppression_hash(msg, want);
	char *by_id = xasprintf("SELECT contact_hmac FROM employees WHERE id = '%s'", employee);
	expect_db_value(by_id, NULL, want);
	expect_db_value("SELECT count(*) FROM employees WHERE contact_hmac = " INNER, email, "0");

	/* as before migration 0076: found by the hash of before */
	char *legacy = xasprintf("UPDATE employees SET contact_hmac = NULL, contact_key = %s "
	                         "WHERE id = '%s' RETURNING 1",
	                         INNER, employee);
	free(db_value(legacy, email));
	struct resp *r = ask_and_confirm("know_categories", email);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_object_get(r->json, "subject"), "employee_id"), employee);
	resp_free(r);
	assert_int_equal(
	    shell("%s keys seal-existing >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	expect_db_value(by_id, NULL, want);
	char *left = xasprintf("SELECT count(*) FROM employees WHERE id = '%s' AND contact_key IS "
	                       "NOT NULL",
	                       employee);
	expect_db_value(left, NULL, "0");
	r = ask_and_confirm("know_categories", email);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_object_get(r->json, "subject"), "employee_id"), employee);
	resp_free(r);
	free(left);
	free(legacy);
	free(by_id);
	free(msg);
	free(inner);
	free(email);
	free(employee);
}

/*
 * Hired, and on record as an applicant again with the same address (they
 * applied again, or a recruiter entered them): a request names both records.
 * What is held is answered from both; a copy, a deletion or a correction goes
 * to HR, and nothing of either record is deleted by the request itself.
 */

/* The person hired applies again with the same address: the new record and its session. */
static void
apply_again(const char *email, char **applicant, char **token)
{
	static const char resume[] = "Hedda Hired\nCV again\n";
	struct part parts[] = {
	    {.name = "full_name", .value = "Hedda Hired"},
	    {.name = "email", .value = email},
	    {.name = "phone", .value = "+1 415 555 0100"},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = resume, .len = sizeof(resume) - 1, .filename = "cv.txt"},
	    {.name = NULL}};
	struct resp *r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(email, "/apply/confirm");
	assert_non_null(code);
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	*applicant = xstrdup(sget(r->json, "applicant_id"));
	*token = xstrdup(sget(r->json, "applicant_token"));
	resp_free(r);
	free(code);
}

/* A recruiter enters the person hired again, with the same address: the new record's id. */
static char *
entered_again(const char *email)
{
	char *body = xasprintf("{\"full_name\":\"Hedda Hired\",\"email\":\"%s\","
	                       "\"phone\":\"+1 415 555 0100\"}",
	                       email);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	if (r->status != 201)
		fail_msg("enter again: %ld %s", r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* The request names both records. */
static void
names_both(const json_t *request, const char *applicant, const char *employee)
{
	const json_t *subject = json_object_get(request, "subject");
	assert_string_equal(sget(subject, "applicant_id"), applicant);
	assert_string_equal(sget(subject, "employee_id"), employee);
}

/* Categories both from the recruitment record and from the employee file. */
static void
lists_both(const json_t *request)
{
	const json_t *cats = json_object_get(request, "categories"), *c;
	size_t i, in_file = 0;
	json_array_foreach(cats, i, c) in_file +=
	    strstr(sget(c, "retention"), "employee file") != NULL;
	assert_true(in_file >= 3);                         /* the employee file's */
	assert_true(json_array_size(cats) >= in_file + 2); /* and the record's */
}

static void
test_rehired_what_is_held(void **state)
{
	(void)state;
	char *email, *employee, *applicant, *token;
	hired_person(&email, &employee);
	apply_again(email, &applicant, &token);
	struct resp *r = ask_and_confirm("know_categories", email);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	names_both(r->json, applicant, employee);
	lists_both(r->json);
	resp_free(r);
	/* the e-mail names the employee file as well as the record */
	char *mail = mail_find(email, "employee file");
	assert_non_null(mail);
	assert_non_null(strstr(mail, "resumes and other documents"));
	assert_non_null(strstr(mail, "recruitment record"));
	free(mail);
	free(applicant);
	free(token);
	free(email);
	free(employee);
}

/* HR sees request id waiting on them, naming both records, with the reason and the event. */
static void
waits_on_hr(const char *id, const char *applicant, const char *employee)
{
	char *path = xasprintf("/v1/privacy-requests/%s", id);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "in_progress");
	assert_non_null(strstr(sget(r->json, "status_reason"), "employee file"));
	names_both(r->json, applicant, employee);
	resp_free(r);
	free(path);
	expect_db_value("SELECT count(*) FROM privacy_request_events WHERE request_id = $1 "
	                "AND event = 'for_hr'",
	                id, "1");
}

/* A copy and a deletion: HR's, naming both records; the deletion erases nothing meanwhile. */
static void
test_rehired_copy_and_deletion_go_to_hr(void **state)
{
	(void)state;
	char *email, *employee;
	hired_person(&email, &employee);
	char *applicant = entered_again(email);
	static const char *const types[] = {"know_specific", "delete"};
	for (size_t i = 0; i < 2; i++) {
		struct resp *r = ask_and_confirm(types[i], email);
		assert_int_equal(r->status, 200);
		assert_string_equal(sget(r->json, "status"), "in_progress");
		assert_true(json_is_null(json_object_get(r->json, "outcome")));
		assert_true(json_is_null(json_object_get(r->json, "export")));
		assert_non_null(strstr(sget(r->json, "status_reason"), "employee file"));
		names_both(r->json, applicant, employee);
		char *id = xstrdup(sget(r->json, "id"));
		resp_free(r);
		waits_on_hr(id, applicant, employee);
		free(id);
	}
	/* while HR decides, both records are there, the applicant's not restricted either */
	char *path = xasprintf("/v1/applicants/%s", applicant);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(path);
	path = xasprintf("/v1/employees/%s", employee);
	r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(path);
	free(applicant);
	free(email);
	free(employee);
}

/* Signed in on the new record's page: the same answers. */
static void
test_rehired_own_requests(void **state)
{
	(void)state;
	char *email, *employee, *applicant, *token;
	hired_person(&email, &employee);
	apply_again(email, &applicant, &token);
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", token, "{\"type\":\"know_categories\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	names_both(r->json, applicant, employee);
	lists_both(r->json);
	resp_free(r);
	static const char *const asks[] = {
	    "{\"type\":\"delete\"}",
	    "{\"type\":\"correct\",\"corrections\":[{\"field\":\"phone\",\"value\":"
	    "\"+1 415 555 0199\"}]}"};
	for (size_t i = 0; i < 2; i++) {
		r = http_json("POST", "/v1/me/privacy-requests", token, asks[i]);
		assert_int_equal(r->status, 201);
		assert_string_equal(sget(r->json, "status"), "in_progress");
		assert_non_null(strstr(sget(r->json, "status_reason"), "employee file"));
		names_both(r->json, applicant, employee);
		resp_free(r);
	}
	/* the record is still there, as it was: HR makes the correction in both */
	r = http_json("GET", "/v1/me", token, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "phone"), "+1 415 555 0100");
	resp_free(r);
	free(applicant);
	free(token);
	free(email);
	free(employee);
}

static int
setup(void **state)
{
	api_start(state);
	struct resp *r =
	    http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"Hired Role\",\"country\":\"US\",\"region\":\"NY\"}");
	assert_int_equal(r->status, 201);
	opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_what_is_held),
	    cmocka_unit_test(test_copy_and_deletion_go_to_hr),
	    cmocka_unit_test(test_stranger_still_no_record),
	    cmocka_unit_test(test_address_hash_keyed_from_keyring),
	    cmocka_unit_test(test_rehired_what_is_held),
	    cmocka_unit_test(test_rehired_copy_and_deletion_go_to_hr),
	    cmocka_unit_test(test_rehired_own_requests),
	};
	return cmocka_run_group_tests_name("api hired", tests, setup, teardown);
}
