/*
 * API: an applicant's record (create, get, patch, delete, legal hold). The
 * list, the search and the audit log: test_applicants_list.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/xalloc.h"
#include "harness.h"
#include "records.h"

static void
test_create_and_get(void **state)
{
	(void)state;
	char *email = unique_email("create");
	char *body =
	    xasprintf("{\"full_name\":\"Ada Lovelace\",\"email\":\"%s\",\"phone\":\"+44 20 7946 "
	              "0000\",\"title\":\"Ms\","
	              "\"job_title\":\"Analyst\",\"address\":{\"line1\":\"12 St James's "
	              "Square\",\"city\":\"London\","
	              "\"postal_code\":\"SW1Y "
	              "4JH\",\"country\":\"GB\"},\"social_handles\":[{\"network\":\"github\","
	              "\"handle\":\"ada\"}],\"source\":{\"type\":\"agency\",\"detail\":\"Babbage & "
	              "Co\"},\"marketing_opt_in\":true}",
	              email);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *loc = resp_header(r, "Location"), *etag = resp_header(r, "ETag");
	char *want_loc = xasprintf("/v1/applicants/%s", sget(r->json, "id"));
	assert_string_equal(loc, want_loc);
	assert_string_equal(etag, "\"1\"");
	assert_string_equal(sget(r->json, "full_name"), "Ada Lovelace");
	assert_string_equal(sget(r->json, "email"), email);
	assert_string_equal(sget(json_object_get(r->json, "address"), "country"), "GB");
	assert_true(json_is_null(json_object_get(json_object_get(r->json, "address"), "line2")));
	assert_string_equal(sget(json_object_get(r->json, "source"), "type"), "agency");
	assert_true(json_is_true(json_object_get(r->json, "marketing_opt_in")));
	assert_true(json_is_null(json_object_get(r->json, "legal_hold")));
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
	assert_non_null(sget(r->json, "created_at"));
	assert_int_equal(strlen(sget(r->json, "created_at")), 27); /* 2026-11-24T21:18:03.282295Z */
	json_t *created = json_incref(r->json);
	resp_free(r);

	r = http_json("GET", loc, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_equal(r->json, created));
	char *etag2 = resp_header(r, "ETag");
	assert_string_equal(etag2, "\"1\"");
	resp_free(r);
	forbid_in_log("Ada Lovelace");
	free(etag2);
	free(loc);
	free(want_loc);
	free(etag);
	free(body);
	free(email);
	json_decref(created);
}

static void
test_defaults(void **state)
{
	(void)state;
	char *email = unique_email("defaults");
	json_t *rec = create(staff.hr, "Min Imal", email, NULL);
	assert_string_equal(sget(json_object_get(rec, "source"), "type"), "recruiter");
	assert_true(json_is_false(json_object_get(rec, "marketing_opt_in")));
	assert_int_equal(json_array_size(json_object_get(rec, "social_handles")), 0);
	assert_true(json_is_null(json_object_get(rec, "address")));
	assert_true(json_is_null(json_object_get(rec, "phone")));
	json_decref(rec);
	free(email);
}

static void
test_exact_round_trip(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "Robert'); DROP TABLE applicants;--", "Zoë Ñandú-Østergård", "李小龙", "عبد الله",
	    "O\\'Brien \"quoted\" %_ $1 ::uuid",  "😀 Emoji Person",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *email = unique_email("exact");
		json_t *rec = create(staff.hr, names[i], email, NULL);
		char *path = path_of(rec);
		struct resp *r = http_json("GET", path, staff.hr, NULL);
		assert_int_equal(r->status, 200);
		assert_string_equal(sget(r->json, "full_name"), names[i]);
		/* and the database holds them sealed only: no plaintext column, the name's
		 * bytes nowhere in the row */
		db_exec_sql("SELECT set_config('recruitd_test.want', $1, false)", names[i]);
		expect_db_value(
		    "SELECT (a.full_name IS NULL AND a.full_name_sealed IS NOT NULL AND "
		    "position(convert_to(w.v, 'UTF8') IN a.full_name_sealed) = 0 AND "
		    "strpos(a::text, w.v) = 0)::text FROM applicants a, "
		    "(SELECT current_setting('recruitd_test.want') v) w WHERE a.id = $1",
		    sget(rec, "id"), "true");
		resp_free(r);
		free(path);
		json_decref(rec);
		free(email);
	}
	char *n = db_value("SELECT count(*) FROM pg_tables WHERE tablename = 'applicants'", NULL);
	assert_string_equal(n, "1");
	free(n);
}

