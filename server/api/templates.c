/*
 * templates: the handlers of the e-mail templates (hr): GET and PUT
 * /v1/templates, the whole set at once with one version in the ETag.
 * Validation is domain/templates.c's; the work flows/templating.c's.
 */
#include "domain/templates.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "core/problem.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/templating.h"

int
templates_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct flow f;
	json_t *list;
	long version;

	if (req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    templating_list(&f, &list, &version) != 0)
		return -1;
	reply_etag_version(r, version);
	return reply_json(r, 200, list);
}

int
templates_put(struct req *r)
{
	json_t *list = req_json_value(r), *out;
	struct flow f;
	long expect = 0, version;

	if (list == NULL || req_if_match(r, &expect) < 0)
		return -1;
	if (!templates_validate(list, req_problem(r)))
		return req_fail_fields(r);
	if (rest_flow(r, &f) != 0 || templating_put(&f, list, expect, &out, &version) != 0)
		return -1;
	reply_etag_version(r, version);
	return reply_json(r, 200, out);
}
