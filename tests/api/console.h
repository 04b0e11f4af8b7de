/*
 * console: what the API tests of the staff console share: members added,
 * signed in by the e-mailed link, pages and form posts with the session
 * cookie and the site's Origin.
 */
#ifndef RECRUITD_TEST_CONSOLE_H
#define RECRUITD_TEST_CONSOLE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))
#define COOKIE "__Host-recruitd" /* the test's public URL is https */
#define FORM "application/x-www-form-urlencoded"

/* POST /v1/staff as hr: the new member's id (new string). */
UNUSED static char *
add_member(const char *email, const char *role)
{
	char *body = xasprintf("{\"email\": \"%s\", \"name\": \"Console User\", \"role\": \"%s\"}",
	                       email, role);
	struct resp *r = http_json("POST", "/v1/staff", staff.hr, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

UNUSED static struct resp *
post_form(const char *path, const char *body, const char *cookie, const char *origin)
{
	char *c = cookie ? xasprintf("Cookie: " COOKIE "=%s", cookie) : NULL;
	char *o = origin ? xasprintf("Origin: %s", origin) : NULL;
	const char *headers[3] = {0};
	int n = 0;

	if (c)
		headers[n++] = c;
	if (o)
		headers[n++] = o;
	struct resp *r = http("POST", path, NULL, FORM, body, headers);
	free(c);
	free(o);
	return r;
}

UNUSED static struct resp *
get_page(const char *path, const char *cookie)
{
	char *c = cookie ? xasprintf("Cookie: " COOKIE "=%s", cookie) : NULL;
	const char *headers[2] = {c, NULL};
	struct resp *r = http("GET", path, NULL, NULL, NULL, c ? headers : NULL);
	free(c);
	return r;
}

UNUSED static void
assert_see_other(const struct resp *r, const char *location)
{
	assert_int_equal(r->status, 303);
	char *loc = resp_header(r, "Location");
	assert_string_equal(loc, location);
	free(loc);
}

/* Ask for a sign-in link to email: its code, read from the delivered message (new string). */
UNUSED static char *
link_code(const char *email)
{
	char *body = xasprintf("email=%s", email);
	struct resp *r = post_form("/staff/sign-in", body, NULL, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/sign-in?sent=1");
	resp_free(r);
	free(body);
	char *code = mail_code(email, "/staff/sign-in");
	assert_non_null(code);
	return code;
}

/* Ask for a link to email and follow it: the session cookie's value (new string). */
UNUSED static char *
sign_in(const char *email)
{
	char *code = link_code(email);
	char *body = xasprintf("code=%s", code);
	struct resp *r = post_form("/staff/sessions", body, NULL, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff");
	char *set = resp_header(r, "Set-Cookie");
	assert_non_null(set);
	assert_true(strncmp(set, COOKIE "=rkc_", strlen(COOKIE) + 5) == 0);
	char *token = xstrndup(set + strlen(COOKIE) + 1, strcspn(set + strlen(COOKIE) + 1, ";"));
	forbid_in_log(token);
	free(set);
	resp_free(r);
	free(body);
	free(code);
	return token;
}

/* The CSRF token a page of the session shows in its forms (new string). */
UNUSED static char *
csrf_of(const char *cookie)
{
	struct resp *r = get_page("/staff", cookie);
	assert_int_equal(r->status, 200);
	const char *at = strstr(r->body, "name=\"csrf\" value=\"");
	assert_non_null(at);
	at += strlen("name=\"csrf\" value=\"");
	char *csrf = xstrndup(at, strcspn(at, "\""));
	resp_free(r);
	return csrf;
}

/* Whether the session works: GET /staff is the page, not a way to the sign-in page. */
UNUSED static bool
works(const char *cookie)
{
	struct resp *r = get_page("/staff", cookie);
	long s = r->status;
	if (s == 303) {
		char *loc = resp_header(r, "Location");
		assert_string_equal(loc, "/staff/sign-in");
		free(loc);
	}
	resp_free(r);
	return s == 200;
}

/* The key id of a cookie's token: rkc_KEYID_SECRET. */
UNUSED static char *
key_id_of(const char *cookie)
{
	return xstrndup(cookie + 4, 16);
}

#endif
