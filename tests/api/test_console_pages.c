/*
 * The staff console's pages over HTTP: every value escaped (an opening
 * titled <script>, an applicant named "><img ...>), the same rules as the
 * API (a restricted record is 404 to a recruiter on the pages too; a
 * record's page is an audited read), a stale form answered 412 with
 * nothing changed, and the forms' 303s: create an opening, move an
 * application, add an evaluation. A board shows each stage's count and, of
 * a crowded stage, the 50 longest in it. /staff shows the member's own open
 * openings and the applications new since their last visit. A document
 * is downloaded from the record's page as the API serves it (an audited
 * read; 404 to a recruiter when the record is restricted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

#define SCRIPT_TITLE "<script>alert(1)</script> Engineer"
#define IMG_NAME "\\\"><img src=x onerror=alert(1)>"
#define IMG_NAME_RAW "\"><img src=x onerror=alert(1)>"

static char *
opening_titled(const char *title)
{
	json_t *body = json_pack("{s:s, s:s}", "title", title, "country", "DE");
	char *text = json_dumps(body, 0);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, text);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(text);
	json_decref(body);
	return id;
}

/* An applicant (named name) with an application to opening: the application's id. */
static char *
applied_to(const char *opening, const char *name, char **applicant)
{
	*applicant = new_staff_applicant("console-page", name);
	char *path = xasprintf("/v1/applicants/%s/applications", *applicant);
	char *body = xasprintf("{\"opening_id\": \"%s\"}", opening);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	return id;
}

/* A signed-in member of role: the cookie (new string). */
static char *
member_session(const char *role)
{
	char *email = unique_email("console-pages");
	char *id = add_member(email, role), *cookie = sign_in(email);
	free(id);
	free(email);
	return cookie;
}

