/*
 * reply: how a handler answers, and the one response sent for a request:
 * the handler's, or its problem as application/problem+json, each with
 * X-Request-Id and the headers every response carries.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/jsonx.h"
#include "edge/reply.h"
#include "internal.h"

void
reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders == r->capheaders) {
		r->capheaders = r->capheaders ? 2 * r->capheaders : 4;
		r->headers = xrealloc(r->headers, (size_t)r->capheaders * sizeof(*r->headers));
	}
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

void
reply_etag_version(struct req *r, long version)
{
	char etag[32];

	snprintf(etag, sizeof(etag), "\"%ld\"", version);
	reply_header(r, MHD_HTTP_HEADER_ETAG, etag);
}

void
reply_drop(struct req *r)
{
	if (r->reply_release != NULL)
		r->reply_release(r->reply_release_arg);
	free(r->reply_mine);
	r->reply = r->reply_mine = NULL;
	r->reply_release = NULL;
	r->reply_read = NULL;
}

/* The reply: body is ours (freed when sent) unless the caller lends it with reply_owned. */
static void
set_reply(struct req *r, unsigned status, const char *type, char *body, size_t len)
{
	reply_drop(r);
	r->status = status;
	r->reply_type = type;
	r->reply = r->reply_mine = body;
	r->reply_len = len;
}

/* For bytes that outlive every request (assets): nothing to release. */
static void
keep(void *arg)
{
	(void)arg;
}

int
reply_owned(struct req *r, unsigned status, const char *content_type, const void *data, size_t len,
            void (*release)(void *arg), void *arg)
{
	set_reply(r, status, content_type, NULL, len);
	r->reply = data;
	r->reply_release = release ? release : keep;
	r->reply_release_arg = arg;
	return 0;
}

int
reply_stream(struct req *r, unsigned status, const char *content_type, size_t len,
             long (*read)(void *arg, size_t pos, void *buf, size_t max), void (*release)(void *arg),
             void *arg)
{
	set_reply(r, status, content_type, NULL, len);
	r->reply_read = read;
	r->reply_release = release ? release : keep;
	r->reply_release_arg = arg;
	return 0;
}

int
reply_json(struct req *r, unsigned status, json_t *body)
{
	char *s = jsonx_dump(body);

	json_decref(body);
	set_reply(r, status, "application/json", s, strlen(s));
	return 0;
}

int
reply_bytes(struct req *r, unsigned status, const char *content_type, const void *data, size_t len)
{
	char *copy = xmalloc(len);

	memcpy(copy, data, len);
	set_reply(r, status, content_type, copy, len);
	return 0;
}

int
reply_empty(struct req *r, unsigned status)
{
	set_reply(r, status, NULL, NULL, 0);
	return 0;
}

/* A handler's own headers (ETag, Location) do not belong on an error; the challenge and the
 * wait (Retry-After) do. */
static bool
header_fits(const struct req *r, const char *name)
{
	return r->problem.status == 0 || strcasecmp(name, MHD_HTTP_HEADER_WWW_AUTHENTICATE) == 0 ||
	       strcasecmp(name, MHD_HTTP_HEADER_RETRY_AFTER) == 0;
}

static void
add_headers(struct req *r, struct MHD_Response *resp)
{
	bool own_cache = false;

	/* every answer: no-store unless the handler says how it may be kept, and nosniff once */
	for (int i = 0; i < r->nheaders; i++)
		own_cache |= header_fits(r, r->headers[i].name) &&
		             strcasecmp(r->headers[i].name, MHD_HTTP_HEADER_CACHE_CONTROL) == 0;
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	if (!own_cache)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->reply_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->reply_type);
	for (int i = 0; i < r->nheaders; i++)
		if (header_fits(r, r->headers[i].name) &&
		    strcasecmp(r->headers[i].name, "X-Content-Type-Options") != 0)
			MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	if (r->status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->status == 503)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (r->close || atomic_load(&r->srv->stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* A streamed body, as libmicrohttpd calls it (which outlives the request). */
struct streamed {
	long (*read)(void *arg, size_t pos, void *buf, size_t max);
	void (*release)(void *arg);
	void *arg;
};

/* How much a streamed body hands libmicrohttpd at a time. */
#define STREAM_BLOCK (64u << 10)

static ssize_t
streamed_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	const struct streamed *st = cls;
	long n = st->read(st->arg, (size_t)pos, buf, max);

	return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
streamed_free(void *cls)
{
	struct streamed *st = cls;

	st->release(st->arg);
	free(st);
}

/* The response for the reply set; NULL when libmicrohttpd has none (the reply still ours). */
static struct MHD_Response *
response_of(struct req *r)
{
	struct MHD_Response *resp;

	if (r->reply_read != NULL) {
		struct streamed *st = xmalloc(sizeof(*st));
		*st = (struct streamed){r->reply_read, r->reply_release, r->reply_release_arg};
		resp = MHD_create_response_from_callback(r->reply_len, STREAM_BLOCK, streamed_read,
		                                         st, streamed_free);
		if (resp == NULL)
			free(st);
		return resp;
	}
	if (r->reply_release != NULL)
		return MHD_create_response_from_buffer_with_free_callback_cls(
		    r->reply_len, edge_lend(r->reply), r->reply_release, r->reply_release_arg);
	return MHD_create_response_from_buffer(r->reply_len, r->reply_mine, MHD_RESPMEM_MUST_FREE);
}

enum MHD_Result
reply_send(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->problem.status != 0) {
		json_t *doc = problem_to_json(&r->problem);
		char *s = jsonx_dump(doc);
		json_decref(doc);
		set_reply(r, r->problem.status, "application/problem+json", s, strlen(s));
	}
	if ((resp = response_of(r)) == NULL) {
		reply_drop(r);
		return MHD_NO;
	}
	r->reply = r->reply_mine = NULL;
	r->reply_release = NULL;
	r->reply_read = NULL;
	add_headers(r, resp);
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}
