/*
 * session: an applicant signs in with a one-time link e-mailed to the
 * address on record. POST /v1/me/sign-in answers 202 the same way for every
 * address (and sends the link only when the address is on record, staff-
 * entered records included); POST /v1/me/sessions exchanges the link's code,
 * once and within 15 minutes, for an applicant token that expires
 * (RECRUITD_APPLICANT_TOKEN_HOURS); DELETE /v1/me/session revokes the token
 * in use. The work is flows/sessions.c's.
 */
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/sessions.h"

int
me_sign_in(struct req *r)
{
	static const char *const keys[] = {"email", NULL};
	const char *email;
	struct flow f;
	json_t *body;

	/* counted before the body is read: a client address's every attempt counts */
	if (rest_flow(r, &f) != 0 || throttle_client(r, f.db, "sign-in") != 0 ||
	    (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	email = json_string_value(json_object_get(body, "email"));
	if (email == NULL)
		problem_field(req_problem(r), "email", "is required");
	else if (!is_email(email))
		problem_field(req_problem(r), "email", "must be an e-mail address");
	if (req_fail_fields(r) != 0 || throttle_email(r, f.db, "sign-in", email) != 0 ||
	    sessions_link(&f, email) != 0)
		return -1;
	return reply_json(r, 202, json_pack("{s:s}", "status", "link-sent"));
}

int
me_sessions(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	struct sessions_opened s;
	struct flow f;
	int rc;

	if ((rc = rest_code_body(r, code_sha, NULL)) < 0 || rest_flow(r, &f) != 0 ||
	    sessions_exchange(&f, rc == 0 ? code_sha : NULL, &s) != 0)
		return -1;
	reply_header(r, "Location", "/v1/me");
	rc = reply_json(r, 201,
	                json_pack("{s:s, s:s, s:s}", "applicant_token", s.token, "expires_at",
	                          s.expires_at, "signed_in_at", s.signed_in_at));
	explicit_bzero(s.token, sizeof(s.token));
	return rc;
}

int
me_session_delete(struct req *r)
{
	struct flow f;

	if (rest_flow(r, &f) != 0 || sessions_close(&f) != 0)
		return -1;
	return reply_empty(r, 204);
}
