/*
 * body: the checks made on a request's head, and its body taken under the
 * route's cap. Requests whose framing cannot be trusted (two Content-Length
 * headers, Content-Length with Transfer-Encoding) and bodies declared larger
 * than the cap are answered on the first call and the connection is closed,
 * so the body is never read. Multipart bodies stream through libmicrohttpd's
 * post processor into a form under per-part caps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/config.h"
#include "edge/form.h"
#include "edge/request.h"
#include "internal.h"

#define MULTIPART_SLACK                                                                            \
	(1u << 20) /* room for part headers and text fields beyond the file limit                  \
	            */

struct framing {
	int content_length;
	int transfer_encoding;
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->transfer_encoding++;
	return MHD_YES;
}

static enum body_kind
body_kind(const struct req *r)
{
	return r->route >= 0 ? r->srv->routes[r->route].body : BODY_NONE;
}

static size_t
body_cap(const struct req *r)
{
	const struct config *cfg = r->srv->app->cfg;

	switch (body_kind(r)) {
	case BODY_JSON:
		return cfg->max_json_bytes;
	case BODY_MULTIPART:
		return cfg->max_upload_bytes + MULTIPART_SLACK;
	default:
		return 0;
	}
}

static enum MHD_Result
on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
        const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
        size_t size)
{
	struct req *r = cls;

	(void)kind;
	(void)content_type; /* a client's word for the type; the bytes decide */
	(void)transfer_encoding;
	return form_add(r->form, key, filename, data, off, size) == 0 ? MHD_YES : MHD_NO;
}

/* Set up streaming of a multipart body. Returns true when the reply must go out now. */
static bool
start_multipart(struct req *r)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0) {
		r->close = true;
		req_fail(r, 415, "the body must be multipart/form-data");
		return true;
	}
	r->form = form_create(r->srv->app->cfg->max_upload_bytes);
	r->pp = MHD_create_post_processor(r->conn, 65536, on_part, r);
	if (r->pp == NULL) {
		r->close = true;
		req_fail(r, 400, "the multipart body has no usable boundary");
		return true;
	}
	return false;
}

bool
body_check_head(struct req *r, const char *url)
{
	struct framing f = {0, 0};
	const char *cl;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.content_length > 1 || (f.content_length && f.transfer_encoding)) {
		r->close = true;
		req_fail(r, 400,
		         "conflicting message framing headers (Content-Length, Transfer-Encoding)");
		return true;
	}
	unsigned m = router_match(r->srv->routes, r->srv->nroutes, r->method, url, &r->match,
	                          r->allow, sizeof(r->allow));
	r->route = m == 200 ? r->match.index : -1;
	if (m == 404)
		req_fail(r, 404, "no such resource");
	else if (m == 405)
		req_fail(r, 405, "%s is not allowed here", r->method);

	cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && body_kind(r) != BODY_NONE && strtoull(cl, NULL, 10) > body_cap(r)) {
		r->close = true;
		req_fail(r, 413, "the body is larger than %zu bytes",
		         body_kind(r) == BODY_MULTIPART ? r->srv->app->cfg->max_upload_bytes
		                                        : body_cap(r));
		return true;
	}
	if (body_kind(r) == BODY_MULTIPART && r->problem.status == 0)
		return start_multipart(r);
	return false;
}

static void
refuse_body(struct req *r, unsigned status, const char *detail)
{
	r->body_refused = true;
	r->close = true;
	buf_fini(&r->body);
	req_fail(r, status, "%s", detail);
}

void
body_take(struct req *r, const char *data, size_t len)
{
	char detail[96];

	if (body_kind(r) == BODY_NONE || r->problem.status != 0) {
		r->drained += len; /* a body nobody will read */
		return;
	}
	if (r->body_refused)
		return;
	switch (body_kind(r)) {
	case BODY_NONE:
		return;
	case BODY_MULTIPART:
		if (MHD_post_process(r->pp, data, len) != MHD_YES) {
			snprintf(detail, sizeof(detail),
			         "a file is larger than %zu bytes, or the parts are too many",
			         r->srv->app->cfg->max_upload_bytes);
			if (form_too_large(r->form))
				refuse_body(r, 413, detail);
			else
				refuse_body(r, 400, "the multipart body is malformed");
		}
		return;
	case BODY_JSON:
		if (buf_append(&r->body, data, len) != 0) {
			snprintf(detail, sizeof(detail), "the body is larger than %zu bytes",
			         body_cap(r));
			refuse_body(r, 413, detail);
		}
		return;
	}
}

void
body_end(struct req *r)
{
	if (r->pp == NULL)
		return;
	if (MHD_destroy_post_processor(r->pp) != MHD_YES && r->problem.status == 0)
		req_fail(r, 400, "the multipart body is incomplete or malformed");
	r->pp = NULL;
}
