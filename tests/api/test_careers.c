/*
 * API: the careers site people can find and share. Openings' optional
 * posting fields (employment_type, valid_through); /jobs and /jobs/{id}
 * with schema.org JobPosting JSON-LD (parsed as JSON, its required
 * properties checked, nothing in it able to end its element); /jobs.xml
 * checked as RSS 2.0 by Python's XML parser (tests/api/check_feed.py); a
 * closed opening's page is 410 and leads to /jobs; every page has the
 * footer; a job's own form posts without JavaScript and answers with pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

static int seq;
static struct blob pdf;

/* An opening made by the recruiter from a JSON body's members (without braces); its id. */
static char *
opening_with(const char *members)
{
	char *body = xasprintf("{%s}", members);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	if (r->status != 201)
		fail_msg("POST /v1/openings: %ld %s", r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* A page (GET path) with its status and Content-Type; the response. */
static struct resp *
page(const char *path, long status, const char *type)
{
	struct resp *r = http("GET", path, NULL, NULL, NULL, NULL);
	if (r->status != status)
		fail_msg("GET %s: %ld, want %ld", path, r->status, status);
	char *ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, type);
	free(ct);
	if (strncmp(type, "text/html", 9) == 0) {
		char *csp = resp_header(r, "Content-Security-Policy");
		assert_non_null(csp);
		assert_non_null(strstr(csp, "script-src 'self'"));
		assert_null(strstr(csp, "unsafe-inline"));
		free(csp);
		assert_null(strstr(r->body, "{{"));
	}
	return r;
}

static const char html[] = "text/html; charset=utf-8";

static void
test_opening_fields(void **state)
{
	(void)state;
	char *id = opening_with("\"title\":\"Posting Fields\",\"employment_type\":\"part_time\","
	                        "\"valid_through\":\"2031-01-31T23:59:59Z\"");
	char *path = xasprintf("/v1/openings/%s", id);
	struct resp *r = http_json("GET", path, NULL, NULL); /* the public sees them too */
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "employment_type"), "part_time");
	assert_non_null(sget(r->json, "valid_through"));
	assert_int_equal(strncmp(sget(r->json, "valid_through"), "2031-01-31T23:59:59", 19), 0);
	resp_free(r);
	/* optional: absent is null, and a patch removes them */
	r = http("PATCH", path, staff.recruiter, "application/merge-patch+json",
	         "{\"employment_type\":null,\"valid_through\":null}", NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_is_null(json_object_get(r->json, "employment_type")));
	assert_true(json_is_null(json_object_get(r->json, "valid_through")));
	resp_free(r);
	r = http("PATCH", path, staff.recruiter, "application/merge-patch+json",
	         "{\"employment_type\":\"contractor\"}", NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "employment_type"), "contractor");
	resp_free(r);
	/* what they may be */
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"x\",\"employment_type\":\"FULL_TIME\","
	              "\"valid_through\":\"next week\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "employment_type");
	assert_field_error(r, "valid_through");
	resp_free(r);
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"x\",\"valid_through\":\"2031-02-30T00:00:00Z\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "valid_through");
	resp_free(r);
	r = http("PATCH", path, staff.recruiter, "application/merge-patch+json",
	         "{\"employment_type\":7}", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "employment_type");
	resp_free(r);
	free(path);
	free(id);
}

/* The text of the page's JSON-LD block (new), checked to hold nothing that could end it. */
static char *
json_ld_of(const char *body)
{
	static const char open[] = "<script type=\"application/ld+json\">";
	const char *at = strstr(body, open);
	assert_non_null(at);
	at += sizeof(open) - 1;
	const char *end = strstr(at, "</script>");
	assert_non_null(end);
	char *text = xstrndup(at, (size_t)(end - at));
	assert_null(strchr(text, '<'));
	assert_null(strchr(text, '>'));
	assert_null(strstr(body, "<script>")); /* no inline script */
	return text;
}

