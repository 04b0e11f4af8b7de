/*
 * openings: the handlers of the jobs applicants apply to. Each reads
 * straight down: parameters, validation (domain/opening.c), one call into
 * flows/posting.c, JSON out. Without a staff token only open openings are
 * visible, and only their public fields (the flow decides by the actor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/opening.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/posting.h"

static bool
is_staff(const struct req *r)
{
	enum role role = req_actor(r)->role;
	return role == ROLE_RECRUITER || role == ROLE_HR;
}

/* Reply with an opening (stolen); its version, when it shows one, as the ETag. */
static int
reply_opening(struct req *r, unsigned status, json_t *opening)
{
	json_t *v = json_object_get(opening, "version");

	if (json_is_integer(v))
		reply_etag_version(r, (long)json_integer_value(v));
	return reply_json(r, status, opening);
}

int
openings_create(struct req *r)
{
	json_t *doc = req_json(r), *opening;
	struct flow f;
	struct idem k;
	bool replayed;
	int keyed;

	if (doc == NULL)
		return -1;
	if (!opening_validate(doc, req_problem(r)))
		return req_fail_fields(r);
	if ((keyed = idem_of(r, "openings.create", &k)) < 0 || rest_flow(r, &f) != 0 ||
	    posting_create(&f, doc, IDEM_OR_NULL(keyed, &k), &opening, &replayed) != 0)
		return -1;
	if (replayed)
		idem_replayed(r);
	char *location =
	    xasprintf("/v1/openings/%s", json_string_value(json_object_get(opening, "id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_opening(r, 201, opening);
}

int
openings_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	json_t *opening;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no opening with this id");
	if (rest_flow(r, &f) != 0 || posting_get(&f, id, &opening) != 0)
		return -1;
	return reply_opening(r, 200, opening);
}

int
openings_patch(struct req *r)
{
	static const char *const patchable[] = {
	    "title",  "department",      "country",       "region",  "location", "description",
	    "status", "employment_type", "valid_through", "version", NULL};
	const char *id = req_param(r, 0);
	const json_t *patch;
	json_t *opening;
	struct flow f;
	long expect;

	if (!is_uuid(id))
		return req_fail(r, 404, "no opening with this id");
	if (rest_patch_body(r, patchable, opening_readonly, &patch, &expect) != 0 ||
	    rest_flow(r, &f) != 0 || posting_change(&f, id, patch, expect, &opening) != 0)
		return -1;
	return reply_opening(r, 200, opening);
}

int
openings_list(struct req *r)
{
	static const char *const staff_args[] = {"status", "limit", "cursor", NULL};
	static const char *const public_args[] = {"limit", "cursor", NULL};
	const char *status = req_query(r, "status");
	struct page_of page = {0};
	struct page pg;
	struct flow f;

	if (req_query_only(r, is_staff(r) ? staff_args : public_args) != 0 ||
	    paging_start(r, PAGE_BY_TIME, &pg) != 0)
		return -1;
	if (status && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0) {
		problem_field(req_problem(r), "status", "must be open or closed");
		return req_fail(r, 400, "bad query");
	}
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (rest_flow(r, &f) != 0 || posting_list(&f, status, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}
