/*
 * applications: applications, their stage moves and their history. A move
 * locks the application's row (SELECT ... FOR UPDATE) inside a transaction,
 * asks the stage table, checks the background-check rule when the table
 * says so, and writes the new stage, the history entry, the de-identified
 * stage event and the audit entry in one statement before committing.
 * Two racing moves are serialised by the lock: the second is judged against
 * the stage the first left, so exactly one of two moves from a stage wins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applications.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "store/applicants.h"
#include "store/applications.h"
#include "store/db.h"

/* Reply with the application JSON in column 0 and its version in column 1 of row 0. */
static int
reply_app(struct req *r, unsigned status, const PGresult *res)
{
	reply_etag_version(r, atol(PQgetvalue(res, 0, 1)));
	return reply_json(r, status, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
}

static int
fail_no_application(struct req *r)
{
	return req_fail(r, 404, "no application with this id");
}

/* ------------------------------------------------------------------ */
/* POST /v1/applicants/{id}/applications                                */

/* Nothing was inserted: the applicant is absent (404/410) or the opening is not open (422). */
static int
fail_not_inserted(struct req *r, struct db *db, const char *applicant)
{
	int rc = applicants_exists(db, applicant);

	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return rest_fail_absent(r, db, applicant);
	problem_field(req_problem(r), "opening_id", "must be the id of an open opening");
	return req_fail_fields(r);
}

/* 409: the applicant has applied to the opening already (its application named for the applicant).
 */
static int
fail_applied(struct req *r, const char *existing, bool self)
{
	if (self) {
		req_problem(r)->slug = "already-applied";
		problem_extra(req_problem(r), "application_id", json_string(existing));
		return req_fail(r, 409, "you have applied to this opening already");
	}
	req_problem(r)->slug = "duplicate-application";
	problem_extra(req_problem(r), "application_id", json_string(existing));
	return req_fail(r, 409, "this applicant has applied to this opening already");
}

/* Nothing inserted: applied already (409), else the applicant or the opening is missing. */
static int
why_not_inserted(struct req *r, struct db *db, const char *applicant, const char *opening,
                 bool self)
{
	const char *params[2] = {applicant, opening};
	PGresult *res = db_run(db, &applications_find_for, 2, params);
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	rc = PQntuples(res) == 1 ? fail_applied(r, PQgetvalue(res, 0, 0), self)
	                         : fail_not_inserted(r, db, applicant);
	PQclear(res);
	return rc;
}

/* A retried keyed create: the application it made, read again as it now stands. */
static int
replay_app(struct req *r, struct db *db, const struct idem_answer *first)
{
	const char *params[1] = {first->resource_id};
	PGresult *res = db_run(db, &applications_get_app, 1, params);
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0)
		rc = fail_no_application(r);
	else {
		idem_replayed(r);
		reply_header(r, "Location", first->location);
		rc = reply_app(r, first->status, res);
	}
	PQclear(res);
	return rc;
}