static void
test_duplicate_email(void **state)
{
	(void)state;
	char *email = unique_email("dup");
	json_t *rec = create(staff.hr, "First One", email, NULL);
	char *upper = xstrdup(email);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	char *body = xasprintf("{\"full_name\":\"Second One\",\"email\":\"%s\"}", upper);
	struct resp *r = http_json("POST", "/v1/applicants", staff.hr, body);
	assert_problem(r, 409, "duplicate-email");
	assert_string_equal(sget(r->json, "existing_id"), sget(rec, "id"));
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                   email_hash_of(email));
	assert_string_equal(n, "1");
	free(n);
	free(body);
	free(upper);
	free(email);
	json_decref(rec);
}

static void
test_validation_collects_fields(void **state)
{
	(void)state;
	char *email = unique_email("invalid");
	char *body = xasprintf(
	    "{\"email\":\"not-an-email\",\"phone\":\"none\",\"address\":{\"country\":\"XX\"},"
	    "\"source\":{\"type\":\"psychic\"},\"marketing_opt_in\":\"yes\",\"id\":\"x\","
	    "\"favourite_colour\":\"blue\",\"note\":\"%s\"}",
	    email);
	struct resp *r = http_json("POST", "/v1/applicants", staff.hr, body);
	assert_problem(r, 422, "validation-error");
	static const char *const fields[] = {"full_name",   "email",
	                                     "phone",       "address.country",
	                                     "source.type", "marketing_opt_in",
	                                     "id",          "favourite_colour",
	                                     "note"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_field_error(r, fields[i]);
	/* no value is echoed back */
	assert_null(strstr(r->body, "not-an-email"));
	resp_free(r);
	free(body);

	/* a valid email with an invalid other field stores nothing */
	body = xasprintf("{\"full_name\":\"X\",\"email\":\"%s\",\"address\":{\"country\":\"us\"}}",
	                 email);
	r = http_json("POST", "/v1/applicants", staff.hr, body);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "address.country");
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                   email_hash_of(email));
	assert_string_equal(n, "0");
	free(n);
	free(body);
	free(email);
}

static void
test_idempotent_create(void **state)
{
	(void)state;
	char *email = unique_email("idem");
	char *body = xasprintf("{\"full_name\":\"Idem Potent\",\"email\":\"%s\"}", email);
	char key[80];
	snprintf(key, sizeof(key), "Idempotency-Key: k-%s", email);
	const char *h[] = {key, NULL};
	forbid_in_log("Idem Potent");
	struct resp *a = http("POST", "/v1/applicants", staff.hr, "application/json", body, h);
	assert_int_equal(a->status, 201);
	struct resp *b = http("POST", "/v1/applicants", staff.hr, "application/json", body, h);
	assert_int_equal(b->status, 201);
	assert_string_equal(a->body, b->body);
	char *la = resp_header(a, "Location"), *lb = resp_header(b, "Location");
	assert_string_equal(la, lb);
	char *ea = resp_header(a, "ETag"), *eb = resp_header(b, "ETag"); /* a replay keeps it */
	assert_string_equal(ea, eb);
	free(ea);
	free(eb);
	char *n = db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                   email_hash_of(email));
	assert_string_equal(n, "1");
	free(n);
	/* the same key with another body is refused */
	struct resp *c = http("POST", "/v1/applicants", staff.hr, "application/json",
	                      "{\"full_name\":\"Other\",\"email\":\"o@example.com\"}", h);
	assert_problem(c, 422, NULL);
	resp_free(a);
	resp_free(b);
	resp_free(c);
	free(la);
	free(lb);
	free(body);
	free(email);
}

