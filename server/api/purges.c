/*
 * purges: retention over HTTP (hr): the rules, and purge runs. A run is
 * done on a thread of its own (req_defer), so a purge of many records never
 * holds up the worker threads; the report comes back when it is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/retention.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "jobs/purge.h"
#include "store/db.h"
#include "store/retention.h"
#include "store/rule_sets.h"

static int
reply_policies(struct req *r, struct db *db)
{
	PGresult *res = db_run(db, &retention_policies_ordered, 0, NULL);
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	reply_etag_version(r, atol(PQgetvalue(res, 0, 1))); /* the set's one version */
	rc = reply_json(r, 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	PQclear(res);
	return rc;
}

int
retention_policies_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct db *db;

	if (req_query_only(r, none) != 0 || (db = req_db(r)) == NULL)
		return -1;
	return reply_policies(r, db);
}

/*
 * A policy for a named jurisdiction may not keep an application's record
 * for less than the jurisdiction's legal floor: 0, or -1 with a 422 naming
 * the floor and its basis. ("*" names none; the purge enforces floors
 * regardless.)
 */
static int
below_floors(struct req *r, struct db *db, const json_t *list)
{
	PGresult *res = db_run(db, &retention_floors_ordered, 0, NULL);
	struct policies floors = {0};
	size_t i;
	json_t *rule, *all;

	if (res == NULL)
		return rest_fail_db(r, db);
	all = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	json_array_foreach(all, i, rule) json_object_set_new(rule, "outcome", json_string("floor"));
	int rc = retention_policies_parse(all, &floors);
	json_decref(all);
	if (rc != 0)
		return req_fail(r, 503, "the legal floors could not be read; retry");
	json_array_foreach(list, i, rule)
	{
		const char *outcome = json_string_value(json_object_get(rule, "outcome"));
		const char *country = json_string_value(json_object_get(rule, "country"));
		const char *region = json_string_value(json_object_get(rule, "region"));
		long days = (long)json_integer_value(json_object_get(rule, "retain_days"));
		const struct floor *f;
		/* a rule with errors of its own is judged once they are fixed: skip it here */
		if (outcome == NULL || country == NULL ||
		    !json_is_integer(json_object_get(rule, "retain_days")) ||
		    (region == NULL && json_object_get(rule, "region") != NULL &&
		     !json_is_null(json_object_get(rule, "region"))))
			continue;
		if (strcmp(outcome, "no_application") == 0 || strcmp(country, "*") == 0 ||
		    (f = retention_floor_for(&floors, country, region)) == NULL ||
		    days >= f->retain_days)
			continue;
		char field[48];
		snprintf(field, sizeof(field), "[%zu].retain_days", i);
		problem_field(req_problem(r), field,
		              "is below the legal floor of %d days for %s%s%s (%s)", f->retain_days,
		              f->country, f->region[0] ? "/" : "", f->region, f->basis);
	}
	retention_policies_free(&floors);
	return req_fail_fields(r);
}

static int
reply_floors(struct req *r, struct db *db)
{
	PGresult *res = db_run(db, &retention_floors_ordered, 0, NULL);
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	reply_etag_version(r, atol(PQgetvalue(res, 0, 1)));
	rc = reply_json(r, 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	PQclear(res);
	return rc;
}

int
retention_floors_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct db *db;

	if (req_query_only(r, none) != 0 || (db = req_db(r)) == NULL)
		return -1;
	return reply_floors(r, db);
}

/* [{country, region, retain_days, basis}]: each jurisdiction once, a real country. */
static bool
floors_valid(const json_t *list, struct problem *p)
{
	static const char *const keys[] = {"country", "region", "retain_days", "basis", NULL};
	size_t i;
	json_t *f;

	if (!json_is_array(list)) {
		problem_field(p, "floors",
		              "must be a list of {country, region, retain_days, basis}");
		return false;
	}
	json_array_foreach(list, i, f)
	{
		char path[32], field[64];
		snprintf(path, sizeof(path), "[%zu]", i);
		if (!json_is_object(f)) {
			problem_field(p, path, "must be {country, region, retain_days, basis}");
			continue;
		}
		check_known_keys(f, keys, NULL, path, p);
		const char *country = json_string_value(json_object_get(f, "country"));
		json_t *region = json_object_get(f, "region"),
		       *days = json_object_get(f, "retain_days");
		snprintf(field, sizeof(field), "%s.country", path);
		if (country == NULL || !is_country_code(country))
			problem_field(p, field, "must be an ISO 3166-1 alpha-2 code");
		snprintf(field, sizeof(field), "%s.region", path);
		if (region != NULL && !json_is_null(region) &&
		    (!json_is_string(region) || *json_string_value(region) == '\0' ||
		     utf8_chars(json_string_value(region)) > 100 ||
		     has_control_chars(json_string_value(region))))
			problem_field(p, field, "must be text of 1 to 100 characters, or null");
		snprintf(field, sizeof(field), "%s.retain_days", path);
		if (!json_is_integer(days) || json_integer_value(days) < 0 ||
		    json_integer_value(days) > 36500)
			problem_field(p, field, "must be a whole number of days from 0 to 36500");
		check_text(f, "basis", path, true, 200, p);
		for (size_t j = 0; j < i; j++) {
			json_t *o = json_array_get(list, j);
			json_t *oregion = json_object_get(o, "region");
			if (json_equal(json_object_get(o, "country"),
			               json_object_get(f, "country")) &&
			    json_equal(oregion ? oregion : json_null(),
			               region ? region : json_null()))
				problem_field(p, path, "repeats the floor at [%zu]", j);
		}
	}
	return !problem_has_fields(p);
}