static void
test_job_page(void **state)
{
	(void)state;
	char *title = xasprintf("Data Engineer <%d-%d>", (int)getpid(), ++seq);
	char *members = xasprintf(
	    "\"title\":\"%s\",\"department\":\"Platform & Data\",\"country\":\"DE\","
	    "\"region\":\"BE\",\"location\":\"Berlin\",\"employment_type\":\"full_time\","
	    "\"valid_through\":\"2031-06-30T22:00:00Z\",\"description\":\"We build pipelines."
	    "\\nIn Rust & SQL.\\n\\nYou: </script><script>alert(1)</script> curious.\"",
	    title);
	char *id = opening_with(members);
	char *path = xasprintf("/jobs/%s", id);
	struct resp *r = page(path, 200, html);
	/* the whole opening, escaped, with its own form */
	assert_non_null(strstr(r->body, "Data Engineer &lt;"));
	assert_non_null(strstr(r->body, "<p>We build pipelines.<br>In Rust &amp; SQL.</p>"));
	assert_non_null(strstr(r->body, "<p>You: &lt;/script&gt;&lt;script&gt;alert(1)"));
	assert_null(strstr(r->body, "<script>alert"));
	assert_non_null(strstr(r->body, "Full-time"));
	assert_non_null(strstr(r->body, "Apply by 30 June 2031"));
	char *action = xasprintf("<form id=\"apply-form\" method=\"post\" action=\"/jobs/%s\"", id);
	assert_non_null(strstr(r->body, action));
	char *hidden = xasprintf("<input type=\"hidden\" name=\"opening_id\" value=\"%s\">", id);
	assert_non_null(strstr(r->body, hidden));
	/* schema.org JobPosting: JSON, with what job search engines require */
	char *text = json_ld_of(r->body);
	json_error_t err;
	json_t *ld = json_loads(text, 0, &err);
	if (ld == NULL)
		fail_msg("the JSON-LD is not JSON: %s", err.text);
	assert_string_equal(sget(ld, "@context"), "https://schema.org/");
	assert_string_equal(sget(ld, "@type"), "JobPosting");
	assert_string_equal(sget(ld, "title"), title);
	assert_non_null(strstr(sget(ld, "description"), "We build pipelines."));
	assert_non_null(strstr(sget(ld, "description"), "&lt;/script&gt;"));
	assert_true(is_rfc3339_utc(sget(ld, "datePosted")) ||
	            strlen(sget(ld, "datePosted")) > 19); /* an ISO 8601 date and time */
	assert_int_equal(strncmp(sget(ld, "validThrough"), "2031-06-30T22:00:00", 19), 0);
	assert_string_equal(sget(ld, "employmentType"), "FULL_TIME");
	json_t *org = json_object_get(ld, "hiringOrganization");
	assert_string_equal(sget(org, "@type"), "Organization");
	assert_non_null(sget(org, "name"));
	json_t *where = json_object_get(ld, "jobLocation");
	assert_string_equal(sget(where, "@type"), "Place");
	json_t *address = json_object_get(where, "address");
	assert_string_equal(sget(address, "@type"), "PostalAddress");
	assert_string_equal(sget(address, "addressLocality"), "Berlin");
	assert_string_equal(sget(address, "addressRegion"), "BE");
	assert_string_equal(sget(address, "addressCountry"), "DE");
	char *url = xasprintf("%s/jobs/%s", TEST_PUBLIC_URL, id);
	assert_string_equal(sget(ld, "url"), url);
	char *canonical = xasprintf("<link rel=\"canonical\" href=\"%s\">", url);
	assert_non_null(strstr(r->body, canonical)); /* the shareable link, from PUBLIC_URL */
	json_decref(ld);
	free(text);
	resp_free(r);
	/* without the optional members, and shared with tracking parameters */
	char *plain = opening_with("\"title\":\"Plain Posting\",\"country\":\"FR\"");
	char *plain_path = xasprintf("/jobs/%s?utm_source=newsletter&fbclid=AbC&gclid=1", plain);
	r = page(plain_path, 200, html);
	text = json_ld_of(r->body);
	ld = json_loads(text, 0, NULL);
	assert_non_null(ld);
	assert_null(json_object_get(ld, "employmentType"));
	assert_null(json_object_get(ld, "validThrough"));
	assert_string_equal(sget(ld, "description"), "Plain Posting");
	json_decref(ld);
	free(text);
	resp_free(r);
	/* listed on /jobs (and /apply), linked to its page */
	char *link = xasprintf("<a class=\"title\" href=\"/jobs/%s\">", id);
	r = page("/jobs?utm_campaign=x", 200, html);
	assert_non_null(strstr(r->body, link));
	assert_non_null(strstr(r->body, "action=\"/v1/apply\""));
	assert_non_null(strstr(r->body, "href=\"/jobs.xml\""));
	resp_free(r);
	r = page("/apply", 200, html);
	assert_non_null(strstr(r->body, link));
	resp_free(r);
	free(link);
	free(plain_path);
	free(plain);
	free(canonical);
	free(url);
	free(hidden);
	free(action);
	free(path);
	free(id);
	free(members);
	free(title);
}

