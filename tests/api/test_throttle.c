/*
 * API: the rate limits of the public endpoints that take an e-mail address,
 * with their defaults: 30 a minute per client address (whatever token is
 * sent), 5 an hour per e-mail address and client address (so strangers
 * never lock the owner out), each endpoint counted on its own, in PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

static struct blob pdf;
static char *opening;

/* Start in a fresh minute window, with no hits counted from earlier runs. */
static void
fresh_window(void)
{
	char *s = db_value("SELECT floor(extract(second FROM clock_timestamp()))::int", NULL);
	int second = atoi(s);
	free(s);
	if (second > 45)
		sleep((unsigned)(61 - second));
	db_exec_sql("DELETE FROM rate_hits", NULL);
}

static struct resp *
sign_in(const char *email)
{
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	struct resp *r = http_json("POST", "/v1/me/sign-in", NULL, body);
	free(body);
	return r;
}

/* The wait in the words a person reads, from Retry-After's seconds (a page shows the detail). */
static char *
wait_words(int s)
{
	if (s < 90)
		return xasprintf("try again in %d seconds", s);
	if (s < 90 * 60)
		return xasprintf("try again in about %d minutes", (s + 59) / 60);
	return xasprintf("try again in about %d hours", (s + 3599) / 3600);
}

static void
expect_429(struct resp *r, int max_wait)
{
	assert_problem(r, 429, "too-many-requests");
	char *after = resp_header(r, "Retry-After");
	assert_non_null(after);
	int s = atoi(after);
	if (s < 1 || s > max_wait)
		fail_msg("Retry-After: %s", after);
	/* says how long to wait, never "a little" */
	char *words = wait_words(s);
	if (strstr(sget(r->json, "detail"), words) == NULL)
		fail_msg("a 429 with Retry-After %d says: %s", s, sget(r->json, "detail"));
	free(words);
	free(after);
}

static void
test_per_client_address(void **state)
{
	(void)state;
	fresh_window();
	char *known = new_staff_applicant("throttle", "Thro Ttle");
	char *known_email = record_field(known, "email");
	for (int i = 0; i < 30; i++) {
		char *email = unique_email("throttle");
		struct resp *r = sign_in(email);
		if (r->status != 202)
			fail_msg("sign-in %d: %ld", i + 1, r->status);
		resp_free(r);
		free(email);
	}
	/* the 31st in the minute, known address or not: the same 429 */
	char *unknown = unique_email("throttle");
	struct resp *a = sign_in(unknown), *b = sign_in(known_email);
	expect_429(a, 60);
	expect_429(b, 60);
	assert_string_equal(a->body, b->body);
	resp_free(a);
	resp_free(b);
	/* refused before anything is done: no link for the known address */
	expect_db_value("SELECT count(*) FROM sign_in_codes WHERE applicant_id = $1", known, "0");
	/* apply is counted on its own */
	struct applied c =
	    apply_confirmed(opening, "Other Endpoint", "throttle", pdf.data, pdf.len, NULL, NULL);
	applied_free(&c);
	/* the table holds keyed hashes, no address */
	expect_db_value("SELECT count(*) FROM rate_hits WHERE key_sha256 !~ '^[0-9a-f]{64}$' OR "
	                "key_sha256 LIKE '%127.0.0.1%'",
	                NULL, "0");
	free(unknown);
	free(known_email);
	free(known);
}

