/*
 * API: what an outside security run did to privacy requests and the
 * applicant's page, each attack end to end. Taking a record over through a
 * public correct request; a new e-mail address that takes effect only by
 * the link sent to it (a privacy correction and PATCH /v1/me alike); the
 * crash of a copy's verification without its declaration; a deletion racing
 * a legal hold; enumeration through the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

static char *opening, *iceland;
static struct blob pdf;

static struct resp *
public_request(const char *type, const char *email, const char *extra)
{
	char *body = xasprintf("{\"type\":\"%s\",\"email\":\"%s\"%s%s}", type, email,
	                       extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/privacy-requests", NULL, body);
	free(body);
	return r;
}

static struct resp *
verify_with(const char *code, const char *extra)
{
	char *body = xasprintf("{\"code\":\"%s\"%s%s}", code, extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/privacy-requests/verifications", NULL, body);
	free(body);
	return r;
}

/* The code of the newest link {PUBLIC_URL}/me?email_code=CODE e-mailed to `to`, or NULL. */
static char *
email_code(const char *to)
{
	const char *want = TEST_PUBLIC_URL "/me?email_code=";
	char *text = mail_find(to, want), *code = NULL;

	if (text != NULL) {
		const char *at = strstr(text, want) + strlen(want);
		code = xstrndup(at, strcspn(at, "\r\n \t"));
		free(text);
	}
	return code;
}

/* Whether a sign-in asked for `email` gave the record `applicant` a code. */
static bool
sign_in_reaches(const char *email, const char *applicant)
{
	db_exec_sql("DELETE FROM sign_in_codes WHERE applicant_id = $1", applicant);
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	struct resp *r = http_json("POST", "/v1/me/sign-in", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(body);
	char *n = db_value("SELECT count(*) FROM sign_in_codes WHERE applicant_id = $1", applicant);
	bool reached = strcmp(n, "1") == 0;
	free(n);
	return reached;
}

/*
 * The attack: anyone files a correct request naming the victim's address
 * and the attacker's as the new one; the victim follows the receipt's link;
 * the attacker signs in to the victim's record. Each step now fails.
 */
static void
test_takeover_by_public_correction(void **state)
{
	(void)state;
	struct applied v =
	    apply_confirmed(opening, "Vic Tim", "victim", pdf.data, pdf.len, NULL, NULL);
	char *attacker = unique_email("attacker");
	char *take =
	    xasprintf("\"corrections\":[{\"field\":\"email\",\"value\":\"%s\"}]", attacker);
	/* 1. a public request carries no corrections */
	struct resp *r = public_request("correct", v.email, take);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "corrections");
	resp_free(r);
	/* 2. with a pretext in details it is taken in, and the victim follows the link */
	r = public_request("correct", v.email, "\"details\":\"Please update my address.\"");
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(v.email, "/privacy");
	assert_non_null(code);
	r = verify_with(code, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "in_progress"); /* HR reads the details */
	resp_free(r);
	free(code);
	/* 3. nothing of the record changed, and the attacker's address signs nobody in */
	char *now = record_field(v.applicant, "email");
	assert_string_equal(now, v.email);
	free(now);
	assert_false(sign_in_reaches(attacker, v.applicant));
	assert_true(sign_in_reaches(v.email, v.applicant));
	/* 4. even a verified page that sends a new address changes nothing until the link
	 * sent to that address is followed */
	r = public_request("correct", v.email, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	code = mail_code(v.email, "/privacy");
	r = verify_with(code, take);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "in_progress");
	resp_free(r);
	free(code);
	now = record_field(v.applicant, "email");
	assert_string_equal(now, v.email);
	free(now);
	assert_false(sign_in_reaches(attacker, v.applicant));
	free(take);
	free(attacker);
	applied_free(&v);
}

