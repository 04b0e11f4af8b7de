/*
 * evaluations: a staff member's score (1 to 5) and summary of an
 * application. Part of the applicant's recruitment record: never shown to
 * the applicant, removed with the record, written to the employee archive
 * on hire. Each one written is audited.
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
#include "store/db.h"
#include "store/evaluations.h"

int
evaluations_create(struct req *r)
{
	static const char *const keys[] = {"score", "summary", NULL};
	const char *id = req_param(r, 0);
	json_t *body, *score;
	struct db *db;
	PGresult *res;
	char score_s[4];
	int rc;

	if (!is_uuid(id))
		return req_fail(r, 404, "no application with this id");
	if (rest_hidden_application(r, id, false) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	score = json_object_get(body, "score");
	if (!json_is_integer(score) || json_integer_value(score) < 1 ||
	    json_integer_value(score) > 5)
		problem_field(req_problem(r), "score", "is required: a whole number from 1 to 5");
	check_text(body, "summary", NULL, false, 5000, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	snprintf(score_s, sizeof(score_s), "%d", (int)json_integer_value(score));
	const char *params[5] = {id, score_s, json_string_value(json_object_get(body, "summary")),
	                         req_actor(r)->name, req_id(r)};
	if ((res = db_run(db, &evaluations_insert_eval, 5, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		rc = req_fail(r, 404, "no application with this id");
	} else {
		char *location = xasprintf("/v1/evaluations/%s", PQgetvalue(res, 0, 1));
		reply_header(r, "Location", location);
		free(location);
		rc = reply_json(r, 201, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	}
	PQclear(res);
	return rc;
}

int
evaluations_list(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	PGresult *res;
	int rc;

	if (!is_uuid(id))
		return req_fail(r, 404, "no application with this id");
	if (rest_hidden_application(r, id, false) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *params[1] = {id};
	if ((res = db_run(db, &evaluations_list_evals, 1, params)) == NULL)
		return rest_fail_db(r, db);
	json_t *page = NULL;
	if (PQntuples(res) == 0)
		rc = req_fail(r, 404, "no application with this id");
	else if ((rc = rest_page_ascending(r, json_loads(PQgetvalue(res, 0, 0), 0, NULL),
	                                   "created_at", "id", &page)) == 0)
		rc = reply_json(r, 200, page);
	PQclear(res);
	return rc;
}

int
evaluations_get(struct req *r)
{
	if (rest_hidden_application(r, req_param(r, 0), true) != 0)
		return -1;
	return rest_get_by_id(r, &evaluations_get_eval, "evaluation");
}