int
applications_create_for(struct req *r, const char *applicant, bool self)
{
	static const char *const keys[] = {"opening_id", NULL};
	const char *scope = self ? "me.applications.create" : "applications.create", *opening;
	json_t *body;
	struct idem key;
	struct idem_answer first;
	struct flow f;
	struct db *db;
	PGresult *res;
	int rc, keyed;

	if ((body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	opening = json_string_value(json_object_get(body, "opening_id"));
	if (opening == NULL || !is_uuid(opening))
		problem_field(req_problem(r), "opening_id",
		              "is required: the id of an open opening");
	if (req_fail_fields(r) != 0 || (keyed = idem_of(r, scope, &key)) < 0 ||
	    rest_flow(r, &f) != 0)
		return -1;
	db = f.db;
	if ((rc = idem_begin(&f, IDEM_OR_NULL(keyed, &key), &first)) != 0)
		return rc < 0 ? -1 : replay_app(r, db, &first);
	const char *params[4] = {applicant, opening, req_actor(r)->name, req_id(r)};
	if ((res = db_run(db, &applications_insert_app, 4, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		PQclear(res);
		db_rollback(db);
		return why_not_inserted(r, db, applicant, opening, self);
	}
	/* the applicant follows it to their own page, which lists it; staff to the application */
	char *location =
	    self ? xstrdup("/v1/me") : xasprintf("/v1/applications/%s", PQgetvalue(res, 0, 2));
	if (idem_commit(&f, IDEM_OR_NULL(keyed, &key), 201, PQgetvalue(res, 0, 2), location) != 0) {
		rc = -1;
	} else {
		reply_header(r, "Location", location);
		rc = reply_app(r, 201, res);
	}
	free(location);
	PQclear(res);
	return rc;
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
	if (rest_hidden_application(r, req_param(r, 0), false) != 0)
		return -1;
	return rest_get_by_id(r, &applications_get_app, "application");
}

int
applications_list(struct req *r)
{
	static const char *const allowed[] = {"opening_id", "stage", "limit", "cursor", NULL};
	const char *opening, *stage;
	struct page pg;
	struct db *db;
	PGresult *res;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0 ||
	    rest_stage_filters(r, &opening, &stage) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *params[5] = {pg.k1, pg.k2, pg.limit_param, opening, stage};
	if ((res = db_run(db, &applications_list_apps, 5, params)) == NULL)
		return rest_fail_db(r, db);
	json_t *body = rest_page_body(rest_page_items(res, pg.limit, 0), res, pg.limit, 1, 2);
	PQclear(res);
	return reply_json(r, 200, body);
}

/* ------------------------------------------------------------------ */
/* moves                                                                */

/* 409 for a move the rules forbid, naming both stages. */
static int
fail_move(struct req *r, const char *from, const char *to, const char *slug, const char *why)
{
	req_problem(r)->slug = slug;
	problem_extra(req_problem(r), "from", json_string(from));
	problem_extra(req_problem(r), "to", json_string(to));
	return req_fail(r, 409, "cannot move from %s to %s: %s", from, to, why);
}

/* Whether the opening's jurisdiction allows background checks: 0 yes, -1 problem set. */
static int
check_jurisdiction(struct req *r, struct db *db, const PGresult *cur, const char *from)
{
	const char *country = PQgetvalue(cur, 0, 2), *region = PQgetvalue(cur, 0, 3);
	const char *params[2] = {country, region};
	PGresult *res = db_run(db, &applications_find_rule, 2, params);
	char where[128];
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	snprintf(where, sizeof(where), "%s%s%s",
	         *country ? country : "an opening without a country", *region ? "-" : "", region);
	if (PQntuples(res) == 0) {
		char why[200];
		snprintf(why, sizeof(why),
		         "no background-check rule covers %s, so checks are not allowed there",
		         where);
		rc = fail_move(r, from, "background_check", "background-check-not-allowed", why);
	} else if (PQgetvalue(res, 0, 0)[0] != 't') {
		char why[200];
		snprintf(why, sizeof(why), "the background-check rule for %s does not allow checks",
		         where);
		rc = fail_move(r, from, "background_check", "background-check-not-allowed", why);
	} else {
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/* Judge the move against the table (and the jurisdiction); 0 allowed, -1 problem set. */
/* Why a move the table refuses is refused, in the words of the rule that refuses it. */
static const char *
why_not(const char *from, enum stage to)
{
	enum stage f = (enum stage)stage_parse(from);

	if (stage_is_final(f))
		return "the application's stage is final";
	if (to == ST_HIRED)
		return "hired is reached only through POST /v1/applications/{id}/hire, from offer";
	if (f == to)
		return "the application is at that stage already";
	return "moves go forward only";
}

static int
judge(struct req *r, struct db *db, const PGresult *cur, enum stage to, const char *reason)
{
	const char *from = PQgetvalue(cur, 0, 0);
	enum move m = stage_move((enum stage)stage_parse(from), to);

	switch (m) {
	case MOVE_YES:
		return 0;
	case MOVE_REASON:
		if (reason != NULL)
			return 0;
		problem_field(req_problem(r), "reason", "is required to reject an application");
		return req_fail_fields(r);
	case MOVE_GATED:
		return check_jurisdiction(r, db, cur, from);
	case MOVE_HIRE:
		return fail_move(r, from, stage_name(to), "invalid-transition",
		                 "hired is reached only through POST /v1/applications/{id}/hire");
	case MOVE_NO:
	default:
		return fail_move(r, from, stage_name(to), "invalid-transition", why_not(from, to));
	}
}

int
applications_move(struct req *r, const char *id, const char *applicant_id, enum stage to,
                  const char *reason, long expect)
{
	struct db *db = req_db(r);
	PGresult *cur, *res;
	int rc;

	if (db == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	const char *params[6] = {id, applicant_id};
	if ((cur = db_run(db, &applications_lock_app, 2, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(cur) == 0)
		rc = fail_no_application(r);
	else if (expect != 0 && expect != atol(PQgetvalue(cur, 0, 1)))
		rc = req_fail(r, 412, "the application changed since version %ld", expect);
	else
		rc = judge(r, db, cur, to, reason);
	if (rc == 0) {
		const char *move[6] = {
		    id,     stage_name(to), PQgetvalue(cur, 0, 0), req_actor(r)->name,
		    reason, req_id(r)};
		if ((res = db_run(db, &applications_write_move, 6, move)) == NULL ||
		    db_exec(db, "COMMIT") != 0)
			rc = rest_fail_db(r, db);
		else
			rc = reply_app(r, 200, res);
		PQclear(res);
	}
	PQclear(cur);
	return rc; /* a transaction left open is rolled back when the connection goes back */
}

int
applications_transition(struct req *r)
{
	static const char *const keys[] = {"to", "reason", NULL};
	const char *id = req_param(r, 0), *reason;
	json_t *body;
	long expect = 0;

	if (!is_uuid(id))
		return fail_no_application(r);
	if (rest_hidden_application(r, id, false) != 0 || (body = req_json(r)) == NULL ||
	    req_if_match(r, &expect) < 0)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_enum(body, "to", NULL, true, stage_names, req_problem(r));
	check_text(body, "reason", NULL, false, 1000, req_problem(r));
	if (req_fail_fields(r) != 0)
		return -1;
	reason = json_string_value(json_object_get(body, "reason"));
	return applications_move(
	    r, id, NULL, (enum stage)stage_parse(json_string_value(json_object_get(body, "to"))),
	    reason, expect);
}

/* ------------------------------------------------------------------ */
/* GET /v1/applications/{id}/history                                    */

int
applications_history(struct req *r)
{
	if (rest_hidden_application(r, req_param(r, 0), false) != 0)
		return -1;
	return rest_get_by_id(r, &applications_history_json, "application");
}
