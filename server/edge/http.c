/*
 * http: the request lifecycle on libmicrohttpd.
 *
 * libmicrohttpd calls on_request several times per request: first with the
 * headers (we check them, match the route and decide how much body we will
 * take), then once per body chunk, then a last time with no data, when the
 * handler runs and the one response is queued. Replying on that last call,
 * never the first, keeps keep-alive working. Requests whose framing cannot
 * be trusted (two Content-Length headers, Content-Length with
 * Transfer-Encoding) and bodies declared larger than the cap are answered
 * on the first call and the connection is closed, so the body is never read.
 *
 * A struct req lives from the first call to on_completed, which logs the
 * request, counts it and frees everything the request owned.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "core/app.h"
#include "core/buf.h"
#include "core/config.h"
#include "store/db.h"
#include "core/digest.h"
#include "edge/form.h"
#include "edge/http.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "edge/metrics.h"
#include "core/problem.h"
#include "api/routes.h"
#include "core/validate.h"

#define MAX_REPLY_HEADERS 8
#define JSON_MAX_DEPTH 32
#define NO_BODY_CAP 65536 /* bytes a body-less route will drain before closing */
#define MULTIPART_SLACK (1u << 20) /* room for part headers and text fields beyond the file limit */

struct http_server {
	struct MHD_Daemon *daemon;
	const struct app *app;
	int listen_fd;
	pthread_t acceptor;
	atomic_int active;
	atomic_int deferred; /* requests whose work runs on a thread of its own */
	atomic_bool stopping;
};

struct reply_header {
	char *name;
	char *value;
};

struct req {
	struct http_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	struct timespec start;
	char request_id[65];
	int route; /* index into routes, -1 when none matched */
	struct route_match match;
	char allow[64];
	struct actor actor;
	struct buf body;
	bool body_refused; /* over the cap: drained, not kept */
	size_t drained;	   /* bytes of a body this route does not take */
	bool close;	   /* close the connection after replying */
	json_t *json;
	struct form *form;
	struct MHD_PostProcessor *pp;
	void (*deferred)(struct req *r); /* work to run on a thread of its own */
	atomic_bool deferred_done;
	struct db *db;
	struct problem problem;
	unsigned status; /* of the reply, once queued */
	char *reply;
	size_t reply_len;
	const char *reply_type;
	void (*reply_release)(void *arg); /* NULL: reply is ours, free() it */
	void *reply_release_arg;
	struct reply_header headers[MAX_REPLY_HEADERS];
	int nheaders;
};

/* ------------------------------------------------------------------ */
/* what handlers read                                                   */

const struct app *
req_app(const struct req *r)
{
	return r->srv->app;
}

const struct actor *
req_actor(const struct req *r)
{
	return &r->actor;
}

const char *
req_id(const struct req *r)
{
	return r->request_id;
}

const char *
req_param(const struct req *r, int i)
{
	return r->match.params[i];
}

const char *
req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
req_body(const struct req *r, size_t *len)
{
	*len = r->body.len;
	return r->body.data;
}

const char *
req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const struct form *
req_form(const struct req *r)
{
	return r->form;
}

struct problem *
req_problem(struct req *r)
{
	return &r->problem;
}

struct query_check {
	const char *const *allowed;
	const char *bad_name;
	bool bad_utf8;
	int count;
};

static enum MHD_Result
check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_check *qc = cls;
	bool known = false;

	(void)kind;
	for (const char *const *a = qc->allowed; *a; a++)
		if (strcmp(*a, key) == 0)
			known = true;
	if (!known && qc->bad_name == NULL)
		qc->bad_name = key;
	if (!is_utf8(key, strlen(key)) || (value && !is_utf8(value, strlen(value))))
		qc->bad_utf8 = true;
	qc->count++;
	return MHD_YES;
}

int
req_query_only(struct req *r, const char *const *allowed)
{
	struct query_check qc = {.allowed = allowed};

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
	if (qc.bad_utf8)
		return req_fail(r, 400, "the query string is not valid UTF-8");
	if (qc.bad_name != NULL) {
		problem_field(&r->problem, is_utf8(qc.bad_name, strlen(qc.bad_name)) && !has_control_chars(qc.bad_name)
						   ? qc.bad_name : "?",
			      "is not a known query parameter");
		return req_fail(r, 400, "the query has an unknown parameter");
	}
	return 0;
}

