/*
 * internal: what the edge's own files share and nobody else sees: the
 * server, the request that lives from libmicrohttpd's first call to its
 * completion, and the steps of the lifecycle that server.c drives.
 *
 *   gate.c     accepting: connection limits, under pressure the idle closed first
 *   census.c   the counts the gate and the lanes share, answered requests
 *   lane.c     a thread with its connections and its own daemon
 *   relay.c    every request head's deadline and framing, the bytes to and from the daemon
 *   server.c   the daemon, the lifecycle, dispatch
 *   body.c     checks on the head, body caps, multipart streaming
 *   access.c   who may call a route (the token check is main's hook)
 *   request.c  what handlers read (edge/request.h)
 *   reply.c    how handlers answer (edge/reply.h), and sending it
 *   deferred.c work finished on a thread of its own
 */
#ifndef RECRUITD_EDGE_INTERNAL_H
#define RECRUITD_EDGE_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/problem.h"
#include "core/token.h"
#include "edge/http.h"
#include "edge/router.h"

struct http_server {
	const struct app *app;
	const struct route *routes; /* main's table */
	size_t nroutes;
	http_auth_fn authenticate;
	int listen_fd;
	struct gate *gate;
	atomic_size_t bodies; /* body bytes held by requests in flight (the budget) */
	atomic_int active;
	atomic_int deferred; /* requests suspended for deferred work, until resumed */
	struct deferred_pool *deferred_pool;
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
	size_t drained;    /* bytes of a body this route does not take */
	size_t received;   /* bytes of the body so far */
	size_t held;       /* of them, kept in memory (counted in srv->bodies) */
	long long start_ms;
	long long refused_ms; /* when the body was refused */
	bool late;            /* the body missed its deadline */
	bool close;           /* close the connection after replying */
	bool retry;           /* the handler lost a race in the database: run it again */
	json_t *json;
	struct form *form;
	struct MHD_PostProcessor *pp;
	void (*deferred)(struct req *r); /* work to run on a thread of its own */
	struct req *next_deferred;       /* in the deferred queue */
	atomic_bool deferred_done;
	struct db *db;
	struct problem problem;
	unsigned status;   /* of the reply, once queued */
	const char *reply; /* lent (reply_release set) or reply_mine */
	char *reply_mine;  /* ours to free */
	size_t reply_len;
	const char *reply_type;
	void (*reply_release)(void *arg); /* NULL: reply is ours, free() it */
	long (*reply_read)(void *arg, size_t pos, void *buf, size_t max); /* a streamed body */
	void *reply_release_arg;
	struct reply_header *headers; /* grows as handlers add them */
	int capheaders;
	int nheaders;
};

/*
 * libmicrohttpd 0.9.75 takes a response's bytes as void * even when it only
 * reads them; this is the one place their const is dropped, by name.
 */
static inline void *
edge_lend(const void *bytes)
{
	union {
		const void *c;
		void *m;
	} u = {.c = bytes};
	return u.m;
}

/* How many times a handler runs when its transaction loses a deadlock or serialization race. */
#define RETRY_ATTEMPTS 3

/*
 * gate.c: accept on listen_fd, start the lanes, relay well-framed requests.
 * make_daemon makes each lane's daemon (server.c's callbacks, no thread of
 * its own). 0 or -1.
 */
int gate_start(struct http_server *srv, int listen_fd,
               struct MHD_Daemon *(*make_daemon)(struct http_server *srv));
/*
 * gate.c: stop accepting (listen_fd is no longer used when this returns)
 * and close connections with nothing under way; the others close once
 * answered.
 */
void gate_quiesce(struct http_server *srv);
/* gate.c: stop the lanes (each relays what its daemon wrote last), their daemons, everything. */
void gate_stop(struct http_server *srv);
/* gate.c: free what gate_start made (after gate_stop). */
void gate_free(struct http_server *srv);
/* census.c: a connection of daemon was resumed (from another thread): its lane runs it. */
void census_resumed(struct http_server *srv, struct MHD_Daemon *daemon);
/* census.c: a daemon answered a request on conn (its completion callback). Thread-safe. */
void census_answered(struct http_server *srv, struct MHD_Connection *conn);

/* body.c: checks made on the headers alone; true when the reply must go out now. */
bool body_check_head(struct req *r, const char *url, const char *version);
/*
 * body.c: take len bytes of the body under the route's cap, its deadline and
 * the process's budget. False when the connection should be closed now
 * (a body nobody reads, or a refused one drained long enough); a refused
 * body is answered when it ends.
 */
bool body_take(struct req *r, const char *data, size_t len);

/* body.c: the last call: a multipart body must have ended properly. */
void body_end(struct req *r);

/* access.c: authenticate the caller for a route's access. 0, or -1 with the problem set. */
int access_check(struct req *r, enum access access);

/* reply.c: queue the reply, or the problem, on the connection. */
enum MHD_Result reply_send(struct req *r);
/* reply.c: free the reply's bytes (or hand them back to their owner). */
void reply_drop(struct req *r);

/* Deferred work: this many threads, and this many requests waiting for one at most. */
#define DEFERRED_THREADS 2
#define DEFERRED_MAX_QUEUED 8

/* deferred.c: start and stop the threads. 0 or -1. */
int deferred_init(struct http_server *srv);
void deferred_fini(struct http_server *srv);
/* deferred.c: suspend the connection and start r->deferred; false when it could not start (503
 * set). */
bool deferred_start(struct req *r);

#endif
