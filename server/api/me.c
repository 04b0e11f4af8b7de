/*
 * me: the applicant's own access, with the token they were given once.
 * Everything here is scoped to the token's applicant in the flows' SQL
 * itself; anything else answers 404, never 403. Applicants see their record
 * without HR's notes (legal hold, source detail) and never evaluations.
 * Every read and change is audited with the actor "applicant"; withdrawing
 * goes through the same stage machine as staff moves (applications.c).
 */
#include "api/applications.h"
#include "api/documents.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/validate.h"
#include "domain/profile.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/filing.h"
#include "flows/flow.h"
#include "flows/recording.h"

static const char *
self(const struct req *r)
{
	return req_actor(r)->applicant_id;
}

int
me_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct flow f;
	json_t *doc;
	long version;

	if (req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    recording_self_read(&f, &doc, &version) != 0)
		return -1;
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
	const json_t *patch;
	unsigned retry_after = 0;
	json_t *record;
	struct flow f;
	long expect, version;

	if (rest_patch_body(r, patchable, profile_readonly, &patch, &expect) != 0 ||
	    rest_flow(r, &f) != 0)
		return -1;
	if (recording_self_change(&f, patch, expect, &record, &version, &retry_after) != 0) {
		throttle_answer(r, retry_after); /* a change of address too often */
		return -1;
	}
	reply_etag_version(r, version);
	return reply_json(r, 200, record);
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

/* An older document removed by its owner; at least one resume stays while an application is open.
 */
int
me_document_delete(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no document with this id");
	if (rest_flow(r, &f) != 0 || filing_delete_own(&f, id, self(r)) != 0)
		return -1;
	return reply_empty(r, 204);
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
