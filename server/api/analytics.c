/*
 * analytics: the hiring funnel, from the de-identified stage events alone
 * (stage_events holds an opening, a stage, a time and a random track id
 * that nothing else points to once the application is gone), so purges and
 * transfers never change past figures and no person can be picked out: any
 * count under FUNNEL_MIN is reported as null with "suppressed": true, and
 * every other count is rounded down to a multiple of FUNNEL_MIN. Without the
 * rounding, the funnel of all openings minus one opening's gave away a
 * suppressed count by subtraction; with it, every sum or difference of
 * reported counts is a multiple of FUNNEL_MIN, never 1 to 4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/stages.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/db.h"
#include "store/funnel.h"

#define FUNNEL_MIN 5

static json_t *
stage_figures(const char *stage, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		if (strcmp(PQgetvalue(res, i, 0), stage) != 0)
			continue;
		long reached = atol(PQgetvalue(res, i, 1)), left = atol(PQgetvalue(res, i, 2));
		if (reached < FUNNEL_MIN)
			break;
		json_t *median =
		    left >= FUNNEL_MIN && !PQgetisnull(res, i, 3)
		        ? json_real((double)(long)(atof(PQgetvalue(res, i, 3)) * 100 + 0.5) / 100)
		        : json_null();
		return json_pack("{s:s, s:I, s:o, s:b}", "stage", stage, "reached",
		                 (json_int_t)(reached - reached % FUNNEL_MIN), "median_days",
		                 median, "suppressed", 0);
	}
	return json_pack("{s:s, s:n, s:n, s:b}", "stage", stage, "reached", "median_days",
	                 "suppressed", 1);
}

int
analytics_funnel(struct req *r)
{
	static const char *const allowed[] = {"opening_id", NULL};
	const char *opening = req_query(r, "opening_id");
	struct db *db;
	PGresult *res;

	if (req_query_only(r, allowed) != 0)
		return -1;
	if (opening != NULL && !is_uuid(opening)) {
		problem_field(req_problem(r), "opening_id", "must be a UUID");
		return req_fail(r, 400, "bad filter");
	}
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[1] = {opening};
	if ((res = opening ? db_run(db, &funnel_of, 1, params)
	                   : db_run(db, &funnel_all, 0, NULL)) == NULL)
		return rest_fail_db(r, db);
	json_t *stages = json_array();
	for (int s = 0; s < ST_COUNT; s++)
		json_array_append_new(stages, stage_figures(stage_name((enum stage)s), res));
	PQclear(res);
	return reply_json(r, 200,
	                  json_pack("{s:o, s:i, s:i, s:o}", "opening_id",
	                            opening ? json_string(opening) : json_null(), "minimum_count",
	                            FUNNEL_MIN, "rounded_to", FUNNEL_MIN, "stages", stages));
}
