/*
 * audit: reading the append-only audit log (hr). Entries are written by
 * the statements that read or change records, in the same statement; this
 * file only lists them, newest first, keyset-paginated on their sequence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/audit.h"
#include "store/db.h"

static json_t *
entry(const PGresult *res, int i)
{
	json_t *e = json_object();
	static const char *const names[] = {"at",           "actor",  "action",
	                                    "applicant_id", "target", "request_id"};

	for (int c = 0; c < 6; c++)
		json_object_set_new(e, names[c],
		                    PQgetisnull(res, i, c + 1)
		                        ? json_null()
		                        : json_string(PQgetvalue(res, i, c + 1)));
	return e;
}

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
	struct page pg;
	struct db *db;
	PGresult *res;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_SEQ, &pg) != 0 ||
	    filters(r, &applicant, &actor, &since) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *params[5] = {pg.k1, applicant, actor, since, pg.limit_param};
	if ((res = db_run(db, &audit_list_entries, 5, params)) == NULL)
		return rest_fail_db(r, db);
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res) && i < pg.limit; i++)
		json_array_append_new(items, entry(res, i));
	json_t *body = rest_page_body(items, res, pg.limit, 0, -1);
	PQclear(res);
	return reply_json(r, 200, body);
}