static void
test_closed_and_unknown(void **state)
{
	(void)state;
	char *id = opening_with("\"title\":\"Soon Closed\",\"status\":\"closed\"");
	char *path = xasprintf("/jobs/%s", id);
	struct resp *r = page(path, 410, html);
	assert_non_null(strstr(r->body, "closed"));
	assert_non_null(strstr(r->body, "<a href=\"/jobs\">"));
	assert_null(strstr(r->body, "apply-form"));
	assert_null(r->json);
	resp_free(r);
	/* not in the list nor the feed */
	char *link = xasprintf("/jobs/%s", id);
	r = page("/jobs", 200, html);
	assert_null(strstr(r->body, link));
	resp_free(r);
	r = page("/jobs.xml", 200, "application/rss+xml; charset=utf-8");
	assert_null(strstr(r->body, link));
	resp_free(r);
	r = page("/jobs/00000000-0000-4000-8000-000000000000", 404, html);
	assert_non_null(strstr(r->body, "<a href=\"/jobs\">"));
	resp_free(r);
	r = page("/jobs/not-a-position", 404, html);
	resp_free(r);
	free(link);
	free(path);
	free(id);
}

static void
test_feed(void **state)
{
	(void)state;
	char *title = xasprintf("Feed & <Friends> %d-%d", (int)getpid(), ++seq);
	/* a description with a control character XML cannot hold */
	char *members = xasprintf("\"title\":\"%s\",\"department\":\"R&D\",\"description\":"
	                          "\"Bell \\u0007 here. Cut <b>bold</b>.\"",
	                          title);
	char *id = opening_with(members);
	struct resp *r =
	    page("/jobs.xml?utm_source=reader", 200, "application/rss+xml; charset=utf-8");
	assert_null(strchr(r->body, '\a'));
	char *file = xasprintf("%s/feed-%d.xml", getenv("RECRUITD_TEST_LOGDIR"), (int)getpid());
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
	fclose(f);
	resp_free(r);
	char *cmd = xasprintf("/usr/bin/python3 %s/tests/api/check_feed.py '%s' '%s' '%s' '%s'",
	                      getenv("RECRUITD_HOME"), file, TEST_PUBLIC_URL, id, title);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(file);
	free(id);
	free(members);
	free(title);
}

/* Every page links the privacy notice, the request page and the applicant's page. */
static void
test_footer(void **state)
{
	(void)state;
	char *id = opening_with("\"title\":\"Footer Posting\"");
	char *closed = opening_with("\"title\":\"Footer Closed\",\"status\":\"closed\"");
	char *job = xasprintf("/jobs/%s", id), *gone = xasprintf("/jobs/%s", closed);
	const struct {
		const char *path;
		long status;
	} pages[] = {{"/apply", 200},
	             {"/jobs", 200},
	             {job, 200},
	             {gone, 410},
	             {"/me", 200},
	             {"/privacy", 200},
	             {"/apply/confirm", 200},
	             {"/privacy-notice", 200}};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct resp *r = page(pages[i].path, pages[i].status, html);
		const char *footer = strstr(r->body, "<footer");
		if (footer == NULL)
			fail_msg("%s has no footer", pages[i].path);
		if (strstr(footer, "href=\"/privacy-notice\"") == NULL ||
		    strstr(footer, "href=\"/privacy\"") == NULL ||
		    strstr(footer, "href=\"/me\"") == NULL)
			fail_msg("%s: the footer lacks a link", pages[i].path);
		resp_free(r);
	}
	free(job);
	free(gone);
	free(closed);
	free(id);
}

