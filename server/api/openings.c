/*
 * openings: the jobs applicants apply to. Openings hold no personal data,
 * so they are not audited, and their JSON is built by PostgreSQL itself.
 * Without a staff token only open openings are visible, and only their
 * public fields; the careers page lists them that way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applicants.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/db.h"
#include "store/openings.h"

static const char *const editable[] = {"title",    "department",  "country", "region",
                                       "location", "description", "status",  NULL};
static const char *const readonly[] = {"id", "created_at", "updated_at", "version", NULL};
static const char *const statuses[] = {"open", "closed", NULL};

static bool
validate(const json_t *doc, struct problem *p)
{
	json_t *country = json_object_get(doc, "country");
	bool had = problem_has_fields(p);

	check_known_keys(doc, editable, readonly, NULL, p);
	check_text(doc, "title", NULL, true, 200, p);
	check_text(doc, "department", NULL, false, 200, p);
	if (country != NULL && !json_is_null(country) &&
	    (!json_is_string(country) || !is_country_code(json_string_value(country))))
		problem_field(p, "country",
		              "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US");
	check_text(doc, "region", NULL, false, 100, p);
	check_text(doc, "location", NULL, false, 200, p);
	check_enum(doc, "status", NULL, false, statuses, p);
	json_t *d = json_object_get(doc, "description");
	if (d != NULL && !json_is_null(d) &&
	    (!json_is_string(d) || utf8_chars(json_string_value(d)) > 20000))
		problem_field(p, "description", "must be text of at most 20000 characters");
	return !had && !problem_has_fields(p);
}

/* The nine columns' parameters, from a valid document. */
static void
params_of(const json_t *doc, const char **v)
{
	for (int i = 0; editable[i]; i++)
		v[i] = json_string_value(json_object_get(doc, editable[i]));
	if (v[6] == NULL)
		v[6] = "open";
}

static bool
is_staff(const struct req *r)
{
	enum role role = req_actor(r)->role;
	return role == ROLE_RECRUITER || role == ROLE_HR;
}

/* Reply with the JSON text in row 0, column 0, and the ETag from column 1 when given. */
static int
reply_row(struct req *r, unsigned status, const PGresult *res, bool etag)
{
	if (etag)
		reply_etag_version(r, atol(PQgetvalue(res, 0, 1)));
	return reply_json(r, status, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
}

int
openings_create(struct req *r)
{
	json_t *doc = req_json(r);
	const char *v[7];
	struct db *db;
	PGresult *res;
	int rc;

	if (doc == NULL)
		return -1;
	if (!validate(doc, req_problem(r)))
		return req_fail_fields(r);
	if ((db = req_db(r)) == NULL)
		return -1;
	if ((rc = idem_replay(r, db, "openings.create")) != 0)
		return rc > 0 ? 0 : -1;
	params_of(doc, v);
	if (idem_wanted(r) && db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((res = db_run(db, &openings_insert_opening, 7, v)) == NULL)
		return rest_fail_db(r, db);
	char *location = xasprintf("/v1/openings/%s", PQgetvalue(res, 0, 2));
	if (idem_wanted(r) && idem_commit(r, db, "openings.create", 201, PQgetvalue(res, 0, 0),
	                                  location, NULL) != 0) {
		rc = idem_lost_race(r, db, "openings.create");
	} else {
		reply_header(r, "Location", location);
		rc = reply_row(r, 201, res, true);
	}
	free(location);
	PQclear(res);
	return rc;
}

int
openings_get(struct req *r)
{
	return rest_get_by_id(r, is_staff(r) ? &openings_get_staff : &openings_get_public,
	                      "opening");
}

/* One attempt; 0 reply set, 1 lost a race (retry), -1 problem. */
static int
patch_once(struct req *r, struct db *db, const char *id, const json_t *patch, long expect)
{
	const char *params[9] = {id};
	char version[24];
	PGresult *cur, *res;
	int rc;

	if ((cur = db_run(db, &openings_current_opening, 1, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(cur) == 0) {
		PQclear(cur);
		return req_fail(r, 404, "no opening with this id");
	}
	long have = atol(PQgetvalue(cur, 0, 1));
	json_t *doc = jsonx_merge_patch(json_loads(PQgetvalue(cur, 0, 0), 0, NULL), patch);
	PQclear(cur);
	if (expect != 0 && expect != have)
		rc = req_fail(r, 412, "the opening changed since version %ld; it is at version %ld",
		              expect, have);
	else if (!validate(doc, req_problem(r)))
		rc = req_fail_fields(r);
	else {
		snprintf(version, sizeof(version), "%ld", have);
		params[1] = version;
		params_of(doc, params + 2);
		if ((res = db_run(db, &openings_update_opening, 9, params)) == NULL)
			rc = rest_fail_db(r, db);
		else
			rc = PQntuples(res) == 1 ? reply_row(r, 200, res, true)
			     : expect != 0       ? req_fail(r, 412, "the opening changed meanwhile")
			                         : 1;
		PQclear(res);
	}
	json_decref(doc);
	return rc;
}

int
openings_patch(struct req *r)
{
	static const char *const patchable[] = {"title",  "department", "country",
	                                        "region", "location",   "description",
	                                        "status", "version",    NULL};
	const char *id = req_param(r, 0);

	if (!is_uuid(id))
		return req_fail(r, 404, "no opening with this id");
	return rest_merge_patch(r, id, patchable, readonly, patch_once);
}

int
openings_list(struct req *r)
{
	static const char *const staff_args[] = {"status", "limit", "cursor", NULL};
	static const char *const public_args[] = {"limit", "cursor", NULL};
	const char *status = req_query(r, "status");
	struct page pg;
	struct db *db;
	PGresult *res;

	if (req_query_only(r, is_staff(r) ? staff_args : public_args) != 0 ||
	    paging_start(r, PAGE_BY_TIME, &pg) != 0)
		return -1;
	if (status && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0) {
		problem_field(req_problem(r), "status", "must be open or closed");
		return req_fail(r, 400, "bad query");
	}
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[4] = {pg.k1, pg.k2, pg.limit_param, status};
	res = is_staff(r) ? db_run(db, &openings_list_staff, 4, params)
	                  : db_run(db, &openings_list_public, 3, params);
	if (res == NULL)
		return rest_fail_db(r, db);
	json_t *body = rest_page_body(rest_page_items(res, pg.limit, 0), res, pg.limit, 1, 2);
	PQclear(res);
	return reply_json(r, 200, body);
}