static bool
is_json_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	if (!((n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	      (n > 17 && strncasecmp(ct, "application/", 12) == 0 && strncasecmp(ct + n - 5, "+json", 5) == 0)))
		return false;
	/* The only charset JSON has is UTF-8. */
	const char *cs = strcasestr(ct + n, "charset=");
	if (cs != NULL) {
		cs += 8;
		if (*cs == '"')
			cs++;
		if (strncasecmp(cs, "utf-8", 5) != 0)
			return false;
	}
	return true;
}

json_t *
req_json(struct req *r)
{
	json_t *v = req_json_value(r);

	if (v != NULL && !json_is_object(v)) {
		req_fail(r, 400, "the body must be a JSON object");
		return NULL;
	}
	return v;
}

json_t *
req_json_value(struct req *r)
{
	char err[160];

	if (r->json != NULL)
		return r->json;
	if (!is_json_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		req_fail(r, 415, "the body must be application/json");
		return NULL;
	}
	if (r->body.len == 0) {
		req_fail(r, 400, "a JSON body is required");
		return NULL;
	}
	r->json = jsonx_parse(r->body.data, r->body.len, JSON_MAX_DEPTH, err, sizeof(err));
	if (r->json == NULL)
		req_fail(r, 400, "%s", err);
	return r->json;
}

int
req_if_match(struct req *r, long *version)
{
	const char *v = req_header(r, MHD_HTTP_HEADER_IF_MATCH);
	char *end;

	if (v == NULL || strcmp(v, "*") == 0)
		return 1;
	while (*v == ' ')
		v++;
	if (*v == '"')
		v++;
	*version = strtol(v, &end, 10);
	if (end == v || *version <= 0 || (*end != '"' && *end != '\0' && *end != ' ')) {
		req_fail(r, 412, "If-Match does not name a version of this resource");
		return -1;
	}
	return 0;
}

int
req_expected_version(struct req *r, json_t *body, long *expect)
{
	json_t *v = json_object_get(body, "version");
	long from_body;

	*expect = 0;
	if (req_if_match(r, expect) < 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		problem_field(&r->problem, "version", "must be the record's current version, a positive integer");
		return req_fail_fields(r);
	}
	from_body = (long)json_integer_value(v);
	if (*expect != 0 && *expect != from_body)
		return req_fail(r, 412, "If-Match and version disagree");
	*expect = from_body;
	json_object_del(body, "version");
	return 0;
}

struct db *
req_db(struct req *r)
{
	const struct app *app = r->srv->app;

	if (r->db == NULL)
		r->db = pool_acquire(app->pool, app->cfg->db_wait_ms);
	if (r->db == NULL)
		req_fail(r, 503, "the database is unavailable; retry shortly");
	return r->db;
}

/* ------------------------------------------------------------------ */
/* how handlers answer                                                  */

void
reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders == MAX_REPLY_HEADERS)
		abort(); /* raise MAX_REPLY_HEADERS */
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

static void
drop_reply(struct req *r)
{
	if (r->reply_release != NULL)
		r->reply_release(r->reply_release_arg);
	else
		free(r->reply);
	r->reply = NULL;
	r->reply_release = NULL;
}

