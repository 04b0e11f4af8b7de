/*
 * The staff console's sign-in and sessions: the e-mailed link (the same
 * answer for every address; a GET never uses the code), the session cookie
 * (its name and attributes; never a key to /v1), the CSRF token and the
 * Origin check on every post (403, nothing changed, without either), and
 * the ends of a session: sign-out, 8 hours idle, 24 hours in all (the clock
 * moved in the database, never slept), a deactivation or a role change.
 * A link works for 15 minutes, once, while its member is active; asking
 * for links is rate-limited per address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

static void
test_sign_in_by_link(void **state)
{
	(void)state;
	char *email = unique_email("console-link");
	char *id = add_member(email, "recruiter");
	char *body = xasprintf("email=%s", email);
	struct resp *r = post_form("/staff/sign-in", body, NULL, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/sign-in?sent=1");
	resp_free(r);
	char *code = mail_code(email, "/staff/sign-in");
	assert_non_null(code);

	/* the link's page shows a button; the GET uses nothing up */
	char *path = xasprintf("/staff/sign-in?code=%s&utm_source=mail", code);
	r = get_page(path, NULL);
	assert_int_equal(r->status, 200);
	char *ct = resp_header(r, "Content-Type");
	assert_string_equal(ct, "text/html; charset=utf-8");
	free(ct);
	char *csp = resp_header(r, "Content-Security-Policy");
	assert_non_null(strstr(csp, "script-src 'self'"));
	free(csp);
	assert_non_null(strstr(r->body, "action=\"/staff/sessions\""));
	resp_free(r);
	free(path);

	free(body);
	body = xasprintf("code=%s", code);
	r = post_form("/staff/sessions", body, NULL, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff");
	char *set = resp_header(r, "Set-Cookie");
	assert_non_null(strstr(set, "; Path=/"));
	assert_non_null(strstr(set, "; HttpOnly"));
	assert_non_null(strstr(set, "; SameSite=Lax"));
	assert_non_null(strstr(set, "; Secure"));
	char *cookie = xstrndup(set + strlen(COOKIE) + 1, strcspn(set + strlen(COOKIE) + 1, ";"));
	free(set);
	resp_free(r);
	assert_true(works(cookie));
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'staff.sign_in' AND actor = "
	                "'member:' || $1",
	                id, "1");
	/* the code works once */
	r = post_form("/staff/sessions", body, NULL, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 404);
	assert_null(resp_header(r, "Set-Cookie"));
	resp_free(r);
	/* only its hash is stored: the row is there, the secret is not */
	expect_db_value("SELECT count(*) FROM staff_sessions WHERE key_id = substr($1, 5, 16) AND "
	                "strpos(secret_sha256, substr($1, 22)) = 0",
	                cookie, "1");
	free(cookie);
	free(code);
	free(body);
	free(id);
	free(email);
}

/*
 * An address that only folds like a member's ("ß" for "ss": one key, two
 * mailboxes, as straße.de and strasse.de are two domains) gets the same
 * answer as any other, and no link to the member's console.
 */
static void
test_lookalike_gets_no_link(void **state)
{
	(void)state;
	char *u = unique_email("console-fold");
	char *owner = xasprintf("strasse.%s", u), *typed = xasprintf("stra%%C3%%9Fe.%s", u);
	char *id = add_member(owner, "hr");
	char *body = xasprintf("email=%s", typed);
	struct resp *r = post_form("/staff/sign-in", body, NULL, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/sign-in?sent=1");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE member_id = $1", id, "0");
	free(body);
	body = xasprintf("email=%s", owner); /* the member's own address still works */
	r = post_form("/staff/sign-in", body, NULL, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/sign-in?sent=1");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE member_id = $1", id, "1");
	free(body);
	free(id);
	free(typed);
	free(owner);
	free(u);
}

/* A member, a stranger and a deactivated member get the same answer; only the member mail. */
static void
test_same_answer_for_every_address(void **state)
{
	(void)state;
	char *member = unique_email("console-member"), *stranger = unique_email("console-stranger");
	char *off = unique_email("console-off");
	char *id = add_member(member, "hr"), *off_id = add_member(off, "recruiter");
	char *path = xasprintf("/v1/staff/%s", off_id);
	struct resp *r = http_json("PATCH", path, staff.hr, "{\"active\": false}");
	assert_int_equal(r->status, 200);
	resp_free(r);

	char *b1 = xasprintf("email=%s", member), *b2 = xasprintf("email=%s", stranger),
	     *b3 = xasprintf("email=%s", off);
	struct resp *a = post_form("/staff/sign-in", b1, NULL, TEST_PUBLIC_URL);
	struct resp *b = post_form("/staff/sign-in", b2, NULL, TEST_PUBLIC_URL);
	struct resp *c = post_form("/staff/sign-in", b3, NULL, TEST_PUBLIC_URL);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->status, c->status);
	char *la = resp_header(a, "Location"), *lb = resp_header(b, "Location"),
	     *lc = resp_header(c, "Location");
	assert_string_equal(la, lb);
	assert_string_equal(la, lc);
	assert_int_equal(a->len, b->len);
	assert_int_equal(a->len, c->len);
	char *code = mail_code(member, "/staff/sign-in");
	assert_non_null(code);
	/* a link is wanted by the member only: nothing went to the others */
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE member_id = $1", off_id,
	                "0");
	free(code);
	free(la);
	free(lb);
	free(lc);
	resp_free(a);
	resp_free(b);
	resp_free(c);
	/* an invalid address is told so (the form again), changing nothing */
	r = post_form("/staff/sign-in", "email=not-an-address", NULL, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(b1);
	free(b2);
	free(b3);
	free(path);
	free(id);
	free(off_id);
	free(member);
	free(stranger);
	free(off);
}

