/*
 * HR's privacy pages: /staff/privacy (the queue, its filters, a request found
 * by the requester's address through the record's keyed hash, a request
 * recorded as received by phone), /staff/privacy/{id} (events, extension
 * once, completion), /staff/privacy/metrics (the SVG chart); a recruiter is
 * refused every one, and a post without the session's token changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

static char *
member(const char *role, char **email_out)
{
	char *email = unique_email(role);
	free(add_member(email, role));
	char *cookie = sign_in(email);
	if (email_out)
		*email_out = email;
	else
		free(email);
	return cookie;
}

/* s percent-encoded for a form or a query (new string). */
static char *
encode(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_')
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	*o = '\0';
	return out;
}

/* The request id a 303 to /staff/privacy/{id} names (new string). */
static char *
request_of(const struct resp *r)
{
	assert_int_equal(r->status, 303);
	char *loc = resp_header(r, "Location");
	assert_non_null(loc);
	assert_true(strncmp(loc, "/staff/privacy/", 15) == 0);
	char *id = xstrdup(loc + 15);
	free(loc);
	return id;
}

static void
test_queue_record_extend_complete(void **state)
{
	(void)state;
	char *hr = member("hr", NULL), *csrf = csrf_of(hr), *body, *path;
	char *requester = unique_email("requester");
	forbid_in_log(requester);
	/* the requester is on record, so the queue can find their requests by address */
	body = xasprintf("{\"full_name\":\"Rhea Requester\",\"email\":\"%s\"}", requester);
	forbid_in_log("Rhea Requester");
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(body);

	/* recorded as received by phone 40 days ago (5 days left), and by mail 50 days ago
	 * (overdue) */
	char date[16];
	time_t then = time(NULL) - 40 * 86400;
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&then));
	char *enc = encode(requester);
	body = xasprintf("csrf=%s&type=delete&channel=phone&email=%s&received_at=%s&details=x",
	                 csrf, enc, date);
	r = post_form("/staff/privacy", body, hr, TEST_PUBLIC_URL);
	char *id = request_of(r);
	resp_free(r);
	free(body);
	then = time(NULL) - 50 * 86400;
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&then));
	body =
	    xasprintf("csrf=%s&type=correct&channel=mail&email=%s&received_at=%s", csrf, enc, date);
	r = post_form("/staff/privacy", body, hr, TEST_PUBLIC_URL);
	char *late = request_of(r);
	resp_free(r);
	free(body);

	/* the queue, found by the address: this request, overdue, no address shown */
	path = xasprintf("/staff/privacy?email=%s", enc);
	r = get_page(path, hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, id));
	assert_non_null(strstr(r->body, late));
	assert_non_null(strstr(r->body, "class=\"overdue\""));
	assert_non_null(strstr(r->body, "overdue by"));
	assert_null(strstr(r->body, requester));
	resp_free(r);
	free(path);
	/* an address no record holds: nothing, and nothing listed */
	r = get_page("/staff/privacy?email=nobody.here%40example.com", hr);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, id));
	assert_non_null(strstr(r->body, "No request matches"));
	resp_free(r);

	/* the request's page: masked address, events, the actions */
	path = xasprintf("/staff/privacy/%s", id);
	r = get_page(path, hr);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, requester));
	assert_non_null(strstr(r->body, "***@"));
	assert_non_null(strstr(r->body, "Extend to 90 days"));
	assert_non_null(strstr(r->body, "<h2 id=\"e-title\">Events</h2><ol class=\"items\"><li>"));
	resp_free(r);

	/* extend: without the token refused; with it once; a second time 409 */
	char *ext = xasprintf("/staff/privacy/%s/extension", id);
	r = post_form(ext, "reason=busy", hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	expect_db_value(
	    "SELECT (extended_due_at IS NULL)::text FROM privacy_requests WHERE id = $1", id,
	    "true");
	body = xasprintf("csrf=%s&reason=", csrf);
	r = post_form(ext, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422); /* a reason is required */
	resp_free(r);
	free(body);
	body = xasprintf("csrf=%s&reason=The+archive+is+offsite", csrf);
	r = post_form(ext, body, hr, TEST_PUBLIC_URL);
	assert_see_other(r, path);
	resp_free(r);
	r = post_form(ext, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 409);
	resp_free(r);
	free(body);
	r = get_page(path, hr);
	assert_non_null(strstr(r->body, "The archive is offsite"));
	assert_non_null(strstr(r->body, "Extended once already"));
	resp_free(r);

	/* complete: a bad outcome 422 and nothing changes; then denied, with detail */
	char *done = xasprintf("/staff/privacy/%s/completion", id);
	body = xasprintf("csrf=%s&outcome=maybe", csrf);
	r = post_form(done, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);
	expect_db_value("SELECT status FROM privacy_requests WHERE id = $1", id,
	                "awaiting_verification");
	body = xasprintf("csrf=%s&outcome=denied&detail=Could+not+verify", csrf);
	r = post_form(done, body, hr, TEST_PUBLIC_URL);
	assert_see_other(r, path);
	resp_free(r);
	free(body);
	expect_db_value("SELECT status FROM privacy_requests WHERE id = $1", id, "denied");
	r = get_page(path, hr);
	assert_null(strstr(r->body, "Complete the request")); /* finished: no actions */
	resp_free(r);

	/* open ones first: the overdue one ended, a new one of theirs (due later) lists first */
	char *late_done = xasprintf("/staff/privacy/%s/completion", late);
	body = xasprintf("csrf=%s&outcome=denied", csrf);
	r = post_form(late_done, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 303);
	resp_free(r);
	free(body);
	free(late_done);
	body = xasprintf("csrf=%s&type=know_categories&channel=mail&email=%s", csrf, enc);
	r = post_form("/staff/privacy", body, hr, TEST_PUBLIC_URL);
	char *second = request_of(r);
	resp_free(r);
	free(body);
	char *find = xasprintf("/staff/privacy?email=%s", enc);
	r = get_page(find, hr);
	assert_non_null(strstr(r->body, second));
	assert_non_null(strstr(r->body, id));
	assert_non_null(strstr(r->body, late));
	assert_true(strstr(r->body, second) < strstr(r->body, late));
	resp_free(r);
	free(find);
	free(second);

	/* filters: denied and delete list it; in progress does not */
	r = get_page("/staff/privacy?status=denied&type=delete", hr);
	assert_non_null(strstr(r->body, id));
	resp_free(r);
	r = get_page("/staff/privacy?status=in_progress", hr);
	assert_null(strstr(r->body, id));
	resp_free(r);
	free(done);
	free(ext);
	free(path);
	free(enc);
	free(late);
	free(id);
	free(requester);
	free(csrf);
	free(hr);
}

