/*
 * API: what a restricted record refuses (issue 24, items 0 and 3), an erased address that a
 * patch cannot bring back, and answers that say what is really wrong: every field error of
 * the retention policies at once, a move to hired that names the hire, a score out of range
 * that is not "required".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

static struct blob pdf;
static char *california, *iceland, *elsewhere;

static char *
new_opening(const char *json)
{
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, json);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return id;
}

/* The applicant deletes their own data, signed in: the answer's outcome. */
static char *
delete_own(const struct applied *a)
{
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", a->token, "{\"type\":\"delete\"}");
	assert_int_equal(r->status, 201);
	char *outcome = xstrdup(sget(r->json, "outcome"));
	resp_free(r);
	return outcome;
}

/* A Californian's record, restricted by their own deletion request under the four-year floor. */
static struct applied
restricted_applicant(const char *tag)
{
	struct applied a =
	    apply_confirmed(california, "Rest Ricted", tag, pdf.data, pdf.len, NULL, NULL);
	char *outcome = delete_own(&a);
	assert_string_equal(outcome, "partially_fulfilled");
	free(outcome);
	char *restricted = db_value(
	    "SELECT (restricted_at IS NOT NULL)::text FROM applicants WHERE id = $1", a.applicant);
	assert_string_equal(restricted, "true");
	free(restricted);
	return a;
}

