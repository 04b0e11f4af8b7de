/*
 * audit: reading the append-only audit log (hr), through flows/auditing.c.
 * Entries are written by the statements that read or change records, in
 * the same statement; this file only lists them, newest first,
 * keyset-paginated on their sequence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/auditing.h"
#include "flows/flow.h"

/* The filters: each NULL when absent; 0, or -1 after a 400. */
static int
filters(struct req *r, const char **applicant, const char **actor, const char **since)
{
	struct problem *p = req_problem(r);

	*applicant = req_query(r, "applicant_id");
	*actor = req_query(r, "actor");
	*since = req_query(r, "since");
	if (*applicant && !is_uuid(*applicant))
		problem_field(p, "applicant_id", "must be a UUID");
	if (*since && !is_rfc3339(*since))
		problem_field(p, "since",
		              "must be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z");
	if (*actor && (strlen(*actor) > 64 || has_control_chars(*actor)))
		problem_field(p, "actor", "must be a key name or role, at most 64 characters");
	return problem_has_fields(p) ? req_fail(r, 400, "bad filter") : 0;
}

int
audit_list(struct req *r)
{
	static const char *const allowed[] = {"applicant_id", "actor",  "since",
	                                      "limit",        "cursor", NULL};
	const char *applicant, *actor, *since;
	struct page_of page = {0};
	struct page pg;
	struct flow f;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_SEQ, &pg) != 0 ||
	    filters(r, &applicant, &actor, &since) != 0)
		return -1;
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (rest_flow(r, &f) != 0 || auditing_list(&f, applicant, actor, since, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}
