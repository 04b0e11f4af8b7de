/*
 * http: the HTTP edge on libmicrohttpd. It owns the request lifecycle:
 * headers are checked, the body collected under its cap, the route matched,
 * the caller authenticated, the handler called, and exactly one response
 * sent: the handler's, or its problem as application/problem+json. Every
 * response carries X-Request-Id; every request ends in one log line and one
 * metrics observation.
 *
 * Handlers see a struct req through the functions below. What they get from
 * it is borrowed and lives until the request completes; handlers free
 * nothing they got here. A handler returns 0 after a reply_* call, or -1
 * after setting a problem (req_fail, req_fail_db, or field errors).
 */
#ifndef RECRUITD_HTTP_H
#define RECRUITD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "store/auth.h"
#include "core/xalloc.h"

struct app;
struct db;
struct db_stmt;
struct form;
struct problem;
struct req;
struct http_server;

/* Start serving on cfg's address with cfg's thread pool. NULL on failure (logged). */
struct http_server *http_start(const struct app *app);

/* Stop accepting, wait up to timeout_ms for requests in flight, then stop. */
void http_stop(struct http_server *srv, unsigned timeout_ms);

/* --- what a handler reads --- */

const struct app *req_app(const struct req *r);
const struct actor *req_actor(const struct req *r);
const char *req_id(const struct req *r);

/* Path parameter i of the matched pattern. */
const char *req_param(const struct req *r, int i);

/* A query argument, or NULL when absent. */
const char *req_query(const struct req *r, const char *name);

/* Refuse (400) query arguments not named in allowed (NULL-terminated). 0 or -1. */
int req_query_only(struct req *r, const char *const *allowed) WARN_UNUSED;

/* The raw body bytes as received (borrowed; NULL when empty). */
const char *req_body(const struct req *r, size_t *len);

/* A request header, or NULL. */
const char *req_header(const struct req *r, const char *name);

/*
 * The body as a JSON object (borrowed). NULL after setting 400 (malformed,
 * duplicate keys, too deep, not an object) or 415 (not JSON).
 */
json_t *req_json(struct req *r) WARN_UNUSED;

/* The multipart/form-data parts of a BODY_MULTIPART route (borrowed). */
const struct form *req_form(const struct req *r);

/* The body as any JSON value (borrowed): req_json without the object requirement. */
json_t *req_json_value(struct req *r) WARN_UNUSED;

/*
 * Finish the request on a thread of its own: the connection is suspended
 * (the worker thread goes on serving others), fn(r) runs and sets the reply
 * or problem as a handler would, and the connection resumes to send it.
 * For long work such as a purge. The handler returns what this returns (0).
 * fn may use req_db; its lease is released when fn returns.
 */
int req_defer(struct req *r, void (*fn)(struct req *r));

/* The If-Match version: 0 with *version set, 1 when absent, -1 when unparseable (412 set). */
int req_if_match(struct req *r, long *version) WARN_UNUSED;

/*
 * The version a write expects, from If-Match and a "version" member of body
 * (removed from body once read): 0 with *version set (0: no expectation),
 * or -1 after a problem (412 when they disagree, 422 when "version" is bad).
 */
int req_expected_version(struct req *r, json_t *body, long *version) WARN_UNUSED;

/* A database connection for this request, released when it ends. NULL after setting 503. */
struct db *req_db(struct req *r) WARN_UNUSED;

/* The request's problem, for collecting field errors. */
struct problem *req_problem(struct req *r);

/* --- how a handler answers --- */

/* Send body (stolen) as JSON with status. Returns 0. */
int reply_json(struct req *r, unsigned status, json_t *body);

/* Send bytes (copied) with a content type. Returns 0. */
int reply_bytes(struct req *r, unsigned status, const char *content_type, const void *data,
		size_t len);

/*
 * Send len bytes at data without copying them; release(arg) is called once
 * the response is done with them (or at once if it cannot be sent); release
 * NULL means the bytes live for the whole process. Returns 0.
 */
int reply_owned(struct req *r, unsigned status, const char *content_type, const void *data, size_t len,
		void (*release)(void *arg), void *arg);

/* Send no body (204 and the like). Returns 0. */
int reply_empty(struct req *r, unsigned status);

/* Add a response header (name and value copied). */
void reply_header(struct req *r, const char *name, const char *value);

/* Add ETag: "<version>". */
void reply_etag_version(struct req *r, long version);

/*
 * GET by id: run st with the path's first parameter (a UUID) and reply with
 * row 0's JSON text (column 0), with an ETag when the statement returns the
 * version as column 1; 404 "no <what> with this id" when there is no row.
 * Returns 0 or -1.
 */
int reply_by_id(struct req *r, struct db_stmt *st, const char *what);

/* One attempt at a merge patch: 0 reply set, 1 lost a race without If-Match (try again), -1 problem. */
typedef int (*patch_fn)(struct req *r, struct db *db, const char *id, const json_t *patch, long expect);

/*
 * Drive a JSON merge patch of resource id: the body's members must be in
 * patchable (readonly ones get their own message), its "version" and
 * If-Match are reconciled, and once() is retried while it loses races.
 * Returns 0 or -1.
 */
int req_merge_patch(struct req *r, const char *id, const char *const *patchable, const char *const *readonly,
		    patch_fn once);

/* Set a problem with status and detail. Returns -1. */
int req_fail(struct req *r, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 422 if field errors were collected (returns -1), else 0. */
int req_fail_fields(struct req *r);

/* Turn the database failure on db into a problem (503, 422, 409, 500). Returns -1. */
int req_fail_db(struct req *r, const struct db *db);

#endif