/* POST /jobs/{id} as a browser without JavaScript sends it, with this resume. */
static struct resp *
post_job_file(const char *path, const char *opening, const char *name, const char *email,
              const void *data, size_t len)
{
	struct part parts[8];
	int n = 0;
	if (name)
		parts[n++] = (struct part){.name = "full_name", .value = name};
	parts[n++] = (struct part){.name = "email", .value = email};
	parts[n++] = (struct part){.name = "opening_id", .value = opening};
	parts[n++] = (struct part){.name = "privacy_notice_accepted", .value = "true"};
	parts[n++] = (struct part){.name = "age_16_or_over", .value = "true"};
	parts[n++] =
	    (struct part){.name = "resume", .data = data, .len = len, .filename = "cv.pdf"};
	parts[n] = (struct part){0};
	return http_form("POST", path, NULL, parts, NULL);
}

static struct resp *
post_job_form(const char *path, const char *opening, const char *name, const char *email)
{
	return post_job_file(path, opening, name, email, pdf.data, pdf.len);
}

static void
test_job_form_without_javascript(void **state)
{
	(void)state;
	char *id = opening_with("\"title\":\"Form Posting\",\"country\":\"NL\"");
	char *path = xasprintf("/jobs/%s", id);
	char *email = unique_email("jobform");
	/* an error: the job's page again, the error beside its field, focus on it */
	struct resp *r = post_job_form(path, id, NULL, email);
	assert_int_equal(r->status, 422);
	char *ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, html);
	free(ct);
	assert_non_null(strstr(r->body, "id=\"job-title\">Form Posting</h1>"));
	assert_non_null(strstr(r->body, "aria-describedby=\"full_name-error\" autofocus>"));
	assert_null(strstr(r->body, email)); /* nothing submitted is echoed */
	resp_free(r);
	/* another position's id on this page's form */
	char *other = opening_with("\"title\":\"Other Posting\"");
	r = post_job_form(path, other, "Jo Form", email);
	assert_int_equal(r->status, 422);
	assert_non_null(strstr(r->body, "id=\"opening_id-error\">must be the id of this page"));
	resp_free(r);
	/* a file of a kind that cannot be used: said in words people use */
	static const unsigned char png[] = {0x89, 'P',  'N', 'G', '\r', '\n',
	                                    0x1a, '\n', 0,   0,   0,    0};
	r = post_job_file(path, id, "Jo Form", email, png, sizeof(png));
	assert_int_equal(r->status, 415);
	assert_non_null(strstr(r->body, "a Word document"));
	assert_null(strstr(r->body, "DOCX"));
	resp_free(r);
	/* right: check your inbox, and the e-mail names the position */
	r = post_job_form(path, id, "Jo Form", email);
	assert_int_equal(r->status, 202);
	assert_non_null(strstr(r->body, "Check your inbox"));
	resp_free(r);
	char *mail = mail_find(email, "/apply/confirm?code=");
	assert_non_null(mail);
	assert_non_null(strstr(mail, "Subject: Confirm your application to Example Company: "
	                             "Form Posting"));
	assert_non_null(strstr(mail, "the position \"Form Posting\""));
	free(mail);
	/* a closed position's form: the 410 page */
	char *other_api = xasprintf("/v1/openings/%s", other);
	r = http("PATCH", other_api, staff.recruiter, "application/merge-patch+json",
	         "{\"status\":\"closed\"}", NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(other_api);
	char *other_path = xasprintf("/jobs/%s", other);
	r = post_job_form(other_path, other, NULL, email);
	assert_int_equal(r->status, 410);
	assert_non_null(strstr(r->body, "<a href=\"/jobs\">"));
	resp_free(r);
	free(other_path);
	free(other);
	free(email);
	free(path);
	free(id);
}

static int
setup(void **state)
{
	pdf = fixture_pdf(2000);
	return api_start(state);
}

static int
teardown(void **state)
{
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opening_fields),
	    cmocka_unit_test(test_job_page),
	    cmocka_unit_test(test_closed_and_unknown),
	    cmocka_unit_test(test_feed),
	    cmocka_unit_test(test_footer),
	    cmocka_unit_test(test_job_form_without_javascript),
	};
	return cmocka_run_group_tests_name("api careers", tests, setup, teardown);
}