static void
test_bad_record_and_metrics(void **state)
{
	(void)state;
	char *hr = member("hr", NULL), *csrf = csrf_of(hr), *body;
	/* a request by the agent channel without the agent: 422, nothing recorded */
	char *before = db_value("SELECT count(*) FROM privacy_requests", NULL);
	body = xasprintf("csrf=%s&type=delete&channel=agent&email=a%%40example.com", csrf);
	struct resp *r = post_form("/staff/privacy", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);
	body = xasprintf("csrf=%s&type=delete&channel=web&email=not-an-address", csrf);
	r = post_form("/staff/privacy", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);
	expect_db_value("SELECT count(*) FROM privacy_requests", NULL, before);
	free(before);

	r = get_page("/staff/privacy/metrics", hr);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "<svg class=\"chart\""));
	assert_non_null(strstr(r->body, "role=\"img\""));
	assert_null(strstr(r->body, "<script"));
	resp_free(r);
	r = get_page("/staff/privacy/not-an-id", hr);
	assert_int_equal(r->status, 404);
	resp_free(r);

	/* a recruiter: refused everywhere */
	char *rec = member("recruiter", NULL);
	static const char *const pages[] = {"/staff/privacy", "/staff/privacy/metrics", NULL};
	for (const char *const *p = pages; *p; p++) {
		r = get_page(*p, rec);
		assert_int_equal(r->status, 403);
		resp_free(r);
	}
	char *rcsrf = csrf_of(rec);
	body = xasprintf("csrf=%s&type=delete&channel=phone&email=b%%40example.com", rcsrf);
	r = post_form("/staff/privacy", body, rec, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	free(body);
	free(rcsrf);
	free(rec);
	free(csrf);
	free(hr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_record_extend_complete),
	    cmocka_unit_test(test_bad_record_and_metrics),
	};
	return cmocka_run_group_tests_name("api console privacy", tests, api_start, api_stop);
}
