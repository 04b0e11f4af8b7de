/*
 * http: the HTTP edge on libmicrohttpd. It owns the request lifecycle:
 * headers are checked, the body collected under its cap, the route matched,
 * the caller authenticated, the handler called, and exactly one response
 * sent: the handler's, or its problem as application/problem+json. Every
 * response carries X-Request-Id; every request ends in one log line and one
 * metrics observation. It knows no resource and no table: main hands it the
 * route table and the token check.
 */
#ifndef RECRUITD_EDGE_HTTP_H
#define RECRUITD_EDGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct actor;
struct app;
struct db;
struct req;
struct route;
struct http_server;

/*
 * Check a bearer token (applicant: it has the applicant prefix) on db:
 * 0 with *who filled, 1 when the token is not valid, -1 after setting the
 * request's problem (the database failed).
 */
typedef int (*http_auth_fn)(struct req *r, struct db *db, const char *token, bool applicant,
                            struct actor *who);

/* What the edge serves: the route table (borrowed for the server's life) and the token check. */
struct http_routes {
	const struct route *table;
	size_t n;
	http_auth_fn authenticate;
};

/* Start serving on cfg's address with cfg's thread pool. NULL on failure (logged). */
struct http_server *http_start(const struct app *app, const struct http_routes *routes);

/* Stop accepting, wait up to timeout_ms for requests in flight, then stop. */
void http_stop(struct http_server *srv, unsigned timeout_ms);

#endif
