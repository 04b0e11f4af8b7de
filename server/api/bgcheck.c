/*
 * bgcheck: where background checks are lawful, as HR decides: a rule per
 * country, and per region where a region's law differs. Staff read them;
 * hr writes them (audited). applications.c consults them for every move to
 * background_check: the region's rule, else the country's, else no check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/bgcheck.h"
#include "store/db.h"
#include "store/rule_sets.h"

/* The path's country and region ("" when none): 0, or -1 with a 404. */
static int
path_rule(struct req *r, const char **country, const char **region)
{
	*country = req_param(r, 0);
	*region = req_param(r, 1);
	if (!is_country_code(*country))
		return req_fail(
		    r, 404,
		    "no such country: use an ISO 3166-1 alpha-2 code in upper case, e.g. US");
	if (*region != NULL &&
	    (strlen(*region) > 100 || has_control_chars(*region) || is_blank(*region)))
		return req_fail(r, 404, "no such region");
	if (*region == NULL)
		*region = "";
	return 0;
}

int
bgcheck_list(struct req *r)
{
	static const char *const none[] = {NULL};
	struct db *db;
	PGresult *res;

	if (req_query_only(r, none) != 0 || (db = req_db(r)) == NULL)
		return -1;
	if ((res = db_run(db, &bgcheck_list_rules, 0, NULL)) == NULL)
		return rest_fail_db(r, db);
	json_t *items = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	reply_etag_version(r, atol(PQgetvalue(res, 0, 1))); /* the set's one version */
	PQclear(res);
	return reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int
bgcheck_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *country, *region;
	struct db *db;
	PGresult *res;
	int rc;

	if (path_rule(r, &country, &region) != 0 || req_query_only(r, none) != 0 ||
	    (db = req_db(r)) == NULL)
		return -1;
	const char *params[2] = {country, region};
	if ((res = db_run(db, &bgcheck_get_rule, 2, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		rc = req_fail(r, 404, "no background-check rule for this jurisdiction");
	} else {
		reply_etag_version(r, atol(PQgetvalue(res, 0, 1)));
		rc = reply_json(r, 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	}
	PQclear(res);
	return rc;
}

/* Open the set for a change at If-Match's version: 0 with *version the new one, -1 problem set. */
static int
begin_change(struct req *r, struct db *db, long *version)
{
	long expect = 0;
	int rc;

	if (req_if_match(r, &expect) < 0)
		return -1;
	if (db_begin(db) != 0 || (rc = rule_set_bump(db, RULE_SET_BGCHECK, expect, version)) < 0)
		return rest_fail_db(r, db);
	if (rc > 0) {
		db_rollback(db);
		return req_fail(r, 412, "the rules changed since the version If-Match names");
	}
	return 0;
}

int
bgcheck_delete(struct req *r)
{
	const char *country, *region;
	struct db *db;
	long version, n = 0;

	if (path_rule(r, &country, &region) != 0 || (db = req_db(r)) == NULL ||
	    begin_change(r, db, &version) != 0)
		return -1;
	const char *params[4] = {country, region, req_actor(r)->name, req_id(r)};
	if (db_count(db, &bgcheck_delete_rule, 4, params, &n) != 0)
		return rest_fail_db(r, db);
	if (n == 0) {
		db_rollback(db); /* nothing deleted: the version stays */
		return req_fail(r, 404, "no background-check rule for this jurisdiction");
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	reply_etag_version(r, version);
	return reply_empty(r, 204);
}

int
bgcheck_put(struct req *r)
{
	static const char *const keys[] = {"allowed", "note", NULL};
	const char *country, *region;
	json_t *body;
	struct db *db;
	PGresult *res;
	long version;
	int rc;

	if (path_rule(r, &country, &region) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	if (!json_is_boolean(json_object_get(body, "allowed")))
		problem_field(req_problem(r), "allowed", "is required: true or false");
	check_text(body, "note", NULL, false, 1000, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL ||
	    begin_change(r, db, &version) != 0)
		return -1;
	const char *params[6] = {country,
	                         region,
	                         json_is_true(json_object_get(body, "allowed")) ? "true" : "false",
	                         json_string_value(json_object_get(body, "note")),
	                         req_actor(r)->name,
	                         req_id(r)};
	if ((res = db_run(db, &bgcheck_upsert_rule, 6, params)) == NULL)
		return rest_fail_db(r, db);
	if (db_exec(db, "COMMIT") != 0) {
		PQclear(res);
		return rest_fail_db(r, db);
	}
	bool created = PQgetvalue(res, 0, 1)[0] == 't';
	if (created) {
		char *location =
		    *region ? xasprintf("/v1/background-check-rules/%s/%s", country, region)
		            : xasprintf("/v1/background-check-rules/%s", country);
		reply_header(r, "Location", location);
		free(location);
	}
	reply_etag_version(r, version);
	rc = reply_json(r, created ? 201 : 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	PQclear(res);
	return rc;
}
