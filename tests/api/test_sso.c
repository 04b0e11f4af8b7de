/*
 * Staff sign-in through OpenID Connect against a real provider (npm's
 * oidc-provider, tests/oidc/provider.mjs, on loopback): the round trip
 * (PKCE, state and nonce; the member found by verified address, or made
 * with the role the groups claim maps to), and every refusal: no mapped
 * role, an unverified address, an inactive member, a state not this
 * browser's or used twice, and ID tokens with a bad signature, another
 * audience, past their expiry, another nonce, alg "none", and a kid not
 * published (refused) then published (accepted once recruitd fetches the
 * keys again). An ES256 token is accepted.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "core/xalloc.h"
#include "harness.h"

#define SSO_COOKIE "__Host-recruitd-sso"

static pid_t provider;
static char issuer[64], secret_file[256], issuer_setting[96], secret_setting[300];
static CURL *browser; /* the provider's side of a browser: its own cookies */

static int
port_free(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	bind(s, (struct sockaddr *)&a, sizeof(a));
	getsockname(s, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

static int
setup(void **state)
{
	int port = port_free(), out[2];
	char ports[16], line[128] = "";

	snprintf(issuer, sizeof(issuer), "http://127.0.0.1:%d", port);
	snprintf(ports, sizeof(ports), "%d", port);
	if (pipe(out) != 0)
		return -1;
	if ((provider = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		char *script = xasprintf("%s/tests/oidc/provider.mjs", getenv("RECRUITD_HOME"));
		dup2(out[1], 1);
		close(out[0]);
		execlp("node", "node", script, ports, TEST_PUBLIC_URL "/staff/sign-in/callback",
		       (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	FILE *f = fdopen(out[0], "r");
	while (fgets(line, sizeof(line), f) != NULL && strncmp(line, "ready ", 6) != 0)
		;
	fclose(f);
	if (strncmp(line, "ready ", 6) != 0) {
		fprintf(stderr, "the identity provider did not start\n");
		return -1;
	}
	snprintf(secret_file, sizeof(secret_file), "%s/oidc-secret-%d",
	         getenv("RECRUITD_TEST_LOGDIR") ? getenv("RECRUITD_TEST_LOGDIR") : "/tmp",
	         (int)getpid());
	f = fopen(secret_file, "w");
	fputs("recruitd-test-secret\n", f);
	fclose(f);
	snprintf(issuer_setting, sizeof(issuer_setting), "RECRUITD_OIDC_ISSUER=%s", issuer);
	snprintf(secret_setting, sizeof(secret_setting), "RECRUITD_OIDC_CLIENT_SECRET_FILE=%s",
	         secret_file);
	static const char *settings[8];
	settings[0] = issuer_setting;
	settings[1] = secret_setting;
	settings[2] = "RECRUITD_OIDC_CLIENT_ID=recruitd";
	settings[3] = "RECRUITD_OIDC_HR_VALUES=staff-hr";
	settings[4] = "RECRUITD_OIDC_RECRUITER_VALUES=staff-recruiter";
	settings[5] = NULL;
	(void)state;
	return api_start_with(settings);
}

static int
teardown(void **state)
{
	int rc = api_stop(state);

	kill(provider, SIGTERM);
	waitpid(provider, NULL, 0);
	unlink(secret_file);
	return rc;
}

static size_t
ignore(char *d, size_t s, size_t n, void *a)
{
	(void)d;
	(void)a;
	return s * n;
}

/* A request to the provider (form NULL: GET): its status, and its Location (new) or NULL. */
static long
provider_call(const char *url, const char *form, char **location)
{
	char *full = url[0] == '/' ? xasprintf("%s%s", issuer, url) : xstrdup(url);
	long status = 0;
	char *loc = NULL;

	curl_easy_setopt(browser, CURLOPT_URL, full);
	curl_easy_setopt(browser, CURLOPT_WRITEFUNCTION, ignore);
	curl_easy_setopt(browser, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(browser, CURLOPT_HTTPGET, 1L);
	if (form)
		curl_easy_setopt(browser, CURLOPT_POSTFIELDS, form);
	assert_int_equal(curl_easy_perform(browser), CURLE_OK);
	curl_easy_getinfo(browser, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(browser, CURLINFO_REDIRECT_URL, &loc);
	*location = loc ? xstrdup(loc) : NULL;
	free(full);
	return status;
}

/* Set the provider's test mode (how it rewrites ID tokens). */
static void
provider_mode(const char *mode)
{
	char *url = xasprintf("%s/test/mode", issuer), *loc;
	curl_easy_setopt(browser, CURLOPT_URL, url);
	curl_easy_setopt(browser, CURLOPT_POSTFIELDS, mode);
	long status = 0;
	assert_int_equal(curl_easy_perform(browser), CURLE_OK);
	curl_easy_getinfo(browser, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 204);
	(void)loc;
	free(url);
}

/* The result of a sign-in through the provider. */
struct sso {
	long status;    /* recruitd's answer to the callback */
	char *cookie;   /* the session's, or NULL */
	char *callback; /* the callback's path and query (to try again) */
	char *state;    /* this browser's sso cookie */
};

static void
sso_free(struct sso *s)
{
	free(s->cookie);
	free(s->callback);
	free(s->state);
}

/* Begin at recruitd, sign in at the provider as login, come back: what recruitd answered. */
static struct sso
sign_in_sso(const char *login, bool with_state_cookie)
{
	struct sso s = {0};
	char *loc, *next;

	browser = curl_easy_init();
	curl_easy_setopt(browser, CURLOPT_COOKIEFILE, "");
	struct resp *r = get_page("/staff/sign-in/sso", NULL);
	assert_int_equal(r->status, 303);
	char *auth = resp_header(r, "Location"), *set = resp_header(r, "Set-Cookie");
	assert_true(strncmp(auth, issuer, strlen(issuer)) == 0);
	assert_non_null(strstr(auth, "code_challenge_method=S256"));
	assert_non_null(strstr(auth, "&nonce="));
	assert_true(strncmp(set, SSO_COOKIE "=", strlen(SSO_COOKIE) + 1) == 0);
	s.state =
	    xstrndup(set + strlen(SSO_COOKIE) + 1, strcspn(set + strlen(SSO_COOKIE) + 1, ";"));
	resp_free(r);
	free(set);

	assert_int_equal(provider_call(auth, NULL, &loc), 303); /* to the login page */
	assert_int_equal(provider_call(loc, NULL, &next), 200);
	char *form = xasprintf("login=%s", login), *post = xasprintf("%s/login", loc);
	free(next);
	assert_int_equal(provider_call(post, form, &next), 303); /* back to the authorization */
	free(loc);
	assert_int_equal(provider_call(next, NULL, &loc), 303); /* to recruitd's callback */
	assert_true(strncmp(loc, TEST_PUBLIC_URL, strlen(TEST_PUBLIC_URL)) == 0);
	s.callback = xstrdup(loc + strlen(TEST_PUBLIC_URL));
	free(next);
	free(form);
	free(post);
	free(loc);
	free(auth);
	curl_easy_cleanup(browser);

	char *cookie = xasprintf("Cookie: " SSO_COOKIE "=%s", s.state);
	const char *headers[] = {cookie, NULL};
	r = http("GET", s.callback, NULL, NULL, NULL, with_state_cookie ? headers : NULL);
	s.status = r->status;
	char *sets = resp_header(r, "Set-Cookie");
	if (r->status == 303 && sets != NULL && strstr(r->headers, COOKIE "=rkc_") != NULL) {
		const char *at = strstr(r->headers, COOKIE "=rkc_") + strlen(COOKIE) + 1;
		s.cookie = xstrndup(at, strcspn(at, ";\r\n"));
		forbid_in_log(s.cookie);
	}
	free(sets);
	free(cookie);
	resp_free(r);
	return s;
}

static char *
login_for(const char *prefix)
{
	static int seq;
	return xasprintf("%s.%d-%d-%ld@example.com", prefix, (int)getpid(), ++seq,
	                 (long)time(NULL));
}

static void
test_round_trip_makes_a_member(void **state)
{
	(void)state;
	char *login = login_for("rec");
	struct sso s = sign_in_sso(login, true);

	assert_int_equal(s.status, 303);
	assert_non_null(s.cookie);
	assert_true(works(s.cookie));
	expect_db_value("SELECT role || ':' || active FROM staff_members WHERE work_email = $1",
	                login, "recruiter:true");
	expect_db_value(
	    "SELECT count(*) FROM audit_log WHERE action = 'staff.sign_in' AND target = "
	    "'session:oidc' AND actor = (SELECT 'member:' || id FROM staff_members WHERE "
	    "work_email = $1)",
	    login, "1");
	/* the state was used: the same callback again is refused */
	char *cookie = xasprintf("Cookie: " SSO_COOKIE "=%s", s.state);
	const char *headers[] = {cookie, NULL};
	struct resp *r = http("GET", s.callback, NULL, NULL, NULL, headers);
	assert_int_equal(r->status, 403);
	resp_free(r);
	free(cookie);
	sso_free(&s);
	free(login);
}

static void
test_existing_member_and_refusals_by_person(void **state)
{
	(void)state;
	/* in the directory already: enters with the directory's role, whatever the claim */
	char *known = login_for("none"), *id = add_member(known, "hr");
	struct sso s = sign_in_sso(known, true);
	assert_int_equal(s.status, 303);
	assert_true(works(s.cookie));
	sso_free(&s);
	/* deactivated: no entry */
	char *path = xasprintf("/v1/staff/%s", id);
	struct resp *r = http_json("PATCH", path, staff.hr, "{\"active\": false}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	s = sign_in_sso(known, true);
	assert_int_equal(s.status, 403);
	assert_null(s.cookie);
	sso_free(&s);
	/* a stranger whose claim maps to no role: no entry, and no member made */
	char *stranger = login_for("none");
	s = sign_in_sso(stranger, true);
	assert_int_equal(s.status, 403);
	assert_null(s.cookie);
	expect_db_value("SELECT count(*) FROM staff_members WHERE work_email = $1", stranger, "0");
	sso_free(&s);
	/* an address the provider has not verified: no entry */
	char *unverified = login_for("unverified.rec");
	s = sign_in_sso(unverified, true);
	assert_int_equal(s.status, 403);
	sso_free(&s);
	/* the callback in a browser that did not begin the sign-in: refused */
	char *other = login_for("hr");
	s = sign_in_sso(other, false);
	assert_int_equal(s.status, 403);
	assert_null(s.cookie);
	expect_db_value("SELECT count(*) FROM staff_members WHERE work_email = $1", other, "0");
	sso_free(&s);
	/* an address that only folds like a member's ("ß" for "ss"): not that member */
	static int seq;
	char *member = xasprintf("none.strasse.%d-%d@example.com", (int)getpid(), ++seq),
	     *lookalike = xasprintf("none.stra\u00dfe.%d-%d@example.com", (int)getpid(), seq);
	char *mid = add_member(member, "hr");
	s = sign_in_sso(lookalike, true);
	assert_int_equal(s.status, 403);
	assert_null(s.cookie);
	sso_free(&s);
	s = sign_in_sso(member, true); /* while the member's own address enters */
	assert_int_equal(s.status, 303);
	assert_true(works(s.cookie));
	sso_free(&s);
	free(mid);
	free(lookalike);
	free(member);
	free(other);
	free(unverified);
	free(stranger);
	free(path);
	free(id);
	free(known);
}

/* Each ID token the provider is made to give wrong is refused; no session, no member. */
static void
test_bad_tokens_are_refused(void **state)
{
	(void)state;
	const char *modes[] = {"bad-signature", "wrong-aud", "expired",
	                       "wrong-nonce",   "alg-none",  "rotated"};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char *login = login_for("hr");
		browser = curl_easy_init();
		provider_mode(modes[i]);
		curl_easy_cleanup(browser);
		struct sso s = sign_in_sso(login, true);
		if (s.status != 403)
			fail_msg("an ID token %s was not refused (%ld)", modes[i], s.status);
		assert_null(s.cookie);
		expect_db_value("SELECT count(*) FROM staff_members WHERE work_email = $1", login,
		                "0");
		sso_free(&s);
		free(login);
	}
	/* the rotated key published: recruitd fetches the keys again and accepts it */
	browser = curl_easy_init();
	provider_mode("rotated-published");
	curl_easy_cleanup(browser);
	char *login = login_for("hr");
	struct sso s = sign_in_sso(login, true);
	assert_int_equal(s.status, 303);
	assert_true(works(s.cookie));
	expect_db_value("SELECT role FROM staff_members WHERE work_email = $1", login, "hr");
	sso_free(&s);
	free(login);
	/* ES256 is accepted too */
	browser = curl_easy_init();
	provider_mode("es256");
	curl_easy_cleanup(browser);
	login = login_for("rec");
	s = sign_in_sso(login, true);
	assert_int_equal(s.status, 303);
	assert_true(works(s.cookie));
	sso_free(&s);
	free(login);
	browser = curl_easy_init();
	provider_mode("");
	curl_easy_cleanup(browser);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_makes_a_member),
	    cmocka_unit_test(test_existing_member_and_refusals_by_person),
	    cmocka_unit_test(test_bad_tokens_are_refused),
	};
	return cmocka_run_group_tests_name("sso", tests, setup, teardown);
}