static void
test_values_are_escaped(void **state)
{
	(void)state;
	char *cookie = member_session("recruiter");
	char *opening = opening_titled(SCRIPT_TITLE), *applicant;
	char *app = applied_to(opening, IMG_NAME, &applicant);

	const char *pages[] = {"/staff/openings/", "/staff/applicants/", "/staff",
	                       "/staff/openings", "/staff/applicants?q=onerror"};
	const char *ids[] = {opening, applicant, "", "", ""};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char *path = xasprintf("%s%s", pages[i], ids[i]);
		struct resp *r = get_page(path, cookie);
		assert_int_equal(r->status, 200);
		assert_null(strstr(r->body, "<script>alert"));
		assert_null(strstr(r->body, "<img src=x"));
		if (i == 0 || i == 3)
			assert_non_null(
			    strstr(r->body, "&lt;script&gt;alert(1)&lt;/script&gt; Engineer"));
		if (i == 0 || i == 1)
			assert_non_null(
			    strstr(r->body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
		resp_free(r);
		free(path);
	}
	free(app);
	free(applicant);
	free(opening);
	free(cookie);
}

static void
test_restricted_is_404_to_a_recruiter(void **state)
{
	(void)state;
	char *recruiter = member_session("recruiter"), *hr = member_session("hr");
	char *id = new_staff_applicant("console-restricted", "Rest Ricted");
	char *path = xasprintf("/staff/applicants/%s", id);

	db_exec_sql("UPDATE applicants SET restricted_at = now() WHERE id = $1", id);
	struct resp *r = get_page(path, recruiter);
	assert_int_equal(r->status, 404);
	assert_null(strstr(r->body, "Rest Ricted"));
	resp_free(r);
	r = get_page(path, hr);
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* the page is an audited read, as the API's GET is */
	expect_db_value("SELECT count(*) FROM audit_log WHERE applicant_id = $1 AND action = "
	                "'applicant.read' AND actor LIKE 'member:%'",
	                id, "1");
	free(path);
	free(id);
	free(hr);
	free(recruiter);
}

static void
test_forms(void **state)
{
	(void)state;
	char *cookie = member_session("recruiter"), *csrf = csrf_of(cookie);

	/* create an opening: 303 to its board */
	char *body = xasprintf("csrf=%s&title=Page+Made+Engineer&country=DE&department=", csrf);
	struct resp *r = post_form("/staff/openings", body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	char *loc = resp_header(r, "Location");
	assert_true(strncmp(loc, "/staff/openings/", 16) == 0);
	char *opening = xstrdup(loc + 16);
	resp_free(r);
	free(body);
	r = get_page(loc, cookie);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Page Made Engineer"));
	resp_free(r);
	free(loc);
	/* an invalid one is told, and nothing is made */
	body = xasprintf("csrf=%s&title=&country=Germany", csrf);
	r = post_form("/staff/openings", body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);

	/* move an application: 303 to the board; a stale version: 412, nothing changed */
	char *applicant, *app = applied_to(opening, "Mover Person", &applicant);
	char *move = xasprintf("/staff/applications/%s/move", app);
	body = xasprintf("csrf=%s&opening_id=%s&version=1&to=screening", csrf, opening);
	r = post_form(move, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	resp_free(r);
	r = post_form(move, body, cookie, TEST_PUBLIC_URL); /* the same form again: stale */
	assert_int_equal(r->status, 412);
	resp_free(r);
	expect_db_value("SELECT stage FROM applications WHERE id = $1", app, "screening");
	free(body);

	/* the opening edited with a stale version: 412, its title kept */
	char *edit = xasprintf("/staff/openings/%s", opening);
	body = xasprintf("csrf=%s&version=7&title=Renamed", csrf);
	r = post_form(edit, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 412);
	resp_free(r);
	expect_db_value("SELECT title FROM openings WHERE id = $1", opening, "Page Made Engineer");
	free(body);
	body = xasprintf("csrf=%s&version=1&status=closed", csrf);
	r = post_form(edit, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	resp_free(r);
	expect_db_value("SELECT status FROM openings WHERE id = $1", opening, "closed");
	free(body);

	/* an evaluation: 303 to the record */
	char *eval = xasprintf("/staff/applications/%s/evaluations", app);
	body = xasprintf("csrf=%s&applicant_id=%s&score=4&summary=Clear+thinker", csrf, applicant);
	r = post_form(eval, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM evaluations WHERE application_id = $1", app, "1");
	free(body);
	body = xasprintf("csrf=%s&applicant_id=%s&score=9", csrf, applicant);
	r = post_form(eval, body, cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);
	free(eval);
	free(edit);
	free(move);
	free(app);
	free(applicant);
	free(opening);
	free(csrf);
	free(cookie);
}

static void
test_crowded_board(void **state)
{
	(void)state;
	char *opening = opening_titled("Crowded Board"), *tag = unique_email("crowd"), *names[55];
	char *cookie = member_session("recruiter");

	tag[strcspn(tag, "@")] = '\0';
	for (int i = 0; i < 55; i++) {
		char *applicant;
		names[i] = xasprintf("Card %02d %s", i, tag);
		free(applied_to(opening, names[i], &applicant));
		free(applicant);
	}
	char *path = xasprintf("/staff/openings/%s", opening);
	struct resp *r = get_page(path, cookie);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Applied <span class=\"count\">55</span>"));
	assert_non_null(strstr(r->body, "The 50 longest in this stage of 55."));
	/* the longest waiting are shown, the five newest are not */
	for (int i = 0; i < 55; i++)
		if (i < 50)
			assert_non_null(strstr(r->body, names[i]));
		else
			assert_null(strstr(r->body, names[i]));
	resp_free(r);
	/* a restricted record leaves its column's count, and a move carries the count along */
	char *first = db_value("SELECT p.applicant_id FROM applications p JOIN applicants a ON "
	                       "a.id = p.applicant_id WHERE p.opening_id = $1 ORDER BY "
	                       "p.updated_at LIMIT 1",
	                       opening);
	char *second = db_value("SELECT p.id FROM applications p WHERE p.opening_id = $1 ORDER BY "
	                        "p.updated_at DESC LIMIT 1",
	                        opening);
	db_exec_sql("UPDATE applicants SET restricted_at = now() WHERE id = $1", first);
	char *move = xasprintf("/v1/applications/%s/transitions", second);
	r = http_json("POST", move, staff.recruiter, "{\"to\": \"interview\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = get_page(path, cookie);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Applied <span class=\"count\">53</span>"));
	assert_non_null(strstr(r->body, "Interview <span class=\"count\">1</span>"));
	assert_non_null(strstr(r->body, "The 50 longest in this stage of 53."));
	assert_null(strstr(r->body, names[0]));
	resp_free(r);
	free(move);
	free(first);
	free(second);
	for (int i = 0; i < 55; i++)
		free(names[i]);
	free(path);
	free(cookie);
	free(tag);
	free(opening);
}

/* The part of page between the heading with id from and the next one (new string). */
static char *
section(const char *page, const char *from)
{
	char *mark = xasprintf("id=\"%s\"", from);
	const char *at = strstr(page, mark);
	free(mark);
	assert_non_null(at);
	const char *end = strstr(at + 1, "<h2 ");
	return xstrndup(at, end ? (size_t)(end - at) : strlen(at));
}

/* /staff: my open openings (not another's, not a closed one); what is new since my last visit. */
static void
test_home_page(void **state)
{
	(void)state;
	char *email = unique_email("console-home"), *tag = unique_email("home");
	char *me = add_member(email, "recruiter"), *cookie = sign_in(email);

	tag[strcspn(tag, "@")] = '\0';
	char *mine_t = xasprintf("Mine %s", tag), *other_t = xasprintf("Other %s", tag),
	     *closed_t = xasprintf("Closed %s", tag);
	char *body = xasprintf("{\"title\": \"%s\", \"recruiter_id\": \"%s\"}", mine_t, me);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *mine = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	body = xasprintf("{\"title\": \"%s\", \"recruiter_id\": \"%s\"}", closed_t, me);
	r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *closed = xasprintf("/v1/openings/%s", sget(r->json, "id"));
	resp_free(r);
	free(body);
	r = http_json("PATCH", closed, staff.recruiter, "{\"status\": \"closed\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(opening_titled(other_t));

	r = get_page("/staff", cookie);
	assert_int_equal(r->status, 200);
	char *openings = section(r->body, "openings-title");
	assert_non_null(strstr(openings, mine_t));
	assert_non_null(strstr(openings, mine));
	assert_null(strstr(openings, other_t));
	assert_null(strstr(openings, closed_t));
	free(openings);
	resp_free(r);

	/* an application since this visit is new at the next one, and not at the one after */
	char *name = xasprintf("Newcomer %s", tag), *applicant;
	free(applied_to(mine, name, &applicant));
	r = get_page("/staff", cookie);
	assert_int_equal(r->status, 200);
	char *fresh = section(r->body, "new-title");
	assert_non_null(strstr(fresh, name));
	free(fresh);
	resp_free(r);
	r = get_page("/staff", cookie);
	assert_int_equal(r->status, 200);
	fresh = section(r->body, "new-title");
	assert_null(strstr(fresh, name));
	free(fresh);
	resp_free(r);
	free(applicant);
	free(name);
	free(closed);
	free(mine);
	free(mine_t);
	free(other_t);
	free(closed_t);
	free(cookie);
	free(me);
	free(tag);
	free(email);
}

#define PDF "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

/* The record's page links its document; the link downloads it, audited; restricted: 404. */
static void
test_document_download(void **state)
{
	(void)state;
	char *recruiter = member_session("recruiter"), *hr = member_session("hr");
	char *id = new_staff_applicant("console-doc", "Doc Page");
	char *upload = xasprintf("/v1/applicants/%s/documents", id);
	struct part parts[] = {
	    {.name = "file", .data = PDF, .len = strlen(PDF), .filename = "cv.pdf"},
	    {.name = NULL}};
	struct resp *r = http_form("POST", upload, staff.recruiter, parts, NULL);
	assert_int_equal(r->status, 201);
	char *doc = xasprintf("/staff/documents/%s", sget(r->json, "id"));
	resp_free(r);

	char *page = xasprintf("/staff/applicants/%s", id);
	r = get_page(page, recruiter);
	assert_int_equal(r->status, 200);
	char *href = xasprintf("href=\"%s\"", doc);
	assert_non_null(strstr(r->body, href));
	resp_free(r);
	r = get_page(doc, recruiter);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, strlen(PDF));
	assert_memory_equal(r->body, PDF, strlen(PDF));
	char *ct = resp_header(r, "Content-Type"), *cd = resp_header(r, "Content-Disposition");
	assert_string_equal(ct, "application/pdf");
	assert_int_equal(strncmp(cd, "attachment;", 11), 0);
	free(ct);
	free(cd);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM audit_log WHERE applicant_id = $1 AND action = "
	                "'document.read' AND actor LIKE 'member:%'",
	                id, "1");
	/* without a session: to the sign-in page, nothing served */
	r = get_page(doc, NULL);
	assert_see_other(r, "/staff/sign-in");
	resp_free(r);

	db_exec_sql("UPDATE applicants SET restricted_at = now() WHERE id = $1", id);
	r = get_page(doc, recruiter);
	assert_int_equal(r->status, 404);
	assert_null(strstr(r->body, "%PDF"));
	resp_free(r);
	r = get_page(doc, hr);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(href);
	free(page);
	free(doc);
	free(upload);
	free(id);
	free(hr);
	free(recruiter);
}

/* How many times header name is in r's headers. */
static int
times(const struct resp *r, const char *name)
{
	int n = 0;
	size_t len = strlen(name);
	for (const char *p = r->headers; (p = strchr(p, '\n')) != NULL;)
		if (strncasecmp(++p, name, len) == 0 && p[len] == ':')
			n++;
	return n;
}

/* Each page says once how it may be kept and that its type is not to be sniffed. */
static void
test_headers_once(void **state)
{
	(void)state;
	const char *pages[] = {"/staff/sign-in", "/apply", "/privacy", "/jobs"};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct resp *r = http("GET", pages[i], NULL, NULL, NULL, NULL);
		assert_int_equal(r->status, 200);
		assert_int_equal(times(r, "Cache-Control"), 1);
		assert_int_equal(times(r, "X-Content-Type-Options"), 1);
		resp_free(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_are_escaped),
	    cmocka_unit_test(test_restricted_is_404_to_a_recruiter),
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_crowded_board),
	    cmocka_unit_test(test_headers_once),
	    cmocka_unit_test(test_home_page),
	    cmocka_unit_test(test_document_download),
	};
	return cmocka_run_group_tests_name("console pages", tests, api_start, api_stop);
}