static void
set_reply(struct req *r, unsigned status, const char *type, char *body, size_t len)
{
	drop_reply(r);
	r->status = status;
	r->reply_type = type;
	r->reply = body;
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
	set_reply(r, status, content_type, (char *)data, len);
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

int
req_fail(struct req *r, unsigned status, const char *fmt, ...)
{
	va_list ap;

	r->problem.status = status;
	va_start(ap, fmt);
	vsnprintf(r->problem.detail, sizeof(r->problem.detail), fmt, ap);
	va_end(ap);
	return -1;
}

int
reply_by_id(struct req *r, struct db_stmt *st, const char *what)
{
	const char *id = req_param(r, 0);
	struct db *db;
	PGresult *res;
	int rc;

	if (!is_uuid(id))
		return req_fail(r, 404, "no %s with this id", what);
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[1] = {id};
	if ((res = db_run(db, st, 1, params)) == NULL)
		return req_fail_db(r, db);
	if (PQntuples(res) != 1) {
		rc = req_fail(r, 404, "no %s with this id", what);
	} else {
		if (PQnfields(res) > 1)
			reply_etag_version(r, atol(PQgetvalue(res, 0, 1)));
		rc = reply_json(r, 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
	}
	PQclear(res);
	return rc;
}

int
req_merge_patch(struct req *r, const char *id, const char *const *patchable, const char *const *readonly,
		patch_fn once)
{
	json_t *patch;
	struct db *db;
	long expect;
	int rc = 1;

	if ((patch = req_json(r)) == NULL)
		return -1;
	if (!check_known_keys(patch, patchable, readonly, NULL, &r->problem))
		return req_fail_fields(r);
	if (req_expected_version(r, patch, &expect) != 0 || (db = req_db(r)) == NULL)
		return -1;
	for (int attempt = 0; rc == 1 && attempt < 5; attempt++)
		rc = once(r, db, id, patch, expect);
	return rc == 1 ? req_fail(r, 503, "the record is changing too fast; retry") : rc;
}

int
req_fail_fields(struct req *r)
{
	if (!problem_has_fields(&r->problem))
		return 0;
	return req_fail(r, 422, "the request has invalid fields");
}

int
req_fail_db(struct req *r, const struct db *db)
{
	switch (db_failure(db)) {
	case DB_UNAVAILABLE:
	case DB_RETRY:
		return req_fail(r, 503, "the database is unavailable; retry shortly");
	case DB_UNIQUE:
		return req_fail(r, 409, "the request conflicts with a record on file");
	case DB_INVALID:
		return req_fail(r, 422, "the database refused a value in the request");
	case DB_REFUSED:
		return req_fail(r, 409, "the database refused the change");
	default:
		return req_fail(r, 500, "an internal error occurred (request %s)", r->request_id);
	}
}

int
req_defer(struct req *r, void (*fn)(struct req *r))
{
	r->deferred = fn;
	return 0;
}

static void *
run_deferred(void *arg)
{
	struct req *r = arg;

	r->deferred(r);
	if (r->problem.status == 0 && r->status == 0)
		req_fail(r, 500, "an internal error occurred (request %s)", r->request_id);
	pool_release(r->srv->app->pool, r->db);
	r->db = NULL;
	atomic_store(&r->deferred_done, true);
	atomic_fetch_sub(&r->srv->deferred, 1);
	MHD_resume_connection(r->conn);
	return NULL;
}

/* Suspend the connection and start the deferred work. false when no thread could be made. */
static bool
start_deferred(struct req *r)
{
	pthread_t t;
	pthread_attr_t attr;
	bool ok;

	MHD_suspend_connection(r->conn);
	atomic_fetch_add(&r->srv->deferred, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ok = pthread_create(&t, &attr, run_deferred, r) == 0;
	pthread_attr_destroy(&attr);
	if (!ok) {
		atomic_fetch_sub(&r->srv->deferred, 1);
		MHD_resume_connection(r->conn);
		req_fail(r, 503, "the server is busy; retry shortly");
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* the lifecycle                                                        */

static bool
safe_request_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!(isalnum((unsigned char)s[n]) || strchr("-_.:", s[n])))
			return false;
	return n > 0 && n <= 64;
}

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
	return r->route >= 0 ? routes[r->route].body : BODY_NONE;
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
on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename, const char *content_type,
	const char *transfer_encoding, const char *data, uint64_t off, size_t size)
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

/* Checks made on the headers alone. Returns true when the reply must go out now. */
static bool
check_head(struct req *r, const char *url)
{
	struct framing f = {0, 0};
	const char *cl;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.content_length > 1 || (f.content_length && f.transfer_encoding)) {
		r->close = true;
		req_fail(r, 400, "conflicting message framing headers (Content-Length, Transfer-Encoding)");
		return true;
	}
	unsigned m = router_match(routes, routes_count, r->method, url, &r->match, r->allow, sizeof(r->allow));
	r->route = m == 200 ? r->match.index : -1;
	if (m == 404)
		req_fail(r, 404, "no such resource");
	else if (m == 405)
		req_fail(r, 405, "%s is not allowed here", r->method);

	cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && body_kind(r) != BODY_NONE && strtoull(cl, NULL, 10) > body_cap(r)) {
		r->close = true;
		req_fail(r, 413, "the body is larger than %zu bytes", body_kind(r) == BODY_MULTIPART
									? r->srv->app->cfg->max_upload_bytes
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

static void
take_body(struct req *r, const char *data, size_t len)
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
			snprintf(detail, sizeof(detail), "a file is larger than %zu bytes, or the parts are too many",
				 r->srv->app->cfg->max_upload_bytes);
			if (form_too_large(r->form))
				refuse_body(r, 413, detail);
			else
				refuse_body(r, 400, "the multipart body is malformed");
		}
		return;
	case BODY_JSON:
		if (buf_append(&r->body, data, len) != 0) {
			snprintf(detail, sizeof(detail), "the body is larger than %zu bytes", body_cap(r));
			refuse_body(r, 413, detail);
		}
		return;
	}
}