/* The owner's own correction of their address, from the verified page: by the new link. */
static void
test_correction_of_the_address_by_its_link(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Mo Ving", "moving", pdf.data, pdf.len, NULL, NULL);
	char *fresh = unique_email("moved");
	/* the page shows the record as it stands before anything is done */
	struct resp *r = public_request("correct", a.email, NULL);
	resp_free(r);
	char *code = mail_code(a.email, "/privacy");
	char *body = xasprintf("{\"code\":\"%s\"}", code);
	r = http_json("POST", "/v1/privacy-requests/verifications/preview", NULL, body);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "type"), "correct");
	assert_string_equal(sget(json_object_get(r->json, "current"), "email"), a.email);
	assert_string_equal(sget(json_object_get(r->json, "current"), "full_name"), "Mo Ving");
	resp_free(r);
	free(body);
	char *fix = xasprintf("\"corrections\":[{\"field\":\"email\",\"value\":\"%s\"},"
	                      "{\"field\":\"full_name\",\"value\":\"Mo Ving-Out\"}]",
	                      fresh);
	r = verify_with(code, fix);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "in_progress");
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	/* the name at once, the address not yet */
	char *name = record_field(a.applicant, "full_name");
	assert_string_equal(name, "Mo Ving-Out");
	free(name);
	char *now = record_field(a.applicant, "email");
	assert_string_equal(now, a.email);
	free(now);
	r = http_json("GET", "/v1/me", a.token, NULL);
	assert_true(json_is_object(json_object_get(r->json, "pending_email")));
	assert_null(strstr(r->body, fresh)); /* masked */
	resp_free(r);
	/* the link to the new address makes it the record's, and ends the request */
	char *ecode = email_code(fresh);
	assert_non_null(ecode);
	r = post_code("/v1/me/email-confirmations", ecode, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	now = record_field(a.applicant, "email");
	assert_string_equal(now, fresh);
	free(now);
	char *path = xasprintf("/v1/privacy-requests/%s", id);
	r = http_json("GET", path, staff.hr, NULL);
	assert_string_equal(sget(r->json, "status"), "completed");
	assert_string_equal(sget(r->json, "outcome"), "fulfilled");
	resp_free(r);
	char *notice = mail_find(a.email, "has changed");
	assert_non_null(notice); /* the old address is told */
	free(notice);
	r = post_code("/v1/me/email-confirmations", ecode, NULL);
	assert_problem(r, 404, "not-found"); /* once */
	resp_free(r);
	free(path);
	free(ecode);
	free(id);
	free(fix);
	free(code);
	free(fresh);
	applied_free(&a);
}

static struct resp *
patch_me(const char *token, const char *body)
{
	return http_json("PATCH", "/v1/me", token, body);
}

