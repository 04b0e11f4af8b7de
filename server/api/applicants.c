/*
 * applicants: the handlers of the applicant record, the core of what
 * recruitd holds. Each reads straight down: parameters, validation (the
 * record's rules are domain/profile.c's), one call into flows/recording.c
 * (or flows/erasing.c to delete), JSON out. Deleting leaves a tombstone
 * without personal data, so later reads answer 410 with the disposition.
 * Writes carry the record's version: If-Match, or "version" in a patch,
 * makes a stale write a 412 that changes nothing.
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
#include "domain/profile.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/erasing.h"
#include "flows/flow.h"
#include "flows/recording.h"

#define HOLD_REASON_MAX_CHARS 500

/* The path's applicant id, or -1 with a 404 when it cannot be one. */
static int
path_id(struct req *r, const char **id)
{
	*id = req_param(r, 0);
	if (!is_uuid(*id))
		return req_fail(r, 404, "no applicant with this id");
	return 0;
}

/* Reply with a record (stolen) and its ETag. */
static int
reply_applicant(struct req *r, unsigned status, json_t *record, long version)
{
	reply_etag_version(r, version);
	return reply_json(r, status, record);
}

int
applicants_create(struct req *r)
{
	json_t *doc = req_json(r), *record;
	struct flow f;
	struct idem k;
	bool replayed;
	long version;
	int keyed;

	if (doc == NULL)
		return -1;
	if (!profile_validate(doc, true, req_problem(r)))
		return req_fail_fields(r);
	if ((keyed = idem_of(r, "applicants.create", &k)) < 0 || rest_flow(r, &f) != 0 ||
	    recording_create(&f, doc, IDEM_OR_NULL(keyed, &k), &record, &version, &replayed) != 0)
		return -1;
	if (replayed)
		idem_replayed(r);
	char *location =
	    xasprintf("/v1/applicants/%s", json_string_value(json_object_get(record, "id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_applicant(r, 201, record, version);
}

int
applicants_list(struct req *r)
{
	static const char *const allowed[] = {"q", "opening_id", "stage", "limit", "cursor", NULL};
	struct recording_query q = {.q = req_query(r, "q")};
	struct page_of page = {0};
	struct page pg;
	struct flow f;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0 ||
	    rest_stage_filters(r, &q.opening, &q.stage) != 0)
		return -1;
	if (q.q != NULL && strlen(q.q) > 200) {
		problem_field(req_problem(r), "q", "must be at most 200 characters");
		return req_fail(r, 400, "bad search");
	}
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (rest_flow(r, &f) != 0 || recording_list(&f, &q, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}

int
applicants_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id;
	json_t *record;
	struct flow f;
	long version;

	if (path_id(r, &id) != 0 || req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    recording_read(&f, id, &record, &version) != 0)
		return -1;
	return reply_applicant(r, 200, record, version);
}

int
applicants_patch(struct req *r)
{
	static const char *const patchable[] = {"full_name",      "email",     "phone",
	                                        "title",          "job_title", "address",
	                                        "social_handles", "source",    "marketing_opt_in",
	                                        "version",        NULL};
	const json_t *patch;
	const char *id;
	json_t *record;
	struct flow f;
	long expect, version;

	if (path_id(r, &id) != 0 ||
	    rest_patch_body(r, patchable, profile_readonly, &patch, &expect) != 0 ||
	    rest_flow(r, &f) != 0 ||
	    recording_change(&f, id, patch, expect, &record, &version) != 0)
		return -1;
	return reply_applicant(r, 200, record, version);
}

int
applicants_delete(struct req *r)
{
	const char *id;
	long expect = 0;
	struct flow f;

	if (path_id(r, &id) != 0 || req_if_match(r, &expect) < 0 || rest_flow(r, &f) != 0 ||
	    erasing_delete(&f, id, expect) != 0)
		return -1;
	return reply_empty(r, 204);
}

int
applicants_hold_set(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	json_t *body, *hold;
	const char *id;
	struct flow f;
	long version;

	if (path_id(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_text(body, "reason", NULL, true, HOLD_REASON_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || rest_flow(r, &f) != 0 ||
	    recording_hold_set(&f, id, json_string_value(json_object_get(body, "reason")), &hold,
	                       &version) != 0)
		return -1;
	return reply_applicant(r, 200, hold, version);
}

int
applicants_hold_lift(struct req *r)
{
	const char *id;
	struct flow f;

	if (path_id(r, &id) != 0 || rest_flow(r, &f) != 0 || recording_hold_lift(&f, id) != 0)
		return -1;
	return reply_empty(r, 204);
}