/* Send a keyed create on a connection of its own, not waiting for the answer. */
static int
send_keyed(const char *body, const char *key)
{
	char *req =
	    xasprintf("POST /v1/applicants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	              "Content-Type: application/json\r\nIdempotency-Key: %s\r\n"
	              "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
	              staff.hr, key, strlen(body), body);
	int s = raw_connect();
	assert_int_equal(send(s, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	free(req);
	return s;
}

static char *
read_all(int s)
{
	size_t cap = 65536, len = 0;
	char *out = xmalloc(cap);
	ssize_t n;
	while ((n = recv(s, out + len, cap - len - 1, 0)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(s);
	return out;
}

/*
 * Twins with one key in flight at once: the second waits for the first and
 * gets its response, never a 409 from racing it to the address's index. The
 * table is held locked, so both are surely in flight together.
 */
static void
test_idempotent_twins(void **state)
{
	(void)state;
	char *email = unique_email("twin");
	char *body = xasprintf("{\"full_name\":\"Twin Request\",\"email\":\"%s\"}", email);
	char key[96];
	snprintf(key, sizeof(key), "twin-%s", email);
	forbid_in_log("Twin Request");
	PGconn *gate = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	PQclear(PQexec(gate, "BEGIN"));
	PQclear(PQexec(gate, "LOCK TABLE applicants IN SHARE ROW EXCLUSIVE MODE"));
	int a = send_keyed(body, key), b = send_keyed(body, key);
	await_lock_waits(2); /* one on the table, the other on the key or the table */
	PQclear(PQexec(gate, "COMMIT"));
	PQfinish(gate);
	char *ra = read_all(a), *rb = read_all(b);
	if (strncmp(ra, "HTTP/1.1 201", 12) != 0 || strncmp(rb, "HTTP/1.1 201", 12) != 0)
		fail_msg("twins: %.20s / %.20s", ra, rb);
	assert_string_equal(strstr(ra, "\r\n\r\n"), strstr(rb, "\r\n\r\n")); /* the same body */
	assert_true(strstr(ra, "Idempotent-Replayed") != NULL ||
	            strstr(rb, "Idempotent-Replayed") != NULL);
	char *n = db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                   email_hash_of(email));
	assert_string_equal(n, "1");
	free(n);
	free(ra);
	free(rb);
	free(body);
	free(email);
}

static void
test_get_unknown(void **state)
{
	(void)state;
	struct resp *r =
	    http_json("GET", "/v1/applicants/00000000-0000-4000-8000-000000000000", staff.hr, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/applicants/not-a-uuid", staff.hr, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/applicants/'%20OR%201=1--", staff.hr, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
}

static void
test_patch(void **state)
{
	(void)state;
	char *email = unique_email("patch");
	json_t *rec = create(
	    staff.hr, "Pat Ch", email,
	    "{\"address\":{\"city\":\"Lyon\",\"country\":\"FR\"},\"phone\":\"+33 1 23 45 67 89\"}");
	char *path = path_of(rec);

	/* merge patch: nested merge, null removes, others untouched */
	struct resp *r = http(
	    "PATCH", path, staff.recruiter, "application/merge-patch+json",
	    "{\"address\":{\"postal_code\":\"69001\"},\"phone\":null,\"job_title\":\"Engineer\"}",
	    NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_object_get(r->json, "address"), "city"), "Lyon");
	assert_string_equal(sget(json_object_get(r->json, "address"), "postal_code"), "69001");
	assert_true(json_is_null(json_object_get(r->json, "phone")));
	assert_string_equal(sget(r->json, "job_title"), "Engineer");
	assert_string_equal(sget(r->json, "full_name"), "Pat Ch");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
	char *etag = resp_header(r, "ETag");
	assert_string_equal(etag, "\"2\"");
	free(etag);
	assert_string_not_equal(sget(r->json, "updated_at"), sget(rec, "updated_at"));
	resp_free(r);

	/* a stale If-Match changes nothing */
	const char *stale[] = {"If-Match: \"1\"", NULL};
	r = http("PATCH", path, staff.recruiter, "application/json", "{\"job_title\":\"Boss\"}",
	         stale);
	assert_problem(r, 412, "precondition-failed");
	resp_free(r);
	char *jt = record_field(sget(rec, "id"), "job_title") /* sealed: read through the API */;
	assert_string_equal(jt, "Engineer");
	free(jt);
	/* so does a stale version in the body */
	r = http_json("PATCH", path, staff.recruiter, "{\"job_title\":\"Boss\",\"version\":1}");
	assert_problem(r, 412, "precondition-failed");
	resp_free(r);
	/* the current one works */
	const char *fresh[] = {"If-Match: \"2\"", NULL};
	r = http("PATCH", path, staff.recruiter, "application/json", "{\"job_title\":\"Boss\"}",
	         fresh);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 3);
	resp_free(r);

	/* invalid patches: each field named, nothing changed */
	r = http_json(
	    "PATCH", path, staff.recruiter,
	    "{\"email\":\"bad\",\"full_name\":null,\"id\":\"x\",\"legal_hold\":{},\"wat\":1}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "id");
	assert_field_error(r, "legal_hold");
	assert_field_error(r, "wat");
	resp_free(r);
	r = http_json("PATCH", path, staff.recruiter, "{\"email\":\"bad\",\"full_name\":null}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "email");
	assert_field_error(r, "full_name");
	resp_free(r);
	char *v = db_value("SELECT version FROM applicants WHERE id = $1", sget(rec, "id"));
	assert_string_equal(v, "3");
	free(v);

	/* another applicant's e-mail: 409 with their id */
	char *other_email = unique_email("patch-other");
	json_t *other = create(staff.hr, "Oth Er", other_email, NULL);
	char *body = xasprintf("{\"email\":\"%s\"}", other_email);
	r = http_json("PATCH", path, staff.recruiter, body);
	assert_problem(r, 409, "duplicate-email");
	assert_string_equal(sget(r->json, "existing_id"), sget(other, "id"));
	resp_free(r);

	r = http_json("PATCH", "/v1/applicants/00000000-0000-4000-8000-000000000000",
	              staff.recruiter, "{\"job_title\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(body);
	free(other_email);
	json_decref(other);
	free(path);
	json_decref(rec);
	free(email);
}

static void
test_delete_and_gone(void **state)
{
	(void)state;
	char *email = unique_email("delete");
	json_t *rec = create(staff.recruiter, "Del Ete", email, "{\"phone\":\"+1 555 123 4567\"}");
	char *path = path_of(rec);
	const char *id = sget(rec, "id");

	struct resp *r = http_json("DELETE", path, staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	const char *stale[] = {"If-Match: \"7\"", NULL};
	r = http("DELETE", path, staff.hr, NULL, NULL, stale);
	assert_problem(r, 412, "precondition-failed");
	resp_free(r);
	r = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	assert_int_equal(r->len, 0);
	resp_free(r);

	/* erased for real: no row holds the name, email or phone */
	char *n = db_value("SELECT count(*) FROM applicants WHERE id = $1", id);
	assert_string_equal(n, "0");
	free(n);
	n = db_value(
	    "SELECT count(*) FROM applicant_tombstones t WHERE t::text LIKE '%' || $1 || '%'",
	    email);
	assert_string_equal(n, "0");
	free(n);

	r = http_json("GET", path, staff.hr, NULL);
	assert_problem(r, 410, NULL);
	assert_string_equal(sget(r->json, "disposition"), "deleted");
	resp_free(r);
	r = http_json("PATCH", path, staff.hr, "{\"job_title\":\"x\"}");
	assert_problem(r, 410, NULL);
	resp_free(r);
	r = http_json("DELETE", path, staff.hr, NULL);
	assert_problem(r, 410, NULL);
	resp_free(r);

	/* the address is free again */
	json_t *again = create(staff.hr, "Del Ete", email, NULL);
	json_decref(again);
	free(path);
	json_decref(rec);
	free(email);
}

static void
test_legal_hold(void **state)
{
	(void)state;
	char *email = unique_email("hold");
	json_t *rec = create(staff.hr, "Hol Der", email, NULL);
	char *path = path_of(rec);
	char *hold = xasprintf("%s/legal-hold", path);

	struct resp *r = http_json("PUT", hold, staff.hr, "{}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "reason");
	resp_free(r);
	r = http_json("PUT", hold, staff.hr, "{\"reason\":\"litigation 2026-117\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "reason"), "litigation 2026-117");
	assert_non_null(sget(r->json, "set_at"));
	resp_free(r);

	r = http_json("GET", path, staff.hr, NULL);
	assert_string_equal(sget(json_object_get(r->json, "legal_hold"), "reason"),
	                    "litigation 2026-117");
	resp_free(r);

	r = http_json("DELETE", path, staff.hr, NULL);
	assert_problem(r, 409, "legal-hold");
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM applicants WHERE id = $1", sget(rec, "id"));
	assert_string_equal(n, "1");
	free(n);

	r = http_json("DELETE", hold, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	r = http_json("DELETE", hold, staff.hr, NULL); /* lifting twice is fine */
	assert_int_equal(r->status, 204);
	resp_free(r);
	r = http_json("GET", path, staff.hr, NULL);
	assert_true(json_is_null(json_object_get(r->json, "legal_hold")));
	resp_free(r);
	r = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	r = http_json("PUT", hold, staff.hr, "{\"reason\":\"too late\"}");
	assert_problem(r, 410, NULL);
	resp_free(r);
	r = http_json("PUT", "/v1/applicants/00000000-0000-4000-8000-000000000000/legal-hold",
	              staff.hr, "{\"reason\":\"x\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	free(hold);
	free(path);
	json_decref(rec);
	free(email);
}

/* Two writers with the same If-Match: exactly one wins. */
static void
test_concurrent_patches_lose_nothing(void **state)
{
	(void)state;
	char *email = unique_email("race");
	json_t *rec = create(staff.hr, "Ra Ce", email, NULL);
	char *path = path_of(rec);
	const char *h[] = {"If-Match: \"1\"", NULL};
	struct resp *a =
	    http("PATCH", path, staff.hr, "application/json", "{\"job_title\":\"A\"}", h);
	struct resp *b =
	    http("PATCH", path, staff.hr, "application/json", "{\"job_title\":\"B\"}", h);
	assert_int_equal(a->status, 200);
	assert_problem(b, 412, "precondition-failed");
	char *jt = record_field(sget(rec, "id"), "job_title") /* sealed: read through the API */;
	assert_string_equal(jt, "A");
	free(jt);
	resp_free(a);
	resp_free(b);
	free(path);
	json_decref(rec);
	free(email);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_get),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_exact_round_trip),
	    cmocka_unit_test(test_duplicate_email),
	    cmocka_unit_test(test_validation_collects_fields),
	    cmocka_unit_test(test_idempotent_create),
	    cmocka_unit_test(test_idempotent_twins),
	    cmocka_unit_test(test_get_unknown),
	    cmocka_unit_test(test_patch),
	    cmocka_unit_test(test_concurrent_patches_lose_nothing),
	    cmocka_unit_test(test_delete_and_gone),
	    cmocka_unit_test(test_legal_hold),
	};
	return cmocka_run_group_tests_name("api applicants", tests, api_start, api_stop);
}