/* PATCH /v1/me: a new address waits for its link; an address on record is any invalid one. */
static void
test_patch_me_email_by_its_link(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Pat Me", "patchme", pdf.data, pdf.len, NULL, NULL);
	struct applied b =
	    apply_confirmed(opening, "Oth Er", "patchother", pdf.data, pdf.len, NULL, NULL);
	char *fresh = unique_email("patched");
	char *body = xasprintf("{\"email\":\"%s\",\"job_title\":\"Welder\"}", fresh);
	struct resp *r = patch_me(a.token, body);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "email"), a.email);      /* the old one, still */
	assert_string_equal(sget(r->json, "job_title"), "Welder"); /* the rest at once */
	resp_free(r);
	free(body);
	assert_false(sign_in_reaches(fresh, a.applicant));
	/* another record's address: the answer any invalid address gets, and no link */
	body = xasprintf("{\"email\":\"%s\"}", b.email);
	r = patch_me(a.token, body);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "email");
	struct resp *bad = patch_me(a.token, "{\"email\":\"not-an-address\"}");
	assert_string_equal(r->body, bad->body);
	resp_free(bad);
	resp_free(r);
	free(body);
	/* the link makes it the record's */
	char *code = email_code(fresh);
	assert_non_null(code);
	r = post_code("/v1/me/email-confirmations", code, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	char *now = record_field(a.applicant, "email");
	assert_string_equal(now, fresh);
	free(now);
	r = http_json("GET", "/v1/me", a.token, NULL);
	assert_true(json_is_null(json_object_get(r->json, "pending_email")));
	resp_free(r);
	/* a change whose address another record took meanwhile: 409 to the link's holder */
	char *later = unique_email("later");
	body = xasprintf("{\"email\":\"%s\"}", later);
	r = patch_me(b.token, body);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(body);
	char *code2 = email_code(later);
	body = xasprintf("{\"full_name\":\"Took It\",\"email\":\"%s\"}", later);
	r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(body);
	r = post_code("/v1/me/email-confirmations", code2, NULL);
	assert_problem(r, 409, "duplicate-email");
	resp_free(r);
	now = record_field(b.applicant, "email");
	assert_string_equal(now, b.email);
	free(now);
	/* unknown and malformed codes */
	r = post_code("/v1/me/email-confirmations", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	              NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("POST", "/v1/me/email-confirmations", NULL, "{\"code\":1}");
	assert_int_equal(r->status, 422);
	resp_free(r);
	free(code2);
	free(later);
	free(code);
	free(fresh);
	applied_free(&b);
	applied_free(&a);
}

/* Testing addresses through the page: a change of address is rate-limited per applicant. */
static void
test_patch_me_cannot_test_addresses_in_bulk(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Pro Be", "probe", pdf.data, pdf.len, NULL, NULL);
	db_exec_sql("DELETE FROM rate_hits WHERE endpoint = 'email-change'", NULL);
	long last = 0;
	for (int i = 0; i < 6; i++) {
		char *guess = unique_email("guess");
		char *body = xasprintf("{\"email\":\"%s\"}", guess);
		struct resp *r = patch_me(a.token, body);
		last = r->status;
		if (i < 5 && r->status != 200)
			fail_msg("change %d: %ld", i + 1, r->status);
		if (i == 5)
			assert_problem(r, 429, "too-many-requests");
		resp_free(r);
		free(body);
		free(guess);
	}
	assert_int_equal(last, 429);
	/* a correction of the address from the page is counted alike */
	struct resp *r =
	    http_json("POST", "/v1/me/privacy-requests", a.token,
	              "{\"type\":\"correct\",\"corrections\":[{\"field\":\"email\",\"value\":"
	              "\"probe@example.com\"}]}");
	assert_problem(r, 429, "too-many-requests");
	resp_free(r);
	applied_free(&a);
}

/* A signed-in correction of the address answers alike whether another record has it or not. */
static void
test_session_correction_tells_nothing(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Ask Er", "asker", pdf.data, pdf.len, NULL, NULL);
	struct applied b =
	    apply_confirmed(opening, "Ta Ken", "taken", pdf.data, pdf.len, NULL, NULL);
	char *fresh = unique_email("free");
	const char *addresses[] = {b.email, fresh};
	char *events[2];
	for (int i = 0; i < 2; i++) {
		char *body = xasprintf("{\"type\":\"correct\",\"corrections\":[{\"field\":"
		                       "\"email\",\"value\":\"%s\"}]}",
		                       addresses[i]);
		struct resp *r = http_json("POST", "/v1/me/privacy-requests", a.token, body);
		assert_int_equal(r->status, 201);
		assert_string_equal(sget(r->json, "status"), "in_progress");
		events[i] = db_value("SELECT string_agg(event, ',' ORDER BY at) FROM "
		                     "privacy_request_events WHERE request_id = $1",
		                     sget(r->json, "id"));
		resp_free(r);
		free(body);
	}
	assert_string_equal(events[0], events[1]);
	char *now = record_field(a.applicant, "email");
	assert_string_equal(now, a.email);
	free(now);
	free(events[0]);
	free(events[1]);
	free(fresh);
	applied_free(&b);
	applied_free(&a);
}

/*
 * An address that only folds like the record's is not the record's: "ß" and
 * "ss" are different mailboxes (straße.de and strasse.de are different
 * domains), though Unicode full case folding makes them one key. Whoever
 * holds the look-alike gets no sign-in link to the record, and a privacy
 * request from it reaches no record: nothing shown, nothing changed; an
 * application from it is refused rather than put on the record with a session.
 */
static void
test_a_lookalike_address_is_not_the_record(void **state)
{
	(void)state;
	char *u = unique_email("lookalike");
	char *owner = xasprintf("strasse.%s", u), *other = xasprintf("stra\xc3\x9f"
	                                                             "e.%s",
	                                                             u);
	forbid_in_log(owner);
	forbid_in_log(other);
	char *body = xasprintf("{\"full_name\":\"Look Alike\",\"email\":\"%s\","
	                       "\"phone\":\"+1 415 555 0199\"}",
	                       owner);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	/* a sign-in asked for the look-alike links nobody; the owner's own reaches the record */
	assert_false(sign_in_reaches(other, id));
	assert_true(sign_in_reaches(owner, id));
	/* a correction from the look-alike: its page shows no record, and ends no_record */
	r = public_request("correct", other, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *code = mail_code(other, "/privacy");
	assert_non_null(code);
	body = xasprintf("{\"code\":\"%s\"}", code);
	r = http_json("POST", "/v1/privacy-requests/verifications/preview", NULL, body);
	assert_int_equal(r->status, 200);
	assert_true(json_is_null(json_object_get(r->json, "current")));
	assert_null(strstr(r->body, "Look Alike"));
	resp_free(r);
	free(body);
	r = verify_with(code,
	                "\"corrections\":[{\"field\":\"full_name\",\"value\":\"Took Over\"}]");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "outcome"), "no_record");
	resp_free(r);
	free(code);
	/* nor does a deletion from it erase the owner's record */
	r = public_request("delete", other, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	code = mail_code(other, "/privacy");
	assert_non_null(code);
	r = verify_with(code, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "outcome"), "no_record");
	resp_free(r);
	char *name = record_field(id, "full_name");
	assert_string_equal(name, "Look Alike");
	free(name);
	free(code);
	/* an application from it confirms into no session for the owner's record */
	struct part parts[] = {
	    {.name = "full_name", .value = "Look Alike"},
	    {.name = "email", .value = other},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf.data, .len = pdf.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	code = mail_code(other, "/apply/confirm");
	assert_non_null(code);
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_problem(r, 409, "duplicate-email");
	assert_null(json_object_get(r->json, "applicant_token"));
	resp_free(r);
	expect_db_value("SELECT count(*) FROM applications WHERE applicant_id = $1", id, "0");
	free(code);
	free(id);
	free(other);
	free(owner);
	free(u);
}

/* A copy's verification whose data points match but with no declaration killed the server. */
static void
test_copy_without_declaration(void **state)
{
	(void)state;
	struct applied a =
	    apply_confirmed(opening, "Dec Laration", "nodecl", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = public_request("know_specific", a.email, NULL);
	resp_free(r);
	char *code = mail_code(a.email, "/privacy");
	const char *points = "\"full_name\":\"Dec Laration\",\"phone\":\"+1 415 555 0100\"";
	r = verify_with(code, points);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "declaration");
	resp_free(r);
	char *nulled = xasprintf("%s,\"declaration\":null", points);
	r = verify_with(code, nulled);
	assert_problem(r, 422, "validation-error");
	resp_free(r);
	free(nulled);
	r = http_json("GET", "/healthz", NULL, NULL);
	assert_int_equal(r->status, 200); /* alive */
	resp_free(r);
	/* no try counted: the request still waits, and the right answer works */
	char *rid = request_of_contact(a.email);
	assert_non_null(rid);
	expect_db_value("SELECT r.failed_tries || '/' || r.status FROM privacy_requests r "
	                "WHERE r.id = $1",
	                rid, "0/awaiting_verification");
	free(rid);
	char *full = xasprintf("%s,\"declaration\":{\"signed_name\":\"Dec Laration\","
	                       "\"accepted\":true}",
	                       points);
	r = verify_with(code, full);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "status"), "completed");
	resp_free(r);
	free(full);
	free(code);
	applied_free(&a);
}

