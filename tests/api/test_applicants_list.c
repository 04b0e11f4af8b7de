/*
 * API: applicants listed (pages, search, the buried match) and the audit
 * log (an applicant's trail, its pages, append only). The record itself:
 * test_applicants.c.
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

/* Page through ?q=tag with limit, collecting ids; insert more rows between pages when asked. */
static json_t *
collect_pages(const char *tag, int limit, int insert_between)
{
	json_t *seen = json_object();
	char *cursor = NULL;
	int pages = 0;

	do {
		char *path =
		    cursor ? xasprintf("/v1/applicants?q=%s&limit=%d&cursor=%s", tag, limit, cursor)
		           : xasprintf("/v1/applicants?q=%s&limit=%d", tag, limit);
		struct resp *r = http_json("GET", path, staff.recruiter, NULL);
		assert_int_equal(r->status, 200);
		json_t *items = json_object_get(r->json, "items");
		assert_true(json_array_size(items) <= (size_t)limit);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if (json_object_get(seen, sget(it, "id")) != NULL)
				fail_msg("duplicate %s on page %d", sget(it, "id"), pages);
			json_object_set_new(seen, sget(it, "id"), json_true());
		}
		free(cursor);
		json_t *next = json_object_get(r->json, "next_cursor");
		cursor = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		resp_free(r);
		free(path);
		if (insert_between) {
			char *e = unique_email(tag);
			json_decref(create(staff.hr, "Late Comer", e, NULL));
			free(e);
		}
		pages++;
	} while (cursor != NULL);
	return seen;
}

static void
test_list_pagination(void **state)
{
	(void)state;
	char tag[40];
	json_t *ids = json_object();

	snprintf(tag, sizeof(tag), "pg%d%ld", (int)getpid(), random() % 100000);
	for (int i = 0; i < 23; i++) {
		char *e = unique_email(tag);
		json_t *rec = create(staff.hr, "Page Person", e, NULL);
		json_object_set_new(ids, sget(rec, "id"), json_true());
		json_decref(rec);
		free(e);
	}
	json_t *seen = collect_pages(tag, 5, 0);
	assert_int_equal(json_object_size(seen), 23);
	const char *k;
	json_t *v;
	json_object_foreach(ids, k, v) assert_non_null(json_object_get(seen, k));
	json_decref(seen);

	/* concurrent inserts between pages: still no duplicate and no gap among the first 23 */
	seen = collect_pages(tag, 4, 1);
	json_object_foreach(ids, k, v) if (json_object_get(seen, k) == NULL)
	    fail_msg("gap: %s missing", k);
	json_decref(seen);
	json_decref(ids);

	/* the default page size and the limit */
	struct resp *r = http_json("GET", "/v1/applicants", staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_array_size(json_object_get(r->json, "items")) <= 50);
	assert_true(json_object_get(r->json, "next_cursor") != NULL);
	resp_free(r);
}

/*
 * The list without a query (no trigram search: the list's own statement),
 * newest first, at page sizes small and large: each page holds exactly the
 * newest rows after its cursor, and the next page starts after its last.
 */
static void
test_plain_list_pages(void **state)
{
	(void)state;
	const char *names[3] = {"Plain First", "Plain Second", "Plain Third"};
	char *ids[3];
	for (int i = 0; i < 3; i++) {
		char *e = unique_email("plain");
		json_t *rec = create(staff.hr, names[i], e, NULL);
		ids[i] = xstrdup(sget(rec, "id"));
		json_decref(rec);
		free(e);
	}
	static const int limits[] = {1, 2, 7, 50, 60, 200};
	for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		char *path = xasprintf("/v1/applicants?limit=%d", limits[l]);
		char *cursor = NULL;
		/* the three newest, over as many pages as it takes */
		for (int seen = 0; seen < 3;) {
			char *p = cursor ? xasprintf("%s&cursor=%s", path, cursor) : xstrdup(path);
			struct resp *r = http_json("GET", p, staff.recruiter, NULL);
			assert_int_equal(r->status, 200);
			json_t *items = json_object_get(r->json, "items");
			size_t n = json_array_size(items);
			assert_true(n >= 1 && n <= (size_t)limits[l]);
			for (size_t i = 0; i < n && seen < 3; i++, seen++)
				assert_string_equal(sget(json_array_get(items, i), "id"),
				                    ids[2 - seen]);
			json_t *next = json_object_get(r->json, "next_cursor");
			if (n < (size_t)limits[l]) /* a short page is the last */
				assert_true(json_is_null(next));
			if (seen < 3) /* ours are not all seen: the page was full, more follow */
				assert_true(json_is_string(next));
			free(cursor);
			cursor = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
			resp_free(r);
			free(p);
		}
		free(cursor);
		free(path);
	}
	for (int i = 0; i < 3; i++)
		free(ids[i]);
}