static void
test_cookie_never_authorizes_v1(void **state)
{
	(void)state;
	char *email = unique_email("console-v1");
	char *id = add_member(email, "hr");
	char *cookie = sign_in(email);
	char *h = xasprintf("Cookie: " COOKIE "=%s", cookie);
	const char *headers[] = {h, NULL};

	assert_true(works(cookie));
	struct resp *r = http("GET", "/v1/applicants", NULL, NULL, NULL, headers);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	r = http("GET", "/v1/staff", NULL, NULL, NULL, headers);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	/* nor does a session token as a bearer token */
	r = http_json("GET", "/v1/applicants", cookie, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);
	/* a page without a session sends the browser to sign in */
	r = get_page("/staff", NULL);
	assert_see_other(r, "/staff/sign-in");
	resp_free(r);
	free(h);
	free(cookie);
	free(id);
	free(email);
}

/* A post without the CSRF token, or from another origin, is 403 and changes nothing. */
static void
test_csrf_and_origin(void **state)
{
	(void)state;
	char *email = unique_email("console-csrf");
	char *id = add_member(email, "recruiter");
	char *cookie = sign_in(email), *csrf = csrf_of(cookie);
	char *with = xasprintf("csrf=%s", csrf);

	struct resp *r = post_form("/staff/sign-out", "", cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	r = post_form("/staff/sign-out", "csrf=0000", cookie, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	r = post_form("/staff/sign-out", with, cookie, "https://evil.example");
	assert_int_equal(r->status, 403);
	resp_free(r);
	r = post_form("/staff/sign-out", with, cookie, NULL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	assert_true(works(cookie)); /* nothing changed */
	/* a sign-in asked from another site is refused too, and sends nothing */
	char *body = xasprintf("email=%s", email);
	r = post_form("/staff/sign-in", body, NULL, "https://evil.example");
	assert_int_equal(r->status, 403);
	resp_free(r);
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE member_id = $1", id, "0");
	/* with both, the post works: signed out */
	r = post_form("/staff/sign-out", with, cookie, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/sign-in");
	char *set = resp_header(r, "Set-Cookie");
	assert_non_null(strstr(set, "Max-Age=0"));
	free(set);
	resp_free(r);
	assert_false(works(cookie));
	free(body);
	free(with);
	free(csrf);
	free(cookie);
	free(id);
	free(email);
}

/* 8 hours idle, 24 hours in all: the clock moved in the database, not slept. */
static void
test_expiry(void **state)
{
	(void)state;
	char *email = unique_email("console-expiry");
	char *id = add_member(email, "recruiter");
	char *idle = sign_in(email), *old = sign_in(email), *fine = sign_in(email);
	char *k_idle = key_id_of(idle), *k_old = key_id_of(old), *k_fine = key_id_of(fine);

	db_exec_sql("UPDATE staff_sessions SET last_seen_at = now() - interval '8 hours 1 minute' "
	            "WHERE key_id = $1",
	            k_idle);
	db_exec_sql("UPDATE staff_sessions SET created_at = now() - interval '24 hours 1 minute' "
	            "WHERE key_id = $1",
	            k_old);
	db_exec_sql(
	    "UPDATE staff_sessions SET created_at = now() - interval '23 hours 50 minutes', "
	    "last_seen_at = now() - interval '7 hours 50 minutes' WHERE key_id = $1",
	    k_fine);
	assert_false(works(idle));
	assert_false(works(old));
	assert_true(works(fine));
	/* a use moves the idle clock: it now has 8 hours again */
	expect_db_value("SELECT count(*) FROM staff_sessions WHERE key_id = $1 AND last_seen_at > "
	                "now() - interval '1 minute'",
	                k_fine, "1");
	free(k_idle);
	free(k_old);
	free(k_fine);
	free(idle);
	free(old);
	free(fine);
	free(id);
	free(email);
}

/* Deactivating a member, or changing their role, ends their sessions at once. */
static void
test_deactivation_and_role_change_end_sessions(void **state)
{
	(void)state;
	char *a = unique_email("console-deact"), *b = unique_email("console-role");
	char *ida = add_member(a, "recruiter"), *idb = add_member(b, "recruiter");
	char *ca = sign_in(a), *cb = sign_in(b);
	char *pa = xasprintf("/v1/staff/%s", ida), *pb = xasprintf("/v1/staff/%s", idb);

	assert_true(works(ca));
	assert_true(works(cb));
	struct resp *r = http_json("PATCH", pa, staff.hr, "{\"active\": false}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	r = http_json("PATCH", pb, staff.hr, "{\"role\": \"hr\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	assert_false(works(ca));
	assert_false(works(cb));
	expect_db_value("SELECT count(*) FROM staff_sessions WHERE member_id = $1", ida, "0");
	free(pa);
	free(pb);
	free(ca);
	free(cb);
	free(ida);
	free(idb);
	free(a);
	free(b);
}

/* Whether the code opens a session: POST /staff/sessions is 303 with a cookie, else 404. */
static bool
opens(const char *code)
{
	char *body = xasprintf("code=%s", code);
	struct resp *r = post_form("/staff/sessions", body, NULL, TEST_PUBLIC_URL);
	bool ok = r->status == 303;
	char *set = resp_header(r, "Set-Cookie");
	if (!ok) {
		assert_int_equal(r->status, 404);
		assert_null(set);
	}
	free(set);
	resp_free(r);
	free(body);
	return ok;
}

/* A link works for 15 minutes (the clock moved in the database), and only while its member is
 * active: a link asked before a deactivation opens nothing after it. */
static void
test_link_expiry_and_deactivation(void **state)
{
	(void)state;
	char *a = unique_email("console-late"), *b = unique_email("console-gone");
	char *ida = add_member(a, "recruiter"), *idb = add_member(b, "recruiter");

	char *late = link_code(a);
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE member_id = $1 AND "
	                "expires_at BETWEEN now() + interval '14 minutes' AND now() + interval "
	                "'15 minutes'",
	                ida, "1");
	db_exec_sql("UPDATE staff_sign_in_codes SET expires_at = now() - interval '1 second' "
	            "WHERE member_id = $1",
	            ida);
	assert_false(opens(late));
	char *fresh = link_code(a);
	assert_true(opens(fresh));

	char *gone = link_code(b), *path = xasprintf("/v1/staff/%s", idb);
	struct resp *r = http_json("PATCH", path, staff.hr, "{\"active\": false}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	assert_false(opens(gone));
	expect_db_value("SELECT count(*) FROM staff_sessions WHERE member_id = $1", idb, "0");
	free(path);
	free(gone);
	free(fresh);
	free(late);
	free(ida);
	free(idb);
	free(a);
	free(b);
}

/* Asking for links is limited per address (5 an hour), the same for a member and a stranger. */
static void
test_sign_in_rate_limit(void **state)
{
	(void)state;
	char *member = unique_email("console-many"), *stranger = unique_email("console-nobody");
	char *id = add_member(member, "recruiter");
	const char *who[] = {member, stranger};

	for (int w = 0; w < 2; w++) {
		char *body = xasprintf("email=%s", who[w]);
		for (int i = 0; i < 5; i++) {
			struct resp *r = post_form("/staff/sign-in", body, NULL, TEST_PUBLIC_URL);
			assert_see_other(r, "/staff/sign-in?sent=1");
			resp_free(r);
		}
		struct resp *r = post_form("/staff/sign-in", body, NULL, TEST_PUBLIC_URL);
		assert_int_equal(r->status, 429);
		char *wait = resp_header(r, "Retry-After"), *ct = resp_header(r, "Content-Type");
		assert_non_null(wait);
		assert_true(atoi(wait) > 0);
		assert_string_equal(ct, "text/html; charset=utf-8");
		free(wait);
		free(ct);
		resp_free(r);
		free(body);
	}
	expect_db_value("SELECT count(*) FROM staff_sign_in_codes WHERE member_id = $1", id, "5");
	free(id);
	free(member);
	free(stranger);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign_in_by_link),
	    cmocka_unit_test(test_same_answer_for_every_address),
	    cmocka_unit_test(test_lookalike_gets_no_link),
	    cmocka_unit_test(test_cookie_never_authorizes_v1),
	    cmocka_unit_test(test_csrf_and_origin),
	    cmocka_unit_test(test_expiry),
	    cmocka_unit_test(test_deactivation_and_role_change_end_sessions),
	    cmocka_unit_test(test_link_expiry_and_deactivation),
	    cmocka_unit_test(test_sign_in_rate_limit),
	};
	return cmocka_run_group_tests_name("console", tests, api_start, api_stop);
}