/*
 * A deletion verified while HR sets a legal hold: the hold waits for the
 * erasure, or the erasure sees the hold; never a 500. Here the hold is set
 * in a transaction held open until the verification waits on it.
 */
static void
test_deletion_racing_a_hold(void **state)
{
	(void)state;
	struct applied a = apply_confirmed(iceland, "Ra Ce", "race", pdf.data, pdf.len, NULL, NULL);
	struct resp *r = public_request("delete", a.email, NULL);
	resp_free(r);
	char *code = mail_code(a.email, "/privacy");
	PGconn *gate = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	PQclear(PQexec(gate, "BEGIN"));
	const char *params[1] = {a.applicant};
	PGresult *res = PQexecParams(gate,
	                             "UPDATE applicants SET legal_hold_reason = 'race', "
	                             "legal_hold_set_at = now() WHERE id = $1",
	                             1, NULL, params, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	char *body = xasprintf("{\"code\":\"%s\"}", code);
	char *req = xasprintf("POST /v1/privacy-requests/verifications HTTP/1.1\r\nHost: x\r\n"
	                      "Content-Type: application/json\r\nConnection: close\r\n"
	                      "Content-Length: %zu\r\n\r\n%s",
	                      strlen(body), body);
	int s = raw_connect();
	assert_int_equal(send(s, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	await_lock_waits(1);
	PQclear(PQexec(gate, "COMMIT"));
	PQfinish(gate);
	size_t cap = 65536, len = 0;
	char *out = xmalloc(cap);
	ssize_t n;
	while ((n = recv(s, out + len, cap - len - 1, 0)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(s);
	if (strncmp(out, "HTTP/1.1 200", 12) != 0)
		fail_msg("a deletion racing a hold: %.40s", out);
	assert_non_null(strstr(out, "\"partially_fulfilled\"")); /* the hold won */
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", a.applicant, "1");
	free(out);
	free(req);
	free(body);
	free(code);
	applied_free(&a);
}

static int
setup(void **state)
{
	(void)state;
	api_start(state);
	pdf = fixture_pdf(2000);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Privacy Attacks\",\"country\":\"US\"}");
	assert_int_equal(r->status, 201);
	opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"Reykjavik Race\",\"country\":\"IS\"}");
	assert_int_equal(r->status, 201);
	iceland = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(iceland);
	free(pdf.data);
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_takeover_by_public_correction),
	    cmocka_unit_test(test_correction_of_the_address_by_its_link),
	    cmocka_unit_test(test_patch_me_email_by_its_link),
	    cmocka_unit_test(test_patch_me_cannot_test_addresses_in_bulk),
	    cmocka_unit_test(test_session_correction_tells_nothing),
	    cmocka_unit_test(test_a_lookalike_address_is_not_the_record),
	    cmocka_unit_test(test_copy_without_declaration),
	    cmocka_unit_test(test_deletion_racing_a_hold),
	};
	return cmocka_run_group_tests_name("api privacy attacks", tests, setup, teardown);
}