/* The last call: a multipart body must have ended properly. */
static void
end_body(struct req *r)
{
	if (r->pp == NULL)
		return;
	if (MHD_destroy_post_processor(r->pp) != MHD_YES && r->problem.status == 0)
		req_fail(r, 400, "the multipart body is incomplete or malformed");
	r->pp = NULL;
}

static int
challenge(struct req *r, bool token_given)
{
	reply_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		     token_given ? "Bearer realm=\"recruitd\", error=\"invalid_token\"" : "Bearer realm=\"recruitd\"");
	return req_fail(r, 401, token_given ? "the token is not valid" : "a bearer token is required");
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

static int
authenticate(struct req *r, enum access access)
{
	const char *token = bearer(r);
	bool applicant;
	struct db *db;
	int rc;

	if (access == ACCESS_PUBLIC || (access == ACCESS_ANYONE && req_header(r, MHD_HTTP_HEADER_AUTHORIZATION) == NULL))
		return 0;
	if (token == NULL)
		return challenge(r, req_header(r, MHD_HTTP_HEADER_AUTHORIZATION) != NULL);
	if ((db = req_db(r)) == NULL)
		return -1;
	applicant = strncmp(token, TOKEN_APPLICANT_PREFIX, strlen(TOKEN_APPLICANT_PREFIX)) == 0;
	rc = applicant ? auth_applicant(db, token, &r->actor) : auth_staff(db, token, &r->actor);
	if (rc < 0)
		return req_fail_db(r, db);
	if (rc > 0)
		return challenge(r, true);
	if (access == ACCESS_APPLICANT)
		return applicant ? 0 : req_fail(r, 403, "this needs an applicant token");
	if (applicant && access != ACCESS_ANYONE)
		return req_fail(r, 404, "no such resource"); /* staff endpoints do not exist for applicants */
	if (access == ACCESS_HR && r->actor.role != ROLE_HR)
		return req_fail(r, 403, "this needs the hr role");
	return 0;
}

static void
dispatch(struct req *r)
{
	const struct route *rt = &routes[r->route];

	if (authenticate(r, rt->access) == 0) {
		int rc = rt->handler(r);
		bool replied = r->status != 0 || r->problem.status != 0 || r->deferred != NULL;
		if ((rc != 0 && r->problem.status == 0) || (rc == 0 && !replied))
			req_fail(r, 500, "an internal error occurred (request %s)", r->request_id);
	}
	pool_release(r->srv->app->pool, r->db);
	r->db = NULL;
}

/* A handler's own headers (ETag, Location) do not belong on an error; the challenge does. */
static bool
header_fits(const struct req *r, const char *name)
{
	return r->problem.status == 0 || strcasecmp(name, MHD_HTTP_HEADER_WWW_AUTHENTICATE) == 0;
}

static void
add_headers(struct req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->reply_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->reply_type);
	for (int i = 0; i < r->nheaders; i++)
		if (header_fits(r, r->headers[i].name))
			MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	if (r->status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->status == 503)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (r->close || atomic_load(&r->srv->stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

static enum MHD_Result
send_reply(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->problem.status != 0) {
		json_t *doc = problem_to_json(&r->problem);
		char *s = jsonx_dump(doc);
		json_decref(doc);
		set_reply(r, r->problem.status, "application/problem+json", s, strlen(s));
	}
	if (r->reply_release != NULL)
		resp = MHD_create_response_from_buffer_with_free_callback_cls(r->reply_len, r->reply,
									      r->reply_release, r->reply_release_arg);
	else
		resp = MHD_create_response_from_buffer(r->reply_len, r->reply, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		drop_reply(r);
		return MHD_NO;
	}
	r->reply = NULL;
	r->reply_release = NULL;
	add_headers(r, resp);
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static struct req *
req_new(struct http_server *srv, struct MHD_Connection *conn, const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	const char *rid;

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->srv = srv;
	r->conn = conn;
	r->method = method;
	r->route = -1;
	problem_init(&r->problem);
	buf_init(&r->body, srv->app->cfg->max_json_bytes);
	rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (rid != NULL && safe_request_id(rid))
		snprintf(r->request_id, sizeof(r->request_id), "%s", rid);
	else
		uuid_v4(r->request_id);
	atomic_fetch_add(&srv->active, 1);
	return r;
}

static void
req_free(struct req *r)
{
	pool_release(r->srv->app->pool, r->db);
	buf_fini(&r->body);
	json_decref(r->json);
	if (r->pp != NULL)
		MHD_destroy_post_processor(r->pp);
	form_free(r->form);
	problem_fini(&r->problem);
	drop_reply(r);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	atomic_fetch_sub(&r->srv->active, 1);
	free(r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	struct req *r = *ctx;

	(void)version;
	if (r == NULL) {
		*ctx = r = req_new(cls, conn, method);
		if (check_head(r, url))
			return send_reply(r);
		return MHD_YES;
	}
	if (atomic_load(&r->deferred_done))
		return send_reply(r);
	if (r->status != 0) /* answered on the first call; MHD is discarding the rest */
		return MHD_YES;
	if (*upload_size != 0) {
		take_body(r, upload, *upload_size);
		*upload_size = 0;
		/* A body-less route given a big body is not worth draining: close. */
		if (r->drained > NO_BODY_CAP)
			return MHD_NO;
		return MHD_YES;
	}
	end_body(r);
	if (r->problem.status == 0)
		dispatch(r);
	if (r->deferred != NULL && r->problem.status == 0 && start_deferred(r))
		return MHD_YES; /* the reply goes out when the work resumes the connection */
	return send_reply(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **ctx, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *ctx;
	struct timespec end;
	double ms;

	(void)cls;
	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - r->start.tv_sec) * 1e3 + (double)(end.tv_nsec - r->start.tv_nsec) / 1e6;
	if (r->status != 0)
		metrics_observe(r->route, r->status, (uint64_t)(ms * 1000));
	log_request(r->request_id, r->method, r->route >= 0 ? routes[r->route].pattern : "unmatched",
		    r->status, ms, r->actor.role != ROLE_NONE ? r->actor.name : "-");
	req_free(r);
	*ctx = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\r\n\"")] = '\0';
	log_msg(LOG_DEBUG, "libmicrohttpd", "detail=\"%s\"", msg);
}

static int
resolve(const char *host, unsigned port, struct sockaddr_storage *ss)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *ai;
	char service[8];

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &ai) != 0)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

