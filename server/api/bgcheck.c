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
	PQclear(res);
	return reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int
bgcheck_put(struct req *r)
{
	static const char *const keys[] = {"allowed", "note", NULL};
	const char *country = req_param(r, 0), *region = req_param(r, 1);
	json_t *body;
	struct db *db;
	PGresult *res;
	int rc;

	if (!is_country_code(country))
		return req_fail(
		    r, 404,
		    "no such country: use an ISO 3166-1 alpha-2 code in upper case, e.g. US");
	if (region != NULL &&
	    (strlen(region) > 100 || has_control_chars(region) || is_blank(region)))
		return req_fail(r, 404, "no such region");
	if ((body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	if (!json_is_boolean(json_object_get(body, "allowed")))
		problem_field(req_problem(r), "allowed", "is required: true or false");
	check_text(body, "note", NULL, false, 1000, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *params[6] = {country,
	                         region ? region : "",
	                         json_is_true(json_object_get(body, "allowed")) ? "true" : "false",
	                         json_string_value(json_object_get(body, "note")),
	                         req_actor(r)->name,
	                         req_id(r)};
	if ((res = db_run(db, &bgcheck_upsert_rule, 6, params)) == NULL)
		return rest_fail_db(r, db);
	bool created = PQgetvalue(res, 0, 1)[0] == 't';
	if (created) {
		char *location =
		    region ? xasprintf("/v1/background-check-rules/%s/%s", country, region)
		           : xasprintf("/v1/background-check-rules/%s", country);
		reply_header(r, "Location", location);
		free(location);
	}
	rc = reply_json(r, created ? 201 : 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	PQclear(res);
	return rc;
}