static void
test_restricted_takes_no_application(void **state)
{
	(void)state;
	struct applied a = restricted_applicant("noapp");
	char *path = xasprintf("/v1/applicants/%s/applications", a.applicant);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", elsewhere);
	/* a recruiter may not learn the record exists */
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("POST", path, staff.hr, body);
	assert_problem(r, 409, "restricted");
	resp_free(r);
	/* the person's own new application through the careers page: told, not added */
	struct part parts[] = {
	    {.name = "full_name", .value = "Rest Ricted"},
	    {.name = "email", .value = a.email},
	    {.name = "opening_id", .value = elsewhere},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(a.email, "/apply/confirm");
	assert_non_null(code);
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_problem(r, 409, "restricted");
	resp_free(r);
	/* nothing open: the purge that ends the restriction is not blocked */
	expect_db_value(
	    "SELECT count(*) FROM applications WHERE applicant_id = $1 AND stage NOT IN "
	    "('hired', 'rejected', 'withdrawn')",
	    a.applicant, "0");
	free(code);
	free(body);
	free(path);
	applied_free(&a);
}

static void
test_restricted_takes_no_document_or_evaluation(void **state)
{
	(void)state;
	struct applied a = restricted_applicant("nodoc");
	char *docs = xasprintf("/v1/applicants/%s/documents", a.applicant);
	struct part file[] = {
	    {.name = "file", .data = "Dear team\n", .len = 10, .filename = "letter.txt"},
	    {.name = "kind", .value = "cover_letter"},
	    {.name = NULL}};
	struct resp *r = http_form("POST", docs, staff.recruiter, file, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_form("POST", docs, staff.hr, file, NULL);
	assert_problem(r, 409, "restricted");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", a.applicant, "1");
	char *evals = xasprintf("/v1/applications/%s/evaluations", a.application);
	r = http_json("POST", evals, staff.hr, "{\"score\":3,\"summary\":\"after the fact\"}");
	assert_problem(r, 409, "restricted");
	resp_free(r);
	r = http_json("POST", evals, staff.recruiter,
	              "{\"score\":3,\"summary\":\"after the fact\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* a recruiter may not learn that it exists by changing it (HR may correct it) */
	char *record = xasprintf("/v1/applicants/%s", a.applicant);
	r = http_json("PATCH", record, staff.recruiter, "{\"job_title\":\"After the fact\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(record);
	/* the person's own read of it: only HR reads a restricted record (their page says so) */
	r = http("GET", "/v1/me", a.token, NULL, NULL, NULL);
	if (r->status != 401)
		assert_problem(r, 404, "not-found");
	resp_free(r);
	/* and the applicant's own upload */
	struct part mine[] = {
	    {.name = "file", .data = pdf.data, .len = pdf.len, .filename = "new.pdf"},
	    {.name = NULL}};
	r = http_form("POST", "/v1/me/documents", a.token, mine, NULL);
	if (r->status != 401) /* a session the erasure ended is as good a refusal */
		assert_problem(r, 409, "restricted");
	resp_free(r);
	/* nor can the person remove what the floor keeps (the resume the law says to keep) */
	char *doc = db_value("SELECT id FROM documents WHERE applicant_id = $1", a.applicant);
	char *own = xasprintf("/v1/me/documents/%s", doc);
	r = http("DELETE", own, a.token, NULL, NULL, NULL);
	if (r->status != 401)
		assert_problem(r, 409, "restricted");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", a.applicant, "1");
	free(own);
	free(doc);
	expect_db_value("SELECT count(*) FROM evaluations e JOIN applications p ON p.id = "
	                "e.application_id WHERE p.applicant_id = $1",
	                a.applicant, "0");
	free(evals);
	free(docs);
	applied_free(&a);
}

/* An address erased on request cannot come back by a patch, as it cannot by a create. */
static void
test_patch_to_an_erased_address(void **state)
{
	(void)state;
	struct applied gone =
	    apply_confirmed(iceland, "Gone Person", "erased", pdf.data, pdf.len, NULL, NULL);
	char *outcome = delete_own(&gone);
	assert_string_equal(outcome, "fulfilled");
	free(outcome);
	char *other = new_staff_applicant("patcher", "Other Person");
	char *path = xasprintf("/v1/applicants/%s", other);
	char *body = xasprintf("{\"email\":\"%s\"}", gone.email);
	struct resp *r = http_json("PATCH", path, staff.recruiter, body);
	assert_problem(r, 409, "suppressed");
	resp_free(r);
	/* any case of it */
	char *upper = xstrdup(gone.email);
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	free(body);
	body = xasprintf("{\"email\":\"%s\"}", upper);
	r = http_json("PATCH", path, staff.hr, body);
	assert_problem(r, 409, "suppressed");
	resp_free(r);
	char *email = record_field(other, "email");
	assert_string_not_equal(email, gone.email);
	/* a patch that leaves the address alone is not judged by it */
	r = http_json("PATCH", path, staff.recruiter, "{\"job_title\":\"Welder\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(email);
	free(upper);
	free(body);
	free(path);
	free(other);
	applied_free(&gone);
}

/* Every field error of a policy set at once, the floors' too (not one pass after another). */
static void
test_policy_errors_at_once(void **state)
{
	(void)state;
	struct resp *r =
	    http_json("PUT", "/v1/retention/policies", staff.hr,
	              "[{\"outcome\":\"bogus\",\"country\":\"*\",\"retain_days\":30},"
	              "{\"outcome\":\"rejected\",\"country\":\"US\",\"retain_days\":10},"
	              "{\"outcome\":\"withdrawn\",\"country\":\"uk\",\"retain_days\":-1}]");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "[0].outcome");
	assert_field_error(r, "[1].retain_days"); /* below US's floor */
	assert_field_error(r, "[2].country");
	assert_field_error(r, "[2].retain_days");
	resp_free(r);
}

static void
test_answers_that_say_what_is_wrong(void **state)
{
	(void)state;
	char *who = new_staff_applicant("answers", "Ans Wer");
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", elsewhere);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *moves = xasprintf("/v1/applications/%s/transitions", sget(r->json, "id"));
	char *evals = xasprintf("/v1/applications/%s/evaluations", sget(r->json, "id"));
	resp_free(r);
	r = http_json("POST", moves, staff.recruiter, "{\"to\":\"interview\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* hired is forward of interview: the refusal names the hire, not "forward only" */
	r = http_json("POST", moves, staff.recruiter, "{\"to\":\"hired\"}");
	assert_problem(r, 409, "invalid-transition");
	assert_non_null(strstr(sget(r->json, "detail"), "/hire"));
	assert_null(strstr(sget(r->json, "detail"), "forward only"));
	resp_free(r);
	r = http_json("POST", moves, staff.recruiter, "{\"to\":\"screening\"}");
	assert_problem(r, 409, "invalid-transition");
	assert_non_null(strstr(sget(r->json, "detail"), "forward only"));
	resp_free(r);
	/* a score out of range is out of range; a missing one is required */
	r = http_json("POST", evals, staff.recruiter, "{\"score\":7,\"summary\":\"x\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "score");
	assert_null(strstr(r->body, "is required"));
	resp_free(r);
	r = http_json("POST", evals, staff.recruiter, "{\"summary\":\"x\"}");
	assert_problem(r, 422, "validation-error");
	assert_non_null(strstr(r->body, "is required"));
	resp_free(r);
	free(evals);
	free(moves);
	free(body);
	free(path);
	free(who);
}

static int
setup(void **state)
{
	(void)state;
	api_start(state);
	pdf = fixture_pdf(2000);
	california =
	    new_opening("{\"title\":\"Restricted Oakland\",\"country\":\"US\",\"region\":\"CA\"}");
	iceland = new_opening("{\"title\":\"Restricted Reykjavik\",\"country\":\"IS\"}");
	elsewhere = new_opening("{\"title\":\"Restricted Elsewhere\",\"country\":\"IS\"}");
	return 0;
}

static int
teardown(void **state)
{
	free(california);
	free(iceland);
	free(elsewhere);
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_restricted_takes_no_application),
	    cmocka_unit_test(test_restricted_takes_no_document_or_evaluation),
	    cmocka_unit_test(test_patch_to_an_erased_address),
	    cmocka_unit_test(test_policy_errors_at_once),
	    cmocka_unit_test(test_answers_that_say_what_is_wrong),
	};
	return cmocka_run_group_tests_name("api restricted", tests, setup, teardown);
}