static struct resp *
apply_as(const char *email)
{
	struct part parts[] = {
	    {.name = "full_name", .value = "Rate Limited"},
	    {.name = "email", .value = email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	return http_form("POST", "/v1/apply", NULL, parts, NULL);
}

static struct resp *
sign_in_from(const char *email, const char *forwarded_for)
{
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	char *h = xasprintf("X-Forwarded-For: %s", forwarded_for);
	const char *headers[] = {h, NULL};
	struct resp *r = http("POST", "/v1/me/sign-in", NULL, "application/json", body, headers);
	free(h);
	free(body);
	return r;
}

/*
 * Behind a trusted proxy (RECRUITD_TRUSTED_PROXIES, here 127.0.0.1, where
 * the tests connect from), the client is the last address of
 * X-Forwarded-For: each client has its own 30 a minute, and what a client
 * puts before the proxy's address changes nothing.
 */
static void
test_behind_a_proxy(void **state)
{
	(void)state;
	fresh_window();
	for (int i = 0; i < 30; i++) {
		char *email = unique_email("proxied");
		/* the client's own claims first, then the address the proxy saw */
		char *xff = xasprintf("10.%d.0.1, 203.0.113.7", i);
		struct resp *r = sign_in_from(email, xff);
		if (r->status != 202)
			fail_msg("sign-in %d behind the proxy: %ld", i + 1, r->status);
		resp_free(r);
		free(xff);
		free(email);
	}
	/* a fresh address each time: only the limit per client is judged here */
	char *e[5];
	for (int i = 0; i < 5; i++)
		e[i] = unique_email("proxied");
	struct resp *r = sign_in_from(e[0], "203.0.113.7");
	expect_429(r, 60);
	resp_free(r);
	r = sign_in_from(e[1], "2001:DB8::7"); /* another client, written any way */
	assert_int_equal(r->status, 202);
	resp_free(r);
	r = sign_in_from(e[2], "2001:db8:0::7"); /* the same one */
	assert_int_equal(r->status, 202);
	resp_free(r);
	/* the connection's own address (no header, or no address in it) has its own count */
	r = sign_in(e[3]);
	assert_int_equal(r->status, 202);
	resp_free(r);
	r = sign_in_from(e[4], "not an address");
	assert_int_equal(r->status, 202);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM rate_hits WHERE key_sha256 LIKE '%203.0.113%'", NULL,
	                "0");
	for (int i = 0; i < 5; i++)
		free(e[i]);
}

static void
test_per_email_address(void **state)
{
	(void)state;
	fresh_window();
	forbid_in_log("Rate Limited");
	char *email = unique_email("perhour");
	for (int i = 0; i < 5; i++) {
		struct resp *r = apply_as(email);
		if (r->status != 202)
			fail_msg("apply %d: %ld", i + 1, r->status);
		resp_free(r);
	}
	/* the sixth in the hour for that address, however it is written */
	char *upper = xstrdup(email);
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	struct resp *r = apply_as(upper);
	expect_429(r, 3600);
	resp_free(r);
	/* a browser without JavaScript gets a page that says how long to wait */
	const char *browser[] = {"Accept: text/html", NULL};
	struct part parts[] = {
	    {.name = "full_name", .value = "Rate Limited"},
	    {.name = "email", .value = email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {0}};
	r = http_form("POST", "/v1/apply", NULL, parts, browser);
	assert_int_equal(r->status, 429);
	char *after = resp_header(r, "Retry-After"), *words = wait_words(atoi(after));
	if (strstr(r->body, words) == NULL)
		fail_msg("the page does not say \"%s\"", words);
	free(words);
	free(after);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM pending_submissions WHERE email_hash = $1::bytea",
	                email_hash_of(email), "5");
	/* another address from the same client is still welcome */
	char *other = unique_email("perhour");
	r = apply_as(other);
	assert_int_equal(r->status, 202);
	resp_free(r);
	/* sign-in for that address is counted on its own */
	r = sign_in(email);
	assert_int_equal(r->status, 202);
	resp_free(r);
	/* and so are privacy requests: 5 an hour for one address */
	char *body = xasprintf("{\"type\":\"know_categories\",\"email\":\"%s\"}", email);
	for (int i = 0; i < 5; i++) {
		r = http_json("POST", "/v1/privacy-requests", NULL, body);
		if (r->status != 202)
			fail_msg("privacy request %d: %ld", i + 1, r->status);
		resp_free(r);
	}
	r = http_json("POST", "/v1/privacy-requests", NULL, body);
	expect_429(r, 3600);
	resp_free(r);
	free(body);
	free(other);
	free(upper);
	free(email);
}

/*
 * Strangers asking for links to someone's address use up their own count,
 * never the owner's: nobody can lock a person out of signing in. The
 * answer is the same 429 for every address.
 */
static void
test_strangers_cannot_lock_out_the_owner(void **state)
{
	(void)state;
	fresh_window();
	char *owner = new_staff_applicant("lockout", "Lock Out");
	char *email = record_field(owner, "email");
	for (int i = 0; i < 5; i++) {
		struct resp *r = sign_in_from(email, "203.0.113.66");
		assert_int_equal(r->status, 202);
		resp_free(r);
	}
	struct resp *r = sign_in_from(email, "203.0.113.66");
	expect_429(r, 3600); /* the stranger is stopped */
	resp_free(r);
	db_exec_sql("DELETE FROM sign_in_codes WHERE applicant_id = $1", owner);
	r = sign_in_from(email, "198.51.100.20"); /* the owner, from their own address */
	assert_int_equal(r->status, 202);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM sign_in_codes WHERE applicant_id = $1", owner, "1");
	/* the same for a privacy request and an application */
	char *body = xasprintf("{\"type\":\"know_categories\",\"email\":\"%s\"}", email);
	char *xff = xasprintf("X-Forwarded-For: %s", "203.0.113.67");
	const char *stranger[] = {xff, NULL};
	for (int i = 0; i < 6; i++) {
		r = http("POST", "/v1/privacy-requests", NULL, "application/json", body, stranger);
		if (r->status != (i < 5 ? 202 : 429))
			fail_msg("privacy request %d from a stranger: %ld", i + 1, r->status);
		resp_free(r);
	}
	const char *own[] = {"X-Forwarded-For: 198.51.100.21", NULL};
	r = http("POST", "/v1/privacy-requests", NULL, "application/json", body, own);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(xff);
	free(body);
	free(email);
	free(owner);
}

/* An applicant's token is no pass: public intake counts the client whatever token comes. */
static void
test_a_token_is_no_pass(void **state)
{
	(void)state;
	fresh_window();
	struct applied a =
	    apply_confirmed(opening, "Tok En", "tokenpass", pdf.data, pdf.len, NULL, NULL);
	const char *from[] = {"X-Forwarded-For: 203.0.113.80", NULL};
	int accepted = 0;
	for (int i = 0; i < 31; i++) {
		char *email = unique_email("probe");
		char *body = xasprintf("{\"type\":\"know_categories\",\"email\":\"%s\"}", email);
		struct resp *r =
		    http("POST", "/v1/privacy-requests", a.token, "application/json", body, from);
		if (r->status == 202)
			accepted++;
		else
			assert_problem(r, 429, "too-many-requests");
		resp_free(r);
		free(body);
		free(email);
	}
	assert_int_equal(accepted, 30);
	applied_free(&a);
}

static int
setup(void **state)
{
	static const char *const defaults[] = {"RECRUITD_RATE_PER_ADDRESS_MINUTE=30",
	                                       "RECRUITD_RATE_PER_EMAIL_HOUR=5",
	                                       "RECRUITD_TRUSTED_PROXIES=127.0.0.1, ::1", NULL};
	(void)state;
	api_start_with(defaults);
	pdf = fixture_pdf(2000);
	opening = recruiter_opening("Throttled Role");
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_per_client_address),
	    cmocka_unit_test(test_per_email_address),
	    cmocka_unit_test(test_strangers_cannot_lock_out_the_owner),
	    cmocka_unit_test(test_a_token_is_no_pass),
	    cmocka_unit_test(test_behind_a_proxy),
	};
	return cmocka_run_group_tests_name("api throttle", tests, setup, teardown);
}
