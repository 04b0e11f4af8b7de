/*
 * analytics: the hiring funnel (flows/screening_funnel.c), from the
 * de-identified stage events alone: no id, name or e-mail of an applicant,
 * and no count from 1 to 4, ever appears.
 */
#include "api/handlers.h"
#include "api/rest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/screening_funnel.h"

int
analytics_funnel(struct req *r)
{
	static const char *const allowed[] = {"opening_id", NULL};
	const char *opening = req_query(r, "opening_id");
	json_t *funnel;
	struct flow f;

	if (req_query_only(r, allowed) != 0)
		return -1;
	if (opening != NULL && !is_uuid(opening)) {
		problem_field(req_problem(r), "opening_id", "must be a UUID");
		return req_fail(r, 400, "bad filter");
	}
	if (rest_flow(r, &f) != 0 || screening_funnel(&f, opening, &funnel) != 0)
		return -1;
	return reply_json(r, 200, funnel);
}
