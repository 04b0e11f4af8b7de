/*
 * evaluations: a staff member's score (1 to 5) and summary of an
 * application. Part of the applicant's recruitment record: never shown to
 * the applicant, removed with the record, written to the employee archive
 * on hire. Each one written is audited (flows/screening.c).
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
#include "flows/flow.h"
#include "flows/screening.h"

int
evaluations_create(struct req *r)
{
	static const char *const keys[] = {"score", "summary", NULL};
	const char *id = req_param(r, 0);
	json_t *body, *score, *out;
	struct flow f;

	if (!is_uuid(id))
		return req_fail(r, 404, "no application with this id");
	if ((body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	score = json_object_get(body, "score");
	if (score == NULL || json_is_null(score))
		problem_field(req_problem(r), "score", "is required: a whole number from 1 to 5");
	else if (!json_is_integer(score) || json_integer_value(score) < 1 ||
	         json_integer_value(score) > 5)
		problem_field(req_problem(r), "score", "must be a whole number from 1 to 5");
	check_text(body, "summary", NULL, false, 5000, req_problem(r));
	if (req_fail_fields(r) != 0 || rest_flow(r, &f) != 0 ||
	    screening_evaluate(&f, id, (int)json_integer_value(score),
	                       json_string_value(json_object_get(body, "summary")), &out) != 0)
		return -1;
	char *location =
	    xasprintf("/v1/evaluations/%s", json_string_value(json_object_get(out, "id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_json(r, 201, out);
}

int
evaluations_list(struct req *r)
{
	const char *id = req_param(r, 0);
	json_t *list, *page = NULL;
	struct flow f;

	if (!is_uuid(id))
		return req_fail(r, 404, "no application with this id");
	if (rest_flow(r, &f) != 0 || screening_evaluations(&f, id, &list) != 0 ||
	    rest_page_ascending(r, list, "created_at", "id", &page) != 0)
		return -1;
	return reply_json(r, 200, page);
}

int
evaluations_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	json_t *out;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no evaluation with this id");
	if (rest_flow(r, &f) != 0 || screening_evaluation(&f, id, &out) != 0)
		return -1;
	return reply_json(r, 200, out);
}
