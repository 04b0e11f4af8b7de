/*
 * server: the HTTP edge on libmicrohttpd, and the request lifecycle.
 *
 * libmicrohttpd calls on_request several times per request: first with the
 * headers (we check them, match the route and decide how much body we will
 * take), then once per body chunk, then a last time with no data, when the
 * handler runs and the one response is queued. Replying on that last call,
 * never the first, keeps keep-alive working.
 *
 * A struct req lives from the first call to on_completed, which logs the
 * request, counts it and frees everything the request owned. The edge knows
 * no resource: main hands it the route table and the token check.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/app.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/validate.h"
#include "edge/form.h"
#include "edge/metrics.h"
#include "edge/request.h"
#include "internal.h"
#include "store/pool.h"

static bool
safe_request_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!(isalnum((unsigned char)s[n]) || strchr("-_.:", s[n])))
			return false;
	return n > 0 && n <= 64;
}
/* Forget what a handler did, so it can run again from the start: its problem, reply, headers. */
static void
reset_for_retry(struct req *r)
{
	problem_fini(&r->problem);
	problem_init(&r->problem);
	reply_drop(r);
	r->status = 0;
	r->reply_type = NULL;
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
	json_decref(r->json); /* handlers may have changed the parsed body: parse it again */
	r->json = NULL;
	r->retry = false;
}

/*
 * Run the handler. A transaction that lost to a deadlock or a serialization
 * failure (the handler marked it, req_retry) is rolled back and the handler
 * run again from the start, RETRY_ATTEMPTS times in all: the one place such
 * failures are retried.
 */
static void
dispatch(struct req *r)
{
	const struct route *rt = &r->srv->routes[r->route];

	if (access_check(r, rt->access) != 0)
		goto done;
	for (int attempt = 1;; attempt++) {
		int rc = rt->handler(r);
		if ((r->retry || r->problem.retry) && attempt < RETRY_ATTEMPTS &&
		    r->deferred == NULL) {
			pool_release(r->srv->app->pool, r->db); /* rolls the transaction back */
			r->db = NULL;
			reset_for_retry(r);
			continue;
		}
		bool replied = r->status != 0 || r->problem.status != 0 || r->deferred != NULL;
		if ((rc != 0 && r->problem.status == 0) || (rc == 0 && !replied))
			req_fail(r, 500, "an internal error occurred (request %s)", r->request_id);
		break;
	}
done:
	pool_release(r->srv->app->pool, r->db);
	r->db = NULL;
}
static struct req *
req_new(struct http_server *srv, struct MHD_Connection *conn, const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	const char *rid;

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->start_ms = (long long)r->start.tv_sec * 1000 + r->start.tv_nsec / 1000000;
	r->srv = srv;
	r->conn = conn;
	r->method = method;
	r->route = -1;
	problem_init(&r->problem);
	buf_init(&r->body, srv->app->cfg->max_json_bytes);
	rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (rid != NULL && safe_request_id(rid)) {
		snprintf(r->request_id, sizeof(r->request_id), "%s", rid);
	} else if (uuid_v4(r->request_id) != 0) {
		/* no randomness: the request is answered 503, under an id for the log only */
		static atomic_uint made;
		snprintf(r->request_id, sizeof(r->request_id), "no-random-%lld-%u", r->start_ms,
		         atomic_fetch_add(&made, 1));
		problem_set(&r->problem, 503, "no randomness available; retry");
	}
	atomic_fetch_add(&srv->active, 1);
	return r;
}

