/*
 * privacy_queue: HR's queue of privacy requests (list, one, extension,
 * completion, metrics) and the applicant's own list, through
 * flows/requests.h. See include/api/privacy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/handlers.h"
#include "api/privacy.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/clock.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/privacy.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/requests.h"

#define REASON_MAX_CHARS 1000

/* Reply with a request (stolen), its version as the ETag. */
static int
reply_request(struct req *r, json_t *request)
{
	reply_etag_version(r, json_integer_value(json_object_get(request, "version")));
	return reply_json(r, 200, request);
}

/* The path's request id: 0, or -1 after a 404 (no request has an id that is not a UUID). */
static int
path_request(struct req *r, const char **id)
{
	*id = req_param(r, 0);
	if (!is_uuid(*id))
		return req_fail(r, 404, "no privacy request with this id");
	return 0;
}

/* GET one: HR's any, the applicant's their own (the flow tells them apart). */
static int
get_one(struct req *r)
{
	static const char *const none[] = {NULL};
	json_t *request;
	const char *id;
	struct flow f;

	if (path_request(r, &id) != 0 || req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    requests_get(&f, id, &request) != 0)
		return -1;
	return reply_request(r, request);
}

int
privacy_get_one(struct req *r)
{
	return get_one(r);
}

int
me_privacy_get(struct req *r)
{
	return get_one(r);
}

/* HR's filters, checked: 0, or -1 after a 400. */
static int
read_filter(struct req *r, struct requests_filter *q)
{
	static const char *const statuses[] = {"awaiting_verification", "in_progress", "completed",
	                                       "denied", NULL};
	time_t t;

	q->status = req_query(r, "status");
	q->type = req_query(r, "type");
	q->overdue = req_query(r, "overdue");
	q->due_before = req_query(r, "due_before");
	if (q->status != NULL && !is_one_of(q->status, statuses))
		return req_fail(r, 400,
		                "status must be awaiting_verification, in_progress, completed "
		                "or denied");
	if (q->type != NULL && !is_one_of(q->type, privacy_types))
		return req_fail(r, 400, "type must be a privacy request type");
	if (q->overdue != NULL && strcmp(q->overdue, "true") != 0 &&
	    strcmp(q->overdue, "false") != 0)
		return req_fail(r, 400, "overdue must be true or false");
	if (q->due_before != NULL && clock_parse_rfc3339(q->due_before, &t) != 0)
		return req_fail(r, 400, "due_before must be an RFC 3339 time");
	return 0;
}

/*
 * A page of requests, open ones first, each group soonest due first: the
 * cursor is (ended and due, id), the first page has none.
 */
static int
list(struct req *r, bool staff)
{
	static const char *const staff_q[] = {"status", "type",   "overdue", "due_before",
	                                      "limit",  "cursor", NULL};
	static const char *const me_q[] = {"limit", "cursor", NULL};
	struct requests_filter q = {0};
	struct page_want want = {0};
	struct page_of page = {0};
	char k1[PAGING_KEY_MAX], k2[PAGING_KEY_MAX];
	int has_cursor;
	struct flow f;
	time_t t;

	if (req_query_only(r, staff ? staff_q : me_q) != 0 ||
	    paging_read(r, &want.limit, &has_cursor, k1, k2) != 0 ||
	    (staff && read_filter(r, &q) != 0))
		return -1;
	if (has_cursor) {
		if ((k1[0] != '0' && k1[0] != '1') || k1[1] != ' ' ||
		    clock_parse_rfc3339(k1 + 2, &t) != 0 || !is_uuid(k2))
			return req_fail(r, 400, "the cursor is not one this list gave");
		want.k1 = k1;
		want.k2 = k2;
	}
	if (rest_flow(r, &f) != 0 || requests_list(&f, &q, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}

int
privacy_list(struct req *r)
{
	return list(r, true);
}

int
me_privacy_list(struct req *r)
{
	return list(r, false);
}

int
privacy_extension(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	json_t *body, *request;
	const char *id;
	struct flow f;

	if (path_request(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_text(body, "reason", NULL, true, REASON_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || rest_flow(r, &f) != 0 ||
	    requests_extend(&f, id, json_string_value(json_object_get(body, "reason")), &request) !=
	        0)
		return -1;
	return reply_request(r, request);
}

int
privacy_completion(struct req *r)
{
	static const char *const keys[] = {"outcome", "detail", NULL};
	json_t *body, *request;
	const char *id;
	struct flow f;

	if (path_request(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	const char *outcome = json_string_value(json_object_get(body, "outcome"));
	if (outcome == NULL || !is_one_of(outcome, privacy_outcomes))
		problem_field(req_problem(r), "outcome",
		              "must be fulfilled, partially_fulfilled, denied or no_record");
	check_text(body, "detail", NULL, false, PRIVACY_DETAILS_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || rest_flow(r, &f) != 0 ||
	    requests_complete(&f, id, outcome, json_string_value(json_object_get(body, "detail")),
	                      &request) != 0)
		return -1;
	return reply_request(r, request);
}

int
privacy_metrics_get(struct req *r)
{
	static const char *const q[] = {"year", NULL};
	const char *year = req_query(r, "year");
	json_t *types;
	struct flow f;
	char *end;
	long y;

	if (req_query_only(r, q) != 0)
		return -1;
	if (year == NULL || (y = strtol(year, &end, 10), *end != '\0') || y < 2000 || y > 9999)
		return req_fail(r, 400, "year=YYYY is required");
	if (rest_flow(r, &f) != 0 || requests_metrics(&f, (int)y, &types) != 0)
		return -1;
	return reply_json(r, 200, json_pack("{s:i, s:o}", "year", (int)y, "types", types));
}
