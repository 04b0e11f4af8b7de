/*
 * The staff directory: GET/POST /v1/staff, PATCH /v1/staff/{id} (hr), the
 * keys that belong to a member (recruitctl staff-key create --member), and
 * what ends a member's access at once (a role change, a deactivation);
 * recruitctl staff add and the key that `make run` replaces on each start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

/* Run recruitctl with args; its stdout (new string, trailing newline cut) in *out. The status. */
static int
ctl(const char *args, char **out)
{
	char *cmd = xasprintf("%s %s 2>/dev/null", getenv("RECRUITD_TEST_CTL"), args);
	FILE *p = popen(cmd, "r");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	int status = pclose(p);

	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (out)
		*out = xstrdup(buf);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* POST /v1/staff as hr: the new member's id (new string), 201 asserted. */
static char *
add_member(const char *email, const char *role)
{
	char *body = xasprintf("{\"email\": \"%s\", \"name\": \"Staff Member\", \"role\": \"%s\"}",
	                       email, role);
	struct resp *r = http_json("POST", "/v1/staff", staff.hr, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	char *loc = resp_header(r, "Location");
	char *want = xasprintf("/v1/staff/%s", id);
	assert_string_equal(loc, want);
	free(loc);
	free(want);
	resp_free(r);
	free(body);
	return id;
}

/* A key of the member at email (its token, new string). */
static char *
member_key(const char *email)
{
	static int seq;
	char *token, *args = xasprintf("staff-key create --name m%d-%ld-%d --member %s",
	                               (int)getpid(), (long)time(NULL), ++seq, email);

	assert_int_equal(ctl(args, &token), 0);
	free(args);
	return token;
}

static long
status_of(const char *method, const char *path, const char *token, const char *body)
{
	struct resp *r = http_json(method, path, token, body);
	long s = r->status;
	resp_free(r);
	return s;
}

static void
test_create_list_get(void **state)
{
	(void)state;
	char *email = unique_email("staff-create");
	char *id = add_member(email, "recruiter");
	char *path = xasprintf("/v1/staff/%s", id);
	struct resp *r = http_json("GET", path, staff.hr, NULL);

	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "email"), email);
	assert_string_equal(sget(r->json, "role"), "recruiter");
	assert_true(json_is_true(json_object_get(r->json, "active")));
	assert_true(is_rfc3339_utc(sget(r->json, "created_at")));
	char *etag = resp_header(r, "ETag");
	assert_string_equal(etag, "\"1\"");
	free(etag);
	resp_free(r);

	/* listed, newest first */
	r = http_json("GET", "/v1/staff?limit=200", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(json_array_get(json_object_get(r->json, "items"), 0), "id"), id);
	resp_free(r);

	/* the same address in another case is the same member: 409 */
	char *upper = xstrdup(email);
	for (char *c = upper; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	char *body = xasprintf("{\"email\": \"%s\", \"name\": \"Twin\", \"role\": \"hr\"}", upper);
	r = http_json("POST", "/v1/staff", staff.hr, body);
	assert_problem(r, 409, "duplicate-email");
	resp_free(r);
	free(body);
	free(upper);

	/* hr only */
	assert_int_equal(status_of("GET", "/v1/staff", staff.recruiter, NULL), 403);
	assert_int_equal(status_of("GET", path, staff.recruiter, NULL), 403);
	assert_int_equal(status_of("PATCH", path, staff.recruiter, "{\"role\": \"hr\"}"), 403);
	assert_int_equal(
	    status_of("GET", "/v1/staff/00000000-0000-4000-8000-000000000000", staff.hr, NULL),
	    404);
	free(path);
	free(id);
	free(email);
}

static void
test_invalid_changes_nothing(void **state)
{
	(void)state;
	struct resp *r = http_json("POST", "/v1/staff", staff.hr,
	                           "{\"email\": \"not an address\", \"role\": \"boss\", "
	                           "\"id\": \"x\", \"extra\": 1}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "email");
	assert_field_error(r, "name");
	assert_field_error(r, "role");
	assert_field_error(r, "id");
	assert_field_error(r, "extra");
	resp_free(r);

	char *email = unique_email("staff-invalid");
	char *id = add_member(email, "recruiter");
	char *path = xasprintf("/v1/staff/%s", id);
	r = http_json("PATCH", path, staff.hr, "{\"name\": null, \"active\": \"no\"}");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "name");
	assert_field_error(r, "active");
	resp_free(r);
	/* a stale version: 412, nothing changed */
	const char *const stale[] = {"If-Match: \"7\"", NULL};
	r = http("PATCH", path, staff.hr, "application/merge-patch+json", "{\"role\": \"hr\"}",
	         stale);
	assert_problem(r, 412, NULL);
	resp_free(r);
	r = http_json("GET", path, staff.hr, NULL);
	assert_string_equal(sget(r->json, "role"), "recruiter");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
	resp_free(r);
	free(path);
	free(id);
	free(email);
}

/* A member's key works; changing their role revokes it at once. */
static void
test_role_change_revokes_keys(void **state)
{
	(void)state;
	char *email = unique_email("staff-role");
	char *id = add_member(email, "recruiter");
	char *key = member_key(email);
	char *path = xasprintf("/v1/staff/%s", id);

	assert_int_equal(status_of("GET", "/v1/openings", key, NULL), 200);
	assert_int_equal(status_of("GET", "/v1/audit", key, NULL), 403); /* a recruiter's key */
	struct resp *r = http_json("PATCH", path, staff.hr, "{\"role\": \"hr\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "role"), "hr");
	resp_free(r);
	assert_int_equal(status_of("GET", "/v1/openings?status=open", key, NULL), 401);
	expect_db_value("SELECT count(*) FROM audit_log WHERE action = 'staff.update' AND target = "
	                "'staff:' || $1 || ':role'",
	                id, "1");
	/* a name change takes nothing away */
	char *key2 = member_key(email);
	r = http_json("PATCH", path, staff.hr, "{\"name\": \"New Name\"}");
	assert_int_equal(r->status, 200);
	resp_free(r);
	assert_int_equal(status_of("GET", "/v1/audit", key2, NULL), 200);
	free(key2);
	free(path);
	free(key);
	free(id);
	free(email);
}

/* Deactivation revokes the member's keys at once; an inactive member gets no new key. */
static void
test_deactivation_revokes_keys(void **state)
{
	(void)state;
	char *email = unique_email("staff-off");
	char *id = add_member(email, "hr");
	char *key = member_key(email);
	char *path = xasprintf("/v1/staff/%s", id);

	/* the key is checked (and kept by the process) before the change */
	assert_int_equal(status_of("GET", "/v1/audit", key, NULL), 200);
	struct resp *r = http_json("PATCH", path, staff.hr, "{\"active\": false}");
	assert_int_equal(r->status, 200);
	assert_true(json_is_false(json_object_get(r->json, "active")));
	resp_free(r);
	assert_int_equal(status_of("GET", "/v1/audit?limit=1", key, NULL), 401);
	char *args = xasprintf("staff-key create --name off-%d --member %s", (int)getpid(), email);
	assert_int_equal(ctl(args, NULL), 1);
	free(args);
	free(path);
	free(key);
	free(id);
	free(email);
}

static void
test_recruitctl_staff_add(void **state)
{
	(void)state;
	char *email = unique_email("staff-ctl"), *out = NULL;
	char *args = xasprintf("staff add --email %s --name 'Ctl Member' --role hr", email);

	assert_int_equal(ctl(args, &out), 0);
	char *path = xasprintf("/v1/staff/%s", out);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "role"), "hr");
	resp_free(r);
	expect_db_value("SELECT actor FROM audit_log WHERE action = 'staff.create' AND target = "
	                "'staff:' || $1",
	                out, "recruitctl");
	free(out);
	/* again: refused, unless the caller says that is fine (make run does) */
	assert_int_equal(ctl(args, NULL), 1);
	char *again = xasprintf("%s --exists-ok", args);
	assert_int_equal(ctl(again, NULL), 0);
	assert_int_equal(ctl("staff add --email x@example.com --role hr", NULL), 2);
	assert_int_equal(ctl("staff add --email nobody --name N --role hr", NULL), 2);
	free(again);
	free(path);
	free(args);
	free(email);
}

