/*
 * applications: applications, their stage moves and their history. Each
 * handler reads straight down: parameters, the body's validation, one call
 * into flows/screening.c (which locks, judges by the stage table and the
 * background-check rules, and writes), JSON out with the version as ETag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applications.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/screening.h"

/* Reply with an application (stolen), its version as the ETag. */
static int
reply_app(struct req *r, unsigned status, json_t *app)
{
	reply_etag_version(r, (long)json_integer_value(json_object_get(app, "version")));
	return reply_json(r, status, app);
}

static int
fail_no_application(struct req *r)
{
	return req_fail(r, 404, "no application with this id");
}

/* ------------------------------------------------------------------ */
/* POST /v1/applicants/{id}/applications (and the applicant's own)      */

int
applications_create_for(struct req *r, const char *applicant, bool self)
{
	static const char *const keys[] = {"opening_id", NULL};
	const char *scope = self ? "me.applications.create" : "applications.create", *opening;
	json_t *body, *app;
	struct idem key;
	struct flow f;
	bool replayed;
	int keyed;

	if ((body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	opening = json_string_value(json_object_get(body, "opening_id"));
	if (opening == NULL || !is_uuid(opening))
		problem_field(req_problem(r), "opening_id",
		              "is required: the id of an open opening");
	if (req_fail_fields(r) != 0 || (keyed = idem_of(r, scope, &key)) < 0 ||
	    rest_flow(r, &f) != 0 ||
	    screening_apply(&f, applicant, opening, self, IDEM_OR_NULL(keyed, &key), &app,
	                    &replayed) != 0)
		return -1;
	if (replayed)
		idem_replayed(r);
	/* the applicant follows it to their own page, which lists it; staff to the application */
	char *location =
	    self ? xstrdup("/v1/me")
	         : xasprintf("/v1/applications/%s", json_string_value(json_object_get(app, "id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_app(r, 201, app);
}

int
applications_create(struct req *r)
{
	const char *applicant = req_param(r, 0);

	if (!is_uuid(applicant))
		return req_fail(r, 404, "no applicant with this id");
	return applications_create_for(r, applicant, false);
}

/* ------------------------------------------------------------------ */
/* GET /v1/applications/{id} and the list                               */

int
applications_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	struct flow f;
	json_t *app;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return fail_no_application(r);
	if (rest_flow(r, &f) != 0 || screening_get(&f, id, &app) != 0)
		return -1;
	return reply_app(r, 200, app);
}

int
applications_list(struct req *r)
{
	static const char *const allowed[] = {"opening_id", "stage", "limit", "cursor", NULL};
	const char *opening, *stage;
	struct page_of page = {0};
	struct page pg;
	struct flow f;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0 ||
	    rest_stage_filters(r, &opening, &stage) != 0)
		return -1;
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (rest_flow(r, &f) != 0 || screening_list(&f, opening, stage, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}

/* ------------------------------------------------------------------ */
/* moves                                                                */

int
applications_move(struct req *r, const char *id, const char *applicant_id, enum stage to,
                  const char *reason, long expect)
{
	struct flow f;
	json_t *app;

	if (rest_flow(r, &f) != 0 ||
	    screening_move(&f, id, applicant_id, to, reason, expect, &app) != 0)
		return -1;
	return reply_app(r, 200, app);
}

int
applications_transition(struct req *r)
{
	static const char *const keys[] = {"to", "reason", "override_reason", NULL};
	const char *id = req_param(r, 0);
	json_t *body, *app;
	struct flow f;
	long expect = 0;

	if (!is_uuid(id))
		return fail_no_application(r);
	if ((body = req_json(r)) == NULL || req_if_match(r, &expect) < 0)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_enum(body, "to", NULL, true, stage_names, req_problem(r));
	check_text(body, "reason", NULL, false, 1000, req_problem(r));
	check_text(body, "override_reason", NULL, false, 1000, req_problem(r));
	if (req_fail_fields(r) != 0 || rest_flow(r, &f) != 0 ||
	    screening_move_overriding(
	        &f, id, NULL,
	        (enum stage)stage_parse(json_string_value(json_object_get(body, "to"))),
	        json_string_value(json_object_get(body, "reason")),
	        json_string_value(json_object_get(body, "override_reason")), expect, &app) != 0)
		return -1;
	return reply_app(r, 200, app);
}

/* ------------------------------------------------------------------ */
/* GET /v1/applications/{id}/history                                    */

int
applications_history(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	json_t *history;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return fail_no_application(r);
	if (rest_flow(r, &f) != 0 || screening_history(&f, id, &history) != 0)
		return -1;
	return reply_json(r, 200, history);
}