static void
test_search(void **state)
{
	(void)state;
	char tag[40], *e1, *e2;
	snprintf(tag, sizeof(tag), "srch%d%ld", (int)getpid(), random() % 100000);
	e1 = unique_email(tag);
	e2 = unique_email("other");
	char *name = xasprintf("Grace %s Hopper", tag);
	json_decref(create(staff.hr, "Someone", e1, NULL));
	json_decref(create(staff.hr, name, e2, NULL));
	char *path = xasprintf("/v1/applicants?q=%s", tag);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	resp_free(r);
	free(path);
	/* LIKE metacharacters match literally */
	r = http_json("GET", "/v1/applicants?q=%25%25%25_", staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	/* case-insensitive */
	for (char *p = tag; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	path = xasprintf("/v1/applicants?q=%s", tag);
	r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	resp_free(r);
	free(path);
	free(name);
	free(e1);
	free(e2);
}

/*
 * A search looks for its page among the newest records first, and gathers
 * older matches another way when those hold less than a page: matches buried
 * under many newer records are found, in order, across pages of both kinds.
 */
static void
search_buried(const char *tag)
{
	const char *want[6];
	json_t *made = json_array();

	for (int i = 0; i < 3; i++) { /* the three oldest matches */
		char *e = unique_email(tag);
		json_array_append_new(made, create(staff.hr, "Buried Match", e, NULL));
		free(e);
	}
	for (int i = 0; i < 160; i++) { /* more than a page's window (50 x 3) of newer records */
		char *e = unique_email("filler");
		json_decref(create(staff.hr, "Filler Person", e, NULL));
		free(e);
	}
	for (int i = 0; i < 3; i++) { /* the three newest */
		char *e = unique_email(tag);
		json_array_append_new(made, create(staff.hr, "Fresh Match", e, NULL));
		free(e);
	}
	for (int i = 0; i < 6; i++)
		want[i] = sget(json_array_get(made, 5 - i), "id");

	char *cursor = NULL;
	int got = 0, pages = 0;
	do {
		char *path = cursor
		                 ? xasprintf("/v1/applicants?q=%s&limit=2&cursor=%s", tag, cursor)
		                 : xasprintf("/v1/applicants?q=%s&limit=2", tag);
		struct resp *r = http_json("GET", path, staff.recruiter, NULL);
		assert_int_equal(r->status, 200);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(r->json, "items"), i, it)
		{
			assert_true(got < 6);
			assert_string_equal(sget(it, "id"), want[got]);
			got++;
		}
		free(cursor);
		json_t *next = json_object_get(r->json, "next_cursor");
		cursor = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		resp_free(r);
		free(path);
		pages++;
	} while (cursor != NULL && pages < 10);
	assert_int_equal(got, 6);
	assert_null(cursor);
	json_decref(made);
}

static void
test_search_buried_matches(void **state)
{
	(void)state;
	char tag[40];

	unsigned r[2];
	assert_int_equal(random_bytes(r, sizeof(r)), 0); /* a pattern no earlier run used */

	/* a pattern with trigrams: the older matches come through the trigram indexes */
	snprintf(tag, sizeof(tag), "bur%d%u", (int)getpid(), r[0] % 100000);
	search_buried(tag);
	/* no three letters or digits in a row: no index can help, the planner chooses */
	unsigned d = r[1];
	snprintf(tag, sizeof(tag), "b-%u-%u-%u-%u-%u-%u-%u-%u-%u", d % 10, d / 10 % 10,
	         d / 100 % 10, d / 1000 % 10, d / 10000 % 10, d / 100000 % 10, d / 1000000 % 10,
	         d / 10000000 % 10, d / 100000000 % 10);
	search_buried(tag);
}

/* Audit entries for one applicant, newest first. */
static json_t *
audit_for(const char *id)
{
	char *path = xasprintf("/v1/audit?applicant_id=%s&limit=200", id);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_incref(json_object_get(r->json, "items"));
	resp_free(r);
	free(path);
	return items;
}

static void
test_audit_trail(void **state)
{
	(void)state;
	char *email = unique_email("audit");
	json_t *rec = create(staff.recruiter, "Audit Ed", email, NULL);
	char *path = path_of(rec);
	const char *id = sget(rec, "id");

	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	char *rid = resp_header(r, "X-Request-Id");
	resp_free(r);
	resp_free(http_json("PATCH", path, staff.recruiter, "{\"job_title\":\"Auditor\"}"));
	char *hold = xasprintf("%s/legal-hold", path);
	resp_free(http_json("PUT", hold, staff.hr, "{\"reason\":\"r\"}"));
	resp_free(http_json("DELETE", hold, staff.hr, NULL));
	resp_free(http_json("DELETE", path, staff.hr, NULL));

	json_t *items = audit_for(id);
	static const char *const want[] = {"applicant.delete", "legal_hold.lift",
	                                   "legal_hold.set",   "applicant.update",
	                                   "applicant.read",   "applicant.create"};
	assert_int_equal(json_array_size(items), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *e = json_array_get(items, i);
		assert_string_equal(sget(e, "action"), want[i]);
		assert_string_equal(sget(e, "applicant_id"), id);
		assert_non_null(sget(e, "at"));
		assert_non_null(sget(e, "request_id"));
	}
	json_t *read = json_array_get(items, 4);
	assert_string_equal(sget(read, "actor"), staff.recruiter_name);
	assert_string_equal(sget(read, "request_id"), rid);
	assert_string_equal(sget(json_array_get(items, 0), "actor"), staff.hr_name);
	assert_string_equal(sget(json_array_get(items, 3), "target"), "applicant:job_title");
	/* no personal data in the trail */
	char *dump = json_dumps(items, 0);
	assert_null(strstr(dump, email));
	assert_null(strstr(dump, "Audit Ed"));
	assert_null(strstr(dump, "Auditor"));
	free(dump);
	json_decref(items);

	/* filters */
	char *p2 = xasprintf("/v1/audit?actor=%s&limit=200", staff.recruiter_name);
	r = http_json("GET", p2, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r->json, "items"), i, e)
	    assert_string_equal(sget(e, "actor"), staff.recruiter_name);
	assert_true(json_array_size(json_object_get(r->json, "items")) >= 3);
	resp_free(r);
	free(p2);
	r = http_json("GET", "/v1/audit?since=2999-01-01T00:00:00Z", staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	r = http_json("GET", "/v1/audit?since=yesterday", staff.hr, NULL);
	assert_problem(r, 400, "bad-request");
	assert_field_error(r, "since");
	resp_free(r);
	r = http_json("GET", "/v1/audit?applicant_id=nope", staff.hr, NULL);
	assert_problem(r, 400, "bad-request");
	assert_field_error(r, "applicant_id");
	resp_free(r);
	free(hold);
	free(rid);
	free(path);
	json_decref(rec);
	free(email);
}

static void
test_audit_pagination(void **state)
{
	(void)state;
	char *email = unique_email("auditpage");
	json_t *rec = create(staff.hr, "Page Audit", email, NULL);
	char *path = path_of(rec);
	for (int i = 0; i < 11; i++)
		resp_free(http_json("GET", path, staff.hr, NULL));
	json_t *seen = json_array();
	char *cursor = NULL;
	do {
		char *p = cursor ? xasprintf("/v1/audit?applicant_id=%s&limit=3&cursor=%s",
		                             sget(rec, "id"), cursor)
		                 : xasprintf("/v1/audit?applicant_id=%s&limit=3", sget(rec, "id"));
		struct resp *r = http_json("GET", p, staff.hr, NULL);
		assert_int_equal(r->status, 200);
		json_array_extend(seen, json_object_get(r->json, "items"));
		free(cursor);
		json_t *next = json_object_get(r->json, "next_cursor");
		cursor = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		resp_free(r);
		free(p);
	} while (cursor);
	assert_int_equal(json_array_size(seen), 12);
	json_decref(seen);
	free(path);
	json_decref(rec);
	free(email);
}

static void
test_audit_is_append_only(void **state)
{
	(void)state;
	static const char *const attempts[] = {
	    "UPDATE audit_log SET actor = 'someone-else'",
	    "DELETE FROM audit_log",
	    "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
	    "TRUNCATE audit_log",
	};
	char *before = db_value("SELECT count(*) FROM audit_log", NULL);
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		PGresult *res = PQexec(test_db(), attempts[i]);
		if (PQresultStatus(res) != PGRES_FATAL_ERROR)
			fail_msg("the database allowed: %s", attempts[i]);
		assert_string_equal(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42501");
		PQclear(res);
	}
	char *after = db_value("SELECT count(*) FROM audit_log", NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_pagination),
	    cmocka_unit_test(test_plain_list_pages),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_search_buried_matches),
	    cmocka_unit_test(test_audit_trail),
	    cmocka_unit_test(test_audit_pagination),
	    cmocka_unit_test(test_audit_is_append_only),
	};
	return cmocka_run_group_tests_name("api applicants list", tests, api_start, api_stop);
}
