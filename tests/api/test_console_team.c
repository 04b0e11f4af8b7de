/*
 * HR's /staff/team: a member added, a key made for them (its token on that
 * answer only, working at once, never on the page again), a name never
 * reused, a key revoked (it stops working), a member changed with the
 * version the form was drawn from (a stale form is 412 and changes
 * nothing), and a recruiter refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

static char *
token_in(const char *body)
{
	const char *at = strstr(body, "<code class=\"token\">");
	if (at == NULL)
		return NULL;
	at += strlen("<code class=\"token\">");
	return xstrndup(at, strcspn(at, "<"));
}

static long
status_with(const char *token)
{
	struct resp *r = http_json("GET", "/v1/openings?limit=1", token, NULL);
	long s = r->status;
	resp_free(r);
	return s;
}

static void
test_members_and_keys(void **state)
{
	(void)state;
	char *hr_email = unique_email("teamhr");
	free(add_member(hr_email, "hr"));
	char *hr = sign_in(hr_email), *csrf = csrf_of(hr), *body;
	struct resp *r = get_page("/staff/team", hr);
	assert_int_equal(r->status, 200);
	resp_free(r);

	/* a member added from the page */
	char *new_email = unique_email("teamnew");
	body = xasprintf("csrf=%s&email=%s&name=Nora+New&role=recruiter", csrf, new_email);
	for (char *p = strchr(body, '@'); p; p = NULL) { /* the form's encoding of @ */
		char *enc = xasprintf("%.*s%%40%s", (int)(p - body), body, p + 1);
		free(body);
		body = enc;
	}
	r = post_form("/staff/team", body, hr, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/team");
	resp_free(r);
	free(body);
	char *member =
	    db_value("SELECT id::text FROM staff_members WHERE work_email = $1", new_email);
	assert_non_null(member);

	/* a key for them: its token on this answer, working at once */
	char name[64];
	snprintf(name, sizeof(name), "team-%d-%ld", (int)getpid(), (long)time(NULL));
	body = xasprintf("csrf=%s&member_id=%s&name=%s", csrf, member, name);
	r = post_form("/staff/team/keys", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 201);
	char *token = token_in(r->body);
	assert_non_null(token);
	forbid_in_log(token);
	resp_free(r);
	assert_int_equal(status_with(token), 200);
	r = get_page("/staff/team", hr);
	assert_null(strstr(r->body, token)); /* shown once */
	assert_non_null(strstr(r->body, name));
	resp_free(r);
	/* a name is never reused */
	r = post_form("/staff/team/keys", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 409);
	resp_free(r);
	free(body);
	/* a bad name: 422, no key */
	body = xasprintf("csrf=%s&member_id=%s&name=no+spaces", csrf, member);
	r = post_form("/staff/team/keys", body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(body);

	/* revoked: without the token refused; then it stops working */
	char *revoke = xasprintf("/staff/team/keys/%s/revocation", name);
	r = post_form(revoke, "", hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	assert_int_equal(status_with(token), 200);
	body = xasprintf("csrf=%s", csrf);
	r = post_form(revoke, body, hr, TEST_PUBLIC_URL);
	assert_see_other(r, "/staff/team");
	resp_free(r);
	/* every process forgets a revoked key when PostgreSQL tells it (a bound, not a delay) */
	for (int i = 0; i < 200 && status_with(token) != 401; i++)
		usleep(25000);
	assert_int_equal(status_with(token), 401);
	r = post_form(revoke, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 404); /* no active key of that name */
	resp_free(r);
	free(body);
	expect_db_value("SELECT count(*) FROM audit_log WHERE action IN ('staff.key_create', "
	                "'staff.key_revoke') AND target LIKE 'key:' || $1 || '%'",
	                name, "2");

	/* a change over the version the form showed; the same form again is stale */
	char *version = db_value("SELECT version::text FROM staff_members WHERE id = $1", member);
	char *change = xasprintf("/staff/team/%s", member);
	body = xasprintf("csrf=%s&role=recruiter&digest=true&version=%s", csrf, version);
	r = post_form(change, body, hr, TEST_PUBLIC_URL); /* active unticked: deactivated */
	assert_see_other(r, "/staff/team");
	resp_free(r);
	expect_db_value("SELECT active::text || digest::text FROM staff_members WHERE id = $1",
	                member, "falsetrue");
	r = post_form(change, body, hr, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 412);
	resp_free(r);
	free(body);

	/* a recruiter: refused */
	char *rec_email = unique_email("teamrec");
	free(add_member(rec_email, "recruiter"));
	char *rec = sign_in(rec_email), *rcsrf = csrf_of(rec);
	r = get_page("/staff/team", rec);
	assert_int_equal(r->status, 403);
	resp_free(r);
	body = xasprintf("csrf=%s&member_id=%s&name=sneaky-%d", rcsrf, member, (int)getpid());
	r = post_form("/staff/team/keys", body, rec, TEST_PUBLIC_URL);
	assert_int_equal(r->status, 403);
	resp_free(r);
	free(body);
	free(rcsrf);
	free(rec);
	free(rec_email);
	free(change);
	free(version);
	free(revoke);
	free(token);
	free(member);
	free(new_email);
	free(csrf);
	free(hr);
	free(hr_email);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members_and_keys),
	};
	return cmocka_run_group_tests_name("api console team", tests, api_start, api_stop);
}
