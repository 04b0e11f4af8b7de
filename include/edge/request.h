/*
 * request: what a handler reads from its request, and how it fails.
 *
 * Handlers see a struct req through the functions below. What they get from
 * it is borrowed and lives until the request completes; handlers free
 * nothing they got here. A handler returns 0 after a reply_* call
 * (edge/reply.h), or -1 after setting a problem (req_fail, field errors).
 */
#ifndef RECRUITD_EDGE_REQUEST_H
#define RECRUITD_EDGE_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/token.h"
#include "core/xalloc.h"

struct app;
struct db;
struct form;
struct problem;
struct req;

const struct app *req_app(const struct req *r);
const struct actor *req_actor(const struct req *r);

/* Who acts, when a page found it (a console session) rather than the edge (a bearer token). */
void req_set_actor(struct req *r, const struct actor *who);
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

/* The client's address as text (the peer of the connection; no proxy header is believed). */
#define REQ_CLIENT_LEN 46
const char *req_client(const struct req *r, char out[REQ_CLIENT_LEN]);

/* Whether the client navigates as a browser does (Accept starts with text/html): a page, not
 * JSON. */
bool req_wants_html(const struct req *r);

/* Whether the browser sent Global Privacy Control (Sec-GPC: 1): the person's sharing opt-out. */
bool req_gpc(const struct req *r);

/*
 * The body as a JSON object (borrowed). NULL after setting 400 (malformed,
 * duplicate keys, too deep, not an object) or 415 (not JSON).
 */
json_t *req_json(struct req *r) WARN_UNUSED;

/* The parts of a BODY_MULTIPART or BODY_FORM route (borrowed). */
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

/* A database connection leased for this request, released when it ends. NULL after setting 503. */
struct db *req_db(struct req *r) WARN_UNUSED;

/* The request's problem, for collecting field errors. */
struct problem *req_problem(struct req *r);

/* Set a problem with status and detail. Returns -1. */
int req_fail(struct req *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The request's transaction lost a deadlock or serialization race: the
 * edge rolls it back and runs the handler again (a few times; then this
 * 503 stands). Returns -1.
 */
int req_retry(struct req *r);

/* 422 if field errors were collected (returns -1), else 0. */
int req_fail_fields(struct req *r);

#endif
