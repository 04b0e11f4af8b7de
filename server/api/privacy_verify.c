/*
 * privacy_verify: POST /v1/privacy-requests/verifications and its preview.
 * The handlers check the body's form; flows/verifying.h verifies the
 * request by its code (the link, the data points and the declaration, the
 * tries) and carries it out. See include/api/privacy.h.
 */
#include <string.h>

#include "api/handlers.h"
#include "api/privacy.h"
#include "api/rest.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/verifying.h"

#define NO_SUCH_CODE "no request awaits this code: it was used, or it expired after 72 hours"

/* The body's form, every field error collected: 0, or -1 with a 422 (400: not JSON). */
static int
check_body(struct req *r, json_t *body)
{
	static const char *const keys[] = {"code",        "full_name",   "phone",
	                                   "declaration", "corrections", NULL};
	static const char *const decl_keys[] = {"signed_name", "accepted", NULL};
	struct problem *p = req_problem(r);
	json_t *decl = json_object_get(body, "declaration");

	check_known_keys(body, keys, NULL, NULL, p);
	if (json_string_value(json_object_get(body, "code")) == NULL)
		problem_field(p, "code", "is required: the code from the e-mailed link");
	check_text(body, "full_name", NULL, false, 200, p);
	check_text(body, "phone", NULL, false, 40, p);
	if (decl != NULL && !json_is_null(decl) &&
	    (!json_is_object(decl) || !check_known_keys(decl, decl_keys, NULL, "declaration", p) ||
	     !check_text(decl, "signed_name", "declaration", true, 200, p) ||
	     !json_is_true(json_object_get(decl, "accepted"))))
		problem_field(
		    p, "declaration",
		    "must be {signed_name, accepted: true}: signed under penalty of perjury");
	privacy_check_corrections(body, NULL, p);
	return req_fail_fields(r);
}

int
privacy_verify(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	json_t *body, *request;
	struct flow f;

	if ((body = req_json(r)) == NULL || check_body(r, body) != 0)
		return -1;
	if (code_hash(json_string_value(json_object_get(body, "code")), code_sha) != 0)
		return req_fail(r, 404, NO_SUCH_CODE);
	json_t *corrections = json_object_get(body, "corrections");
	struct verifying_answer a = {
	    .full_name = json_string_value(json_object_get(body, "full_name")),
	    .phone = json_string_value(json_object_get(body, "phone")),
	    .signed_name = json_string_value(
	        json_object_get(json_object_get(body, "declaration"), "signed_name")),
	    .corrections = json_is_null(corrections) ? NULL : corrections};
	if (rest_flow(r, &f) != 0 || verifying_verify(&f, code_sha, &a, &request) != 0)
		return -1;
	reply_etag_version(r, json_integer_value(json_object_get(request, "version")));
	return reply_json(r, 200, request);
}

/* POST /v1/privacy-requests/verifications/preview {code}: nothing is used up or changed. */
int
privacy_verify_preview(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	json_t *preview;
	struct flow f;
	int rc;

	if ((rc = rest_code_body(r, code_sha, NULL)) < 0)
		return -1;
	if (rc > 0)
		return req_fail(r, 404, NO_SUCH_CODE);
	if (rest_flow(r, &f) != 0 || verifying_preview(&f, code_sha, &preview) != 0)
		return -1;
	return reply_json(r, 200, preview);
}
