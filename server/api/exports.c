/*
 * exports: the two downloads of a copy of a person's data (what is in it,
 * and how it is built: flows/exporting.h). The person downloads it signed
 * in (GET /v1/me/exports/{id}, a sign-in within 15 minutes) or through the
 * e-mailed link (GET /v1/exports/{token}, 24 hours, 3 downloads): the
 * package streams out chunk by chunk as the client takes it. The purge run
 * deletes packages after 7 days.
 */
#include <stdio.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/privacy.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/exporting.h"
#include "flows/flow.h"

/* Send the package as it is read, chunk by chunk; the stream is the reply's now. */
static int
send_package(struct req *r, const struct exporting_download *d)
{
	char etag[2 * SHA256_LEN + 3];

	snprintf(etag, sizeof(etag), "\"%s\"", d->sha256);
	reply_header(r, "ETag", etag);
	reply_header(r, "Content-Disposition", "attachment; filename=\"my-data.zip\"");
	return reply_stream(r, 200, "application/zip", d->size, d->read, d->release, d->stream);
}

int
exports_get_by_link(struct req *r)
{
	static const char *const none[] = {NULL};
	char token_sha[2 * SHA256_LEN + 1];
	struct exporting_download d;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (code_hash(req_param(r, 0), token_sha) != 0)
		return req_fail(r, 404, "no package behind this link");
	if (rest_flow(r, &f) != 0 || exporting_by_link(&f, req_app(r)->pool, token_sha, &d) != 0)
		return -1;
	return send_package(r, &d);
}

int
me_export_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	struct exporting_download d;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no package with this id");
	if (rest_fresh_sign_in(r, PRIVACY_FRESH_SIGN_IN_S) != 0 || rest_flow(r, &f) != 0 ||
	    exporting_own(&f, req_app(r)->pool, id, &d) != 0)
		return -1;
	return send_package(r, &d);
}
