/*
 * access: who may call a route. The route's access says which tokens it
 * takes; the token itself is checked by the hook main hands to http_start,
 * since that is a lookup in the database and the edge knows no tables.
 */
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "internal.h"

static int
challenge(struct req *r, bool token_given)
{
	reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	             token_given ? "Bearer realm=\"recruitd\", error=\"invalid_token\""
	                         : "Bearer realm=\"recruitd\"");
	return req_fail(r, 401,
	                token_given ? "the token is not valid" : "a bearer token is required");
}

/* The bearer token, or NULL when there is none. */
static const char *
bearer(struct req *r)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	for (h += 7; *h == ' '; h++)
		;
	return h;
}

int
access_check(struct req *r, enum access access)
{
	const char *token = bearer(r);
	bool applicant;
	struct db *db;
	int rc;

	if (access == ACCESS_PUBLIC ||
	    (access == ACCESS_ANYONE && req_header(r, MHD_HTTP_HEADER_AUTHORIZATION) == NULL))
		return 0;
	if (token == NULL)
		return challenge(r, req_header(r, MHD_HTTP_HEADER_AUTHORIZATION) != NULL);
	if ((db = req_db(r)) == NULL)
		return -1;
	applicant = strncmp(token, TOKEN_APPLICANT_PREFIX, strlen(TOKEN_APPLICANT_PREFIX)) == 0;
	rc = r->srv->authenticate(r, db, token, applicant, &r->actor);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return challenge(r, true);
	if (access == ACCESS_APPLICANT)
		return applicant ? 0 : req_fail(r, 403, "this needs an applicant token");
	if (applicant && access != ACCESS_ANYONE)
		return req_fail(
		    r, 404, "no such resource"); /* staff endpoints do not exist for applicants */
	if (access == ACCESS_HR && r->actor.role != ROLE_HR)
		return req_fail(r, 403, "this needs the hr role");
	return 0;
}
