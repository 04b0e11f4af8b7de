/*
 * me: the applicant's own access, with the token they were given once.
 * Everything here is scoped to the token's applicant in the SQL itself;
 * anything else answers 404, never 403. Applicants see their record
 * without HR's notes (legal hold, source detail) and never evaluations.
 * Every read and change is audited with the actor "applicant"; withdrawing
 * goes through the same stage machine as staff moves (applications.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applicants.h"
#include "api/applications.h"
#include "api/documents.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/filing.h"
#include "flows/flow.h"
#include "store/applications.h"
#include "store/db.h"
#include "store/email_changes.h"

static const char *
self(const struct req *r)
{
	return req_actor(r)->applicant_id;
}

static json_t *
applications_of(struct req *r, struct db *db)
{
	const char *params[1] = {self(r)};
	PGresult *res = db_run(db, &applications_my_applications, 1, params);
	json_t *items;

	if (res == NULL) {
		rest_fail_db(r, db);
		return NULL;
	}
	items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, i, 0),
		                     "opening_id", PQgetvalue(res, i, 1), "opening_title",
		                     PQgetvalue(res, i, 2), "stage", PQgetvalue(res, i, 3)));
	PQclear(res);
	return items;
}

int
me_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct db *db;
	json_t *doc, *apps, *docs;
	long version;

	if (req_query_only(r, none) != 0 || (db = req_db(r)) == NULL ||
	    (doc = applicants_view(r, db, self(r), &version)) == NULL)
		return -1;
	struct flow f;
	rest_flow_on(r, db, &f);
	if ((apps = applications_of(r, db)) == NULL || filing_list(&f, self(r), true, &docs) != 0) {
		json_decref(apps);
		json_decref(doc);
		return -1;
	}
	json_t *pending = NULL;
	if (email_changes_pending(db, self(r), &pending) != 0) {
		json_decref(apps);
		json_decref(docs);
		json_decref(doc);
		return rest_fail_db(r, db);
	}
	json_object_set_new(doc, "applications", apps);
	json_object_set_new(doc, "documents", docs);
	/* a new address waiting for its link: the record keeps the old one until then */
	json_object_set_new(doc, "pending_email", pending);
	json_object_set_new(doc, "session",
	                    json_pack("{s:s, s:s}", "signed_in_at", req_actor(r)->signed_in_at,
	                              "expires_at", req_actor(r)->expires_at));
	reply_etag_version(r, version);
	return reply_json(r, 200, doc);
}

int
me_patch(struct req *r)
{
	static const char *const patchable[] = {"full_name",
	                                        "email",
	                                        "phone",
	                                        "title",
	                                        "job_title",
	                                        "address",
	                                        "social_handles",
	                                        "marketing_opt_in",
	                                        "sharing_opt_out",
	                                        "version",
	                                        NULL};
	return applicants_patch_self(r, self(r), patchable);
}

int
me_upload(struct req *r)
{
	return documents_upload(r, self(r), "/v1/me/documents/");
}

int
me_apply(struct req *r)
{
	return applications_create_for(r, self(r), true);
}

int
me_document(struct req *r)
{
	static const char *const none[] = {NULL};

	if (req_query_only(r, none) != 0)
		return -1;
	return documents_send(r, req_param(r, 0), self(r));
}

/* The same machine as staff moves: the table decides, the row lock serialises. */
int
me_withdraw(struct req *r)
{
	const char *id = req_param(r, 0);

	if (!is_uuid(id))
		return req_fail(r, 404, "no application with this id");
	return applications_move(r, id, self(r), ST_WITHDRAWN, "withdrawn by the applicant", 0);
}