static void
req_free(struct req *r)
{
	atomic_fetch_sub(&r->srv->bodies, r->held);
	pool_release(r->srv->app->pool, r->db);
	buf_fini(&r->body);
	json_decref(r->json);
	if (r->pp != NULL)
		MHD_destroy_post_processor(r->pp);
	form_free(r->form);
	problem_fini(&r->problem);
	reply_drop(r);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	atomic_fetch_sub(&r->srv->active, 1);
	free(r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	struct req *r = *ctx;

	if (r == NULL) {
		*ctx = r = req_new(cls, conn, method);
		if (r->problem.status != 0 || body_check_head(r, url, version))
			return reply_send(r);
		return MHD_YES;
	}
	if (atomic_load(&r->deferred_done))
		return reply_send(r);
	if (r->status != 0) { /* answered already; MHD is discarding the rest */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		size_t n = *upload_size;
		*upload_size = 0;
		return body_take(r, upload, n) ? MHD_YES : MHD_NO;
	}
	body_end(r);
	if (r->problem.status == 0)
		dispatch(r);
	if (r->deferred != NULL && r->problem.status == 0 && deferred_start(r))
		return MHD_YES; /* the reply goes out when the work resumes the connection */
	return reply_send(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
             enum MHD_RequestTerminationCode toe)
{
	struct req *r = *ctx;
	struct timespec end;
	double ms;

	(void)toe;
	census_answered(cls, conn); /* the connection has nothing under way now, for its lane */
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - r->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - r->start.tv_nsec) / 1e6;
	if (r->status != 0)
		metrics_observe(r->route, r->status, (uint64_t)(ms * 1000));
	log_request(r->request_id, r->method,
	            r->route >= 0 ? r->srv->routes[r->route].pattern : "unmatched", r->status, ms,
	            r->actor.role != ROLE_NONE ? r->actor.name : "-");
	req_free(r);
	*ctx = NULL;
}

/* libmicrohttpd's own messages, at debug level only. */
__attribute__((format(printf, 2, 0))) static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	const struct http_server *srv = cls;
	char msg[256];

	/* checked first: some come with every answer (a socket pair takes no TCP options) */
	if (srv->app->cfg->log_level < LOG_DEBUG)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\r\n\"")] = '\0';
	log_msg(LOG_DEBUG, "libmicrohttpd", "detail=\"%s\"", msg);
}

static int
resolve(const char *host, unsigned port, struct sockaddr_storage *ss)
{
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
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
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), on = 1;
	socklen_t len =
	    ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (ss->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
	    bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 1024) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * A lane's daemon (edge/lane.c): no thread and no listening socket of its
 * own; the lane's thread runs it and hands it the connections the gate
 * accepted, so a request is read, handled and answered on that one thread.
 * The gate enforces the connection limits; the daemon's own limit sits
 * above them (a lane could be given every connection, and a connection the
 * lane closed is closed by its daemon a moment later).
 */
static struct MHD_Daemon *
http_daemon_start(struct http_server *srv)
{
	const struct config *cfg = srv->app->cfg;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;

	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
	                        on_mhd_log, srv, MHD_OPTION_CONNECTION_LIMIT,
	                        cfg->max_connections * 2 + 64, MHD_OPTION_CONNECTION_TIMEOUT,
	                        cfg->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                        (size_t)65536, MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
}

struct http_server *
http_start(const struct app *app, const struct http_routes *routes)
{
	const struct config *cfg = app->cfg;
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage ss;

	srv->app = app;
	srv->routes = routes->table;
	srv->nroutes = routes->n;
	srv->authenticate = routes->authenticate;
	if (resolve(cfg->listen_host, cfg->listen_port, &ss) != 0) {
		log_msg(LOG_ERROR, "cannot resolve the listen address", "listen=%s:%u",
		        cfg->listen_host, cfg->listen_port);
		free(srv);
		return NULL;
	}
	if ((srv->listen_fd = listen_on(&ss)) < 0) {
		log_msg(LOG_ERROR, "cannot listen", "listen=%s:%u errno=%d", cfg->listen_host,
		        cfg->listen_port, errno);
		free(srv);
		return NULL;
	}
	if (deferred_init(srv) != 0 || gate_start(srv, srv->listen_fd, http_daemon_start) != 0) {
		log_msg(LOG_ERROR, "cannot start the HTTP workers", "threads=%u", cfg->threads);
		deferred_fini(srv);
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
	gate_quiesce(srv); /* no new connections or requests from here; idle ones are closed */
	close(srv->listen_fd);
	/* Requests in flight get timeout_ms; deferred work (a purge) is always let finish,
	   since a suspended connection must be resumed before its daemon stops. */
	for (unsigned waited = 0; atomic_load(&srv->deferred) > 0 ||
	                          (atomic_load(&srv->active) > 0 && waited < timeout_ms);
	     waited += 10)
		usleep(10000);
	gate_stop(srv); /* the lanes relay what their daemons wrote last, then stop them */
	deferred_fini(srv);
	gate_free(srv);
	free(srv);
}
