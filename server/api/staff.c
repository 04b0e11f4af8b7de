/*
 * staff: the handlers of the staff directory (hr). Each reads straight
 * down: parameters, validation (domain/member.c), one call into
 * flows/staffing.c, JSON out. A role change or a deactivation ends the
 * member's keys and sessions (the flow does it, in the same transaction).
 */
#include <stdlib.h>

#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/member.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/staffing.h"

/* Reply with a member (stolen), its version as the ETag. */
static int
reply_member(struct req *r, unsigned status, json_t *member)
{
	reply_etag_version(r, (long)json_integer_value(json_object_get(member, "version")));
	return reply_json(r, status, member);
}

int
staff_create(struct req *r)
{
	json_t *doc = req_json(r), *member;
	struct flow f;
	struct idem k;
	bool replayed;
	int keyed;

	if (doc == NULL)
		return -1;
	if (!member_validate(doc, req_problem(r)))
		return req_fail_fields(r);
	if ((keyed = idem_of(r, "staff.create", &k)) < 0 || rest_flow(r, &f) != 0 ||
	    staffing_create(&f, doc, IDEM_OR_NULL(keyed, &k), &member, &replayed) != 0)
		return -1;
	if (replayed)
		idem_replayed(r);
	char *location =
	    xasprintf("/v1/staff/%s", json_string_value(json_object_get(member, "id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_member(r, 201, member);
}

int
staff_list(struct req *r)
{
	static const char *const args[] = {"limit", "cursor", NULL};
	struct page_of page = {0};
	struct page pg;
	struct flow f;

	if (req_query_only(r, args) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0)
		return -1;
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (rest_flow(r, &f) != 0 || staffing_list(&f, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}

int
staff_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	json_t *member;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no staff member with this id");
	if (rest_flow(r, &f) != 0 || staffing_get(&f, id, &member) != 0)
		return -1;
	return reply_member(r, 200, member);
}

int
staff_patch(struct req *r)
{
	static const char *const patchable[] = {"email", "name", "role", "active", "version", NULL};
	const char *id = req_param(r, 0);
	const json_t *patch;
	json_t *member;
	struct flow f;
	long expect;

	if (!is_uuid(id))
		return req_fail(r, 404, "no staff member with this id");
	if (rest_patch_body(r, patchable, member_readonly, &patch, &expect) != 0 ||
	    rest_flow(r, &f) != 0 || staffing_change(&f, id, patch, expect, &member) != 0)
		return -1;
	return reply_member(r, 200, member);
}