int
retention_floors_put(struct req *r)
{
	json_t *list = req_json_value(r);
	struct db *db;
	char count[16];
	long expect = 0, version;
	int rc;

	if (list == NULL || req_if_match(r, &expect) < 0)
		return -1;
	if (!floors_valid(list, req_problem(r)))
		return req_fail_fields(r);
	if ((db = req_db(r)) == NULL)
		return -1;
	char *text = jsonx_dump(list);
	snprintf(count, sizeof(count), "%zu", json_array_size(list));
	const char *p1[1] = {text}, *p2[3] = {req_actor(r)->name, count, req_id(r)};
	if (db_begin(db) != 0 || (rc = rule_set_bump(db, RULE_SET_FLOORS, expect, &version)) < 0) {
		free(text);
		return rest_fail_db(r, db);
	}
	if (rc > 0) {
		free(text);
		db_rollback(db);
		return req_fail(r, 412, "the floors changed since the version If-Match names");
	}
	int ok = db_do(db, &retention_clear_floors, 0, NULL) == 0 &&
	         db_do(db, &retention_insert_floors, 1, p1) == 0 &&
	         db_do(db, &retention_audit_floors, 3, p2) == 0 && db_exec(db, "COMMIT") == 0;
	free(text);
	return ok ? reply_floors(r, db) : rest_fail_db(r, db);
}

int
retention_policies_put(struct req *r)
{
	json_t *body = req_json_value(r), *list;
	struct db *db;
	char count[16];
	long expect = 0, version;
	int rc;

	if (body == NULL || req_if_match(r, &expect) < 0)
		return -1;
	/* DESIGN's form is a bare array; {"policies": [...]} is taken too. */
	list = json_is_object(body) && json_object_size(body) == 1
	           ? json_object_get(body, "policies")
	           : body;
	/* every field error at once: the shapes, then the floors of the rules that have one */
	bool valid = retention_policies_validate(list, req_problem(r));
	if (!json_is_array(list))
		return req_fail_fields(r);
	if ((db = req_db(r)) == NULL || below_floors(r, db, list) != 0 || !valid)
		return req_problem(r)->status != 0 ? -1 : req_fail_fields(r);
	char *text = jsonx_dump(list);
	snprintf(count, sizeof(count), "%zu", json_array_size(list));
	const char *p1[1] = {text}, *p2[3] = {req_actor(r)->name, count, req_id(r)};
	/* The set's version first: a stale If-Match changes nothing. */
	if (db_begin(db) != 0 ||
	    (rc = rule_set_bump(db, RULE_SET_RETENTION, expect, &version)) < 0) {
		free(text);
		return rest_fail_db(r, db);
	}
	if (rc > 0) {
		free(text);
		db_rollback(db);
		return req_fail(r, 412, "the policies changed since the version If-Match names");
	}
	int ok = db_do(db, &retention_clear_policies, 0, NULL) == 0 &&
	         db_do(db, &retention_insert_policies, 1, p1) == 0 &&
	         db_do(db, &retention_audit_policies, 3, p2) == 0 && db_exec(db, "COMMIT") == 0;
	free(text);
	return ok ? reply_policies(r, db) : rest_fail_db(r, db);
}

/* The run itself, on its own thread. */
static void
run_purge(struct req *r)
{
	json_t *body = req_json(r);
	struct db *db = req_db(r);
	json_t *report;

	if (db == NULL)
		return;
	report = purge_run(db, json_is_true(json_object_get(body, "dry_run")), req_actor(r)->name,
	                   req_id(r));
	if (report == NULL) {
		rest_fail_db(r, db);
		return;
	}
	char *location =
	    xasprintf("/v1/retention/purges/%s", json_string_value(json_object_get(report, "id")));
	reply_header(r, "Location", location);
	free(location);
	reply_json(r, 201, report);
}

int
purges_create(struct req *r)
{
	static const char *const keys[] = {"dry_run", NULL};
	json_t *body = req_json(r);

	if (body == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_bool(body, "dry_run", NULL, req_problem(r));
	if (req_fail_fields(r) != 0)
		return -1;
	return req_defer(r, run_purge);
}

int
purges_get(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	json_t *report;

	static const char *const none[] = {NULL};

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no purge run with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	if ((report = purge_report(db, id)) == NULL)
		return db_failure(db) == DB_OK ? req_fail(r, 404, "no purge run with this id")
		                               : rest_fail_db(r, db);
	return reply_json(r, 200, report);
}

int
purges_list(struct req *r)
{
	static const char *const allowed[] = {"limit", "cursor", NULL};
	struct page pg;
	struct db *db;
	PGresult *res;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0 ||
	    (db = req_db(r)) == NULL)
		return -1;
	const char *params[3] = {pg.k1, pg.k2, pg.limit_param};
	if ((res = db_run(db, &retention_list_runs, 3, params)) == NULL)
		return rest_fail_db(r, db);
	json_t *body = rest_page_body(rest_page_items(res, pg.limit, 0), res, pg.limit, 1, 2);
	PQclear(res);
	return reply_json(r, 200, body);
}