/* A listening socket on ss; -1 with errno set. */
static int
listen_on(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (ss->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
	    bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 1024) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Connections are accepted here, on a thread of their own, and handed to the
 * daemon, which gives each to a worker by its socket's number: consecutive
 * connections go to consecutive workers. Left to accept for themselves, the
 * workers race for the listening socket and the first awake takes up to ten
 * in a row: one worker was seen with four of eight connections, serving them
 * in turn while others idled.
 */
static void *
acceptor(void *arg)
{
	struct http_server *srv = arg;

	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(srv->listen_fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);

		if (atomic_load(&srv->stopping)) {
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		if (fd >= 0) {
			(void)MHD_add_connection(srv->daemon, fd, (struct sockaddr *)&peer, len); /* closes it on failure */
		} else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			usleep(10000); /* out of descriptors or memory: let connections close first */
		} else if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN && errno != EPROTO) {
			log_msg(LOG_ERROR, "accept failed", "errno=%d", errno);
			usleep(10000);
		}
	}
}

struct http_server *
http_start(const struct app *app)
{
	const struct config *cfg = app->cfg;
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;

	srv->app = app;
	if (resolve(cfg->listen_host, cfg->listen_port, &ss) != 0) {
		log_msg(LOG_ERROR, "cannot resolve the listen address", "listen=%s:%u", cfg->listen_host, cfg->listen_port);
		free(srv);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if ((srv->listen_fd = listen_on(&ss)) < 0) {
		log_msg(LOG_ERROR, "cannot listen", "listen=%s:%u errno=%d", cfg->listen_host, cfg->listen_port, errno);
		free(srv);
		return NULL;
	}
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
		MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_END);
	if (srv->daemon == NULL || pthread_create(&srv->acceptor, NULL, acceptor, srv) != 0) {
		log_msg(LOG_ERROR, "cannot start the HTTP workers", "threads=%u", cfg->threads);
		if (srv->daemon)
			MHD_stop_daemon(srv->daemon);
		close(srv->listen_fd);
		free(srv);
		return NULL;
	}
	return srv;
}

void
http_stop(struct http_server *srv, unsigned timeout_ms)
{
	if (srv == NULL)
		return;
	atomic_store(&srv->stopping, true);
	shutdown(srv->listen_fd, SHUT_RDWR); /* wakes the acceptor; no new connections from here */
	pthread_join(srv->acceptor, NULL);
	close(srv->listen_fd);
	/* Requests in flight get timeout_ms; deferred work (a purge) is always let finish,
	   since a suspended connection must be resumed before the daemon stops. */
	for (unsigned waited = 0;
	     atomic_load(&srv->deferred) > 0 || (atomic_load(&srv->active) > 0 && waited < timeout_ms); waited += 10)
		usleep(10000);
	MHD_stop_daemon(srv->daemon);
	free(srv);
}
