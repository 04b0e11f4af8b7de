/*
 * API: what the applicant does with their own record from /me that the
 * pages added: removing an older document (DELETE /v1/me/documents/{id}),
 * with one resume kept while an application is open, the removal audited
 * like staff's; their own documents only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"

static char *opening;

/* Upload a document of kind as the applicant: its id (new). */
static char *
upload(const char *token, const char *kind, const char *name, const char *text)
{
	struct part parts[] = {
	    {.name = "kind", .value = kind},
	    {.name = "file", .data = text, .len = strlen(text), .filename = name},
	    {.name = NULL}};
	struct resp *r = http_form("POST", "/v1/me/documents", token, parts, NULL);
	if (r->status != 201)
		fail_msg("upload: %ld %s", r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return id;
}

static long
remove_doc(const char *token, const char *id)
{
	char *path = xasprintf("/v1/me/documents/%s", id);
	struct resp *r = http_json("DELETE", path, token, NULL);
	long status = r->status;
	if (status == 409)
		assert_problem(r, 409, "last-resume");
	if (status == 404)
		assert_problem(r, 404, "not-found");
	resp_free(r);
	free(path);
	return status;
}

/* How many documents GET /v1/me lists. */
static size_t
documents_held(const char *token)
{
	struct resp *r = http_json("GET", "/v1/me", token, NULL);
	assert_int_equal(r->status, 200);
	size_t n = json_array_size(json_object_get(r->json, "documents"));
	resp_free(r);
	return n;
}

/* The id of the first document GET /v1/me lists (new). */
static char *
first_document(const char *token)
{
	struct resp *r = http_json("GET", "/v1/me", token, NULL);
	char *id = xstrdup(sget(json_array_get(json_object_get(r->json, "documents"), 0), "id"));
	resp_free(r);
	return id;
}

static void
test_remove_older_document(void **state)
{
	(void)state;
	struct applied a = apply_confirmed(opening, "Rhea Resume", "rmdoc", "Rhea Resume\nCV one\n",
	                                   19, "one.txt", NULL);
	char *first = first_document(a.token);
	/* the only resume while the application is open: it stays */
	assert_int_equal(remove_doc(a.token, first), 409);
	assert_int_equal(documents_held(a.token), 1);
	/* a newer one, then the older goes: audited as any removal */
	char *second = upload(a.token, "resume", "two.txt", "Rhea Resume\nCV two\n");
	assert_int_equal(remove_doc(a.token, first), 204);
	assert_int_equal(documents_held(a.token), 1);
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'document.delete' AND "
	                "applicant_id = $1 AND actor = 'applicant'",
	                a.applicant, "1");
	expect_db_value("SELECT count(*) FROM documents WHERE id = $1", first, "0");
	assert_int_equal(remove_doc(a.token, first), 404); /* gone */
	/* a cover letter is not a resume: it goes whenever they like */
	char *letter = upload(a.token, "cover_letter", "letter.txt", "Dear team,\nhello.\n");
	assert_int_equal(remove_doc(a.token, letter), 204);
	assert_int_equal(remove_doc(a.token, second), 409);
	/* someone else's document is not there for them */
	struct applied b = apply_confirmed(opening, "Other Person", "rmdoc2", "Other Person\nCV\n",
	                                   16, "other.txt", NULL);
	char *theirs = first_document(b.token);
	assert_int_equal(remove_doc(a.token, theirs), 404);
	expect_db_value("SELECT count(*) FROM documents WHERE id = $1", theirs, "1");
	assert_int_equal(remove_doc(a.token, "not-a-uuid"), 404);
	/* no token: 401 */
	char *path = xasprintf("/v1/me/documents/%s", second);
	struct resp *r = http_json("DELETE", path, NULL, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	free(path);
	/* once no application is open, the last resume may go too */
	char *withdraw = xasprintf("/v1/me/applications/%s/withdraw", a.application);
	r = http_json("POST", withdraw, a.token, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(withdraw);
	assert_int_equal(remove_doc(a.token, second), 204);
	assert_int_equal(documents_held(a.token), 0);
	free(theirs);
	free(letter);
	free(second);
	free(first);
	applied_free(&b);
	applied_free(&a);
}

static int
setup(void **state)
{
	api_start(state);
	struct resp *r =
	    http_json("POST", "/v1/openings", staff.recruiter, "{\"title\":\"Self Service\"}");
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
	    cmocka_unit_test(test_remove_older_document),
	};
	return cmocka_run_group_tests_name("api self", tests, setup, teardown);
}
