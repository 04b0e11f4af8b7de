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
#include "core/clock.h"
#include "core/config.h"
#include "edge/form.h"
#include "edge/head.h"
#include "edge/request.h"
#include "internal.h"

/* Room for part headers and text fields beyond the file limit. */
#define MULTIPART_SLACK (1u << 20)
/* How long a refused body is still read (and discarded) so its answer can be read. */
#define REFUSED_DRAIN_MS 5000
/* Bytes a route that takes no body will drain before closing. */
#define NO_BODY_CAP 65536

/*
 * Every request head was judged by its raw bytes on its way in
 * (edge/relay.c, edge/head.c). What can still be judged from the headers
 * libmicrohttpd parsed is judged again here, by the same rules: a second
 * line, should the two ever read a head differently.
 */
struct framing {
	int content_length, transfer_encoding, host;
	bool chunked, bad_name;
	size_t bytes; /* the head's size, near enough */
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	f->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	for (const char *k = key; *k; k++)
		f->bad_name |= *k == ' ' || *k == '\t' || (unsigned char)*k < 0x21 || *k == 0x7f;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		f->content_length++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->transfer_encoding++;
		f->chunked = value != NULL && strcasecmp(value, "chunked") == 0;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
		f->host++;
	}
	return MHD_YES;
}

/* Why the parsed head is refused, or NULL. */
static const char *
framing_fault(const struct framing *f, bool http11)
{
	if (f->bad_name)
		return "a header name has a character it may not have";
	if (f->transfer_encoding > 1 || (f->transfer_encoding == 1 && !f->chunked))
		return "a Transfer-Encoding other than a lone chunked";
	if (f->content_length > 1 || (f->content_length && f->transfer_encoding))
		return "conflicting message framing headers (Content-Length, Transfer-Encoding)";
	if (f->host > 1 || (http11 && f->host == 0))
		return "an HTTP/1.1 request needs exactly one Host header";
	return NULL;
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
	case BODY_FORM:
		return FORM_BODY_CAP;
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

/*
 * Set up streaming of a multipart body (or a form's: urlencoded too, and no
 * file takes a byte). Returns true when the reply must go out now.
 */
static bool
start_multipart(struct req *r)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	bool form = body_kind(r) == BODY_FORM;

	if (ct == NULL ||
	    (strncasecmp(ct, "multipart/form-data", 19) != 0 &&
	     !(form && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0))) {
		r->close = true;
		req_fail(r, 415,
		         form ? "the body must be a form (application/x-www-form-urlencoded)"
		              : "the body must be multipart/form-data");
		return true;
	}
	r->form = form_create(form ? 0 : r->srv->app->cfg->max_upload_bytes);
	r->pp = MHD_create_post_processor(r->conn, 65536, on_part, r);
	if (r->pp == NULL) {
		r->close = true;
		req_fail(r, 400, "the multipart body has no usable boundary");
		return true;
	}
	return false;
}

bool
body_check_head(struct req *r, const char *url, const char *version)
{
	struct framing f = {.bytes = strlen(url) + strlen(r->method) + 12};
	const char *cl, *fault;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &f);
	if ((fault = framing_fault(&f, strcmp(version, MHD_HTTP_VERSION_1_1) == 0)) != NULL) {
		r->close = true;
		req_fail(r, 400, "%s", fault);
		return true;
	}
	if (f.bytes > HEAD_MAX_BYTES) {
		r->close = true;
		req_fail(r, 431, "the request head is larger than 16 KiB");
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
	if ((body_kind(r) == BODY_MULTIPART || body_kind(r) == BODY_FORM) && r->problem.status == 0)
		return start_multipart(r);
	return false;
}

/*
 * Refuse the body: what was kept is let go at once, and the rest is read
 * and discarded until it ends, when the answer goes out and the connection
 * closes. libmicrohttpd 0.9.75 sends nothing queued before a body ends (it
 * closes), and a client still sending when the socket closes would lose the
 * answer to the reset; so a refused client gets REFUSED_DRAIN_MS to finish.
 */
static void
refuse_body(struct req *r, unsigned status, const char *detail)
{
	r->body_refused = true;
	r->refused_ms = clock_ms();
	r->close = true;
	buf_fini(&r->body);
	if (r->pp != NULL) {
		MHD_destroy_post_processor(r->pp);
		r->pp = NULL;
	}
	form_free(r->form);
	r->form = NULL;
	atomic_fetch_sub(&r->srv->bodies, r->held);
	r->held = 0;
	req_fail(r, status, "%s", detail);
}

/* Count len more bytes held in memory against the process-wide budget: false past it. */
static bool
hold(struct req *r, size_t len)
{
	size_t before = atomic_fetch_add(&r->srv->bodies, len);

	r->held += len;
	return before + len <= r->srv->app->cfg->body_budget_bytes;
}

/* Checks on every chunk: the body's deadline, its cap, the budget. True when refused. */
static bool
over_limits(struct req *r, size_t len)
{
	const struct config *cfg = r->srv->app->cfg;
	char detail[96];

	r->received += len;
	if (clock_ms() - r->start_ms > (long long)cfg->body_timeout_s * 1000) {
		refuse_body(r, 408, "the body did not arrive in time");
		r->late = true; /* a slow client gets no more time: closed at once */
		return true;
	}
	if (r->received > body_cap(r)) { /* every byte counts, chunked or not */
		snprintf(detail, sizeof(detail), "the body is larger than %zu bytes", body_cap(r));
		refuse_body(r, 413, detail);
		return true;
	}
	if (!hold(r, len)) {
		refuse_body(r, 503, "the server holds too many request bodies; retry shortly");
		return true;
	}
	return false;
}

bool
body_take(struct req *r, const char *data, size_t len)
{
	char detail[96];

	if (r->body_refused) /* drained for a while, so the answer can be read */
		return clock_ms() - r->refused_ms < REFUSED_DRAIN_MS;
	if (body_kind(r) == BODY_NONE || r->problem.status != 0) {
		r->drained += len; /* a body nobody will read: not worth much draining */
		return r->drained <= NO_BODY_CAP;
	}
	if (over_limits(r, len))
		return !r->late;
	switch (body_kind(r)) {
	case BODY_NONE:
		return false;
	case BODY_MULTIPART:
	case BODY_FORM:
		if (MHD_post_process(r->pp, data, len) != MHD_YES) {
			snprintf(detail, sizeof(detail),
			         "a file is larger than %zu bytes, or the parts are too many",
			         r->srv->app->cfg->max_upload_bytes);
			if (form_too_large(r->form))
				refuse_body(r, 413, detail);
			else
				refuse_body(r, 400, "the multipart body is malformed");
		}
		return true;
	case BODY_JSON:
		if (buf_append(&r->body, data, len) != 0) {
			snprintf(detail, sizeof(detail), "the body is larger than %zu bytes",
			         body_cap(r));
			refuse_body(r, 413, detail);
		}
		return true;
	}
	return true;
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