/* make run's key: each start replaces it, and the one before stops working. */
static void
test_replaced_key(void **state)
{
	(void)state;
	char *first, *second,
	    *args = xasprintf("staff-key create --role hr --name run%d --replace", (int)getpid());

	assert_int_equal(ctl(args, &first), 0);
	assert_int_equal(status_of("GET", "/v1/audit?limit=1", first, NULL), 200);
	assert_int_equal(ctl(args, &second), 0);
	assert_string_not_equal(first, second);
	assert_int_equal(status_of("GET", "/v1/audit?limit=1", first, NULL), 401);
	assert_int_equal(status_of("GET", "/v1/audit?limit=1", second, NULL), 200);
	char pid[16];
	snprintf(pid, sizeof(pid), "run%d", (int)getpid());
	expect_db_value("SELECT count(*) FROM staff_keys WHERE revoked_at IS NULL AND "
	                "name LIKE $1 || '.%'",
	                pid, "1");
	free(first);
	free(second);
	free(args);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_list_get),
	    cmocka_unit_test(test_invalid_changes_nothing),
	    cmocka_unit_test(test_role_change_revokes_keys),
	    cmocka_unit_test(test_deactivation_revokes_keys),
	    cmocka_unit_test(test_recruitctl_staff_add),
	    cmocka_unit_test(test_replaced_key),
	};
	return cmocka_run_group_tests_name("staff", tests, api_start, api_stop);
}
