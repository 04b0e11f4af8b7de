/*
 * router: the route table is data, {method, pattern, handler, who may call};
 * router_match walks it once and tells a match from 404 (no pattern fits the
 * path) and 405 (patterns fit, not with this method: here is Allow).
 * Patterns are literal segments and "{name}" segments that match one
 * non-empty segment. Thread-safe (the table is read-only).
 */
#ifndef RECRUITD_ROUTER_H
#define RECRUITD_ROUTER_H

#include <stddef.h>

struct req;

typedef int (*handler_fn)(struct req *r);

/*
 * Who may call a route. Staff routes accept recruiter and hr, and answer an
 * applicant token with 404 (it never reaches them). ACCESS_ANYONE takes an
 * optional staff token (a bad one is still 401). ACCESS_APPLICANT wants an
 * applicant token; a staff token there is 403.
 */
enum access { ACCESS_PUBLIC, ACCESS_ANYONE, ACCESS_STAFF, ACCESS_HR, ACCESS_APPLICANT };

/*
 * What a route reads from the request body. BODY_FORM: a browser's form
 * post (application/x-www-form-urlencoded, or multipart/form-data without
 * files), text fields only, at most FORM_BODY_CAP bytes.
 */
enum body_kind { BODY_NONE, BODY_JSON, BODY_MULTIPART, BODY_FORM };
#define FORM_BODY_CAP 65536

struct route {
	const char *method;
	const char *pattern;
	handler_fn handler;
	enum access access;
	enum body_kind body;
};

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_PATH 1024

struct route_match {
	int index; /* into the table */
	const char *params[ROUTER_MAX_PARAMS];
	char scratch[ROUTER_MAX_PATH]; /* params point in here */
};

/*
 * Match method and path (no query string) against table[0..n). Returns 200
 * with m filled, 404, or 405 with the allowed methods, comma-separated, in
 * allow (HEAD is allowed wherever GET is).
 */
unsigned router_match(const struct route *table, size_t n, const char *method, const char *path,
                      struct route_match *m, char *allow, size_t allowlen);

#endif
