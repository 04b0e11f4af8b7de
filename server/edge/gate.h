/*
 * gate (private to gate.c, census.c, lane.c and relay.c): a client
 * connection as the edge holds it, from accept to close; the lanes that
 * carry connections; the gate that accepts them. What the four files ask
 * of each other: gate calls lane and census, lane calls relay and census,
 * relay calls census, census calls none of them.
 *
 * A connection belongs to one lane, whose thread alone touches it, but for
 * the fields the gate's thread reads to choose whom to close under
 * pressure (atomic, read under the gate's lock, which a lane takes to
 * unlink a connection before freeing it).
 */
#ifndef RECRUITD_EDGE_GATE_H
#define RECRUITD_EDGE_GATE_H

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "edge/chunked.h"
#include "edge/head.h"

#define GATE_BUCKETS 1024
/* Client bytes held at most: a whole head, with room to tell one is too large. */
#define RELAY_IN_CAP (HEAD_MAX_BYTES + 1024)
/* Connections admitted past the limit in all while the ones closed for them are closing. */
#define EVICT_SLACK 64

/* Where the bytes after a judged head are: judged as the next head, or counted as a body. */
enum conn_state {
	CONN_HEAD,    /* a head, or nothing yet */
	CONN_LENGTH,  /* a body of `left` more bytes */
	CONN_CHUNKED, /* a chunked body, `chunks` finds its end */
	CONN_LINGER,  /* answered and shut for writing: reading what the client still sends */
};

struct conn;
struct lane;

/* What an epoll event names: one of a connection's two sockets. */
struct conn_end {
	struct conn *c;
	bool inner;
};

struct conn {
	struct conn *prev, *next;   /* the lane's connections (its thread's) */
	struct conn *gprev, *gnext; /* all connections (under the gate's lock) */
	struct lane *lane;
	struct conn_end client_end, inner_end;
	int fd;     /* the client's socket */
	int inner;  /* ours of the pair libmicrohttpd holds the other end of; -1 before the first
	               head */
	int mhd_fd; /* libmicrohttpd's end (its answered count) */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	enum conn_state state;
	unsigned long long left;
	struct chunked chunks;
	char *in;       /* client bytes not yet handed on (NULL when none) */
	size_t in_len;  /* of them */
	size_t ready;   /* in[0, ready) judged, for libmicrohttpd; the rest not yet judged */
	size_t scanned; /* bytes of the head under way looked at for its end */
	char *out;      /* libmicrohttpd's bytes the client has not yet taken (NULL when none) */
	size_t out_len, out_off;
	unsigned forwarded;    /* request heads handed to libmicrohttpd */
	long long since_ms;    /* accepted, a head handed on or an answer relayed: the last work */
	long long head_ms;     /* when the head under way began (0: none has) */
	long long deadline_ms; /* of the head under way, or of lingering (0: none) */
	unsigned refusal;      /* a refusal waiting for the request in flight to be answered */
	const char *refusal_why;
	bool client_eof, inner_eof;
	bool inner_deaf; /* libmicrohttpd reads no more of it: what was judged is dropped */
	bool client_out, inner_out; /* waiting to write: EPOLLOUT asked for */
	bool done;                  /* to be closed, by its lane, once the event is handled */
	bool closed;                /* closed: events still queued for it are ignored */
	/* for the gate: since_ms while nothing is under way (1 lingering), else 0 */
	atomic_llong idle_since;
	atomic_bool evict; /* the gate asks the lane to close it, if still idle */
	bool counted;      /* still in the gate's counts (under its lock) */
};

/* A thread, its connections and the libmicrohttpd daemon it runs: a request never leaves it. */
struct lane {
	struct gate *g;
	struct MHD_Daemon *daemon;
	int epfd, wake_fd, mhd_epfd;
	pthread_t thread;
	bool started;
	struct conn *conns, *dead;  /* open; closed, freed once the events at hand are handled */
	pthread_mutex_t mu;         /* guards inbox */
	struct conn *inbox;         /* accepted, not yet taken by the lane */
	atomic_bool evictions;      /* some connection is asked to close */
	atomic_bool resumed;        /* a connection of its daemon resumed: run the daemon */
	bool handed;                /* bytes were handed to the daemon: run it */
	char answer[65536];         /* one read of what the daemon wrote */
	char arrival[RELAY_IN_CAP]; /* one read of a client, kept by its connection if not all
	                               passed */
};

/* Open connections of one client address. */
struct peer {
	struct peer *next;
	unsigned char key[16];
	size_t klen;
	unsigned n;
};

struct gate {
	struct http_server *srv;
	int listen_fd, epfd, wake_fd;
	pthread_t thread;
	bool started;
	unsigned max_total, max_per_peer, head_timeout_ms;
	struct MHD_Daemon *(*make_daemon)(struct http_server *srv); /* server.c's, for each lane */
	struct lane *lanes;
	unsigned nlanes, next_lane;
	pthread_mutex_t mu; /* guards the counts, all, quiesced */
	unsigned total;
	struct peer *buckets[GATE_BUCKETS];
	struct conn *all;
	pthread_cond_t cond; /* quiesced */
	bool quiesced;
	atomic_uint *answered; /* requests libmicrohttpd answered, by its socket's number */
	size_t nanswered;
	atomic_bool quiesce, exit; /* asked for by http_stop */
};

/* census.c: the answered counts and the lock (the descriptor limit raised to fit). */
void census_init(struct gate *g);
/* census.c: free what census_init and the counts made. */
void census_fini(struct gate *g);
/*
 * census.c: count c within the limits: false when past them. Under
 * pressure a lane is asked to close a connection for it (*wake: that lane,
 * to be woken; NULL when none).
 */
bool census_admit(struct gate *g, struct conn *c, struct lane **wake);
/* census.c: c leaves the counts and the list of all (its lane then frees it). */
void census_forget(struct conn *c);
/* census.c: c was asked to close but has a request under way now: it stays. */
void census_spare(struct conn *c);
/* census.c: requests on c that libmicrohttpd has answered. */
unsigned census_answered_of(const struct conn *c);

/* lane.c: start a lane's thread and daemon; 0 or -1. */
int lane_start(struct lane *l, struct gate *g);
/* lane.c: take an accepted connection (from the gate's thread). */
void lane_give(struct lane *l, struct conn *c);
/* lane.c: wake the lane (new connections, evictions, quiescing, exit). */
void lane_wake(struct lane *l);
/* lane.c: after its thread ended: stop its daemon and close what is left. */
void lane_fini(struct lane *l);
/* lane.c: close c (freed once the events at hand are handled). */
void lane_close(struct conn *c);

/* relay.c: the client's socket is ready (events from epoll). */
void relay_client(struct conn *c, uint32_t events);
/* relay.c: libmicrohttpd's side is ready. */
void relay_inner(struct conn *c, uint32_t events);
/* relay.c: deadlines, refusals waiting, quiescing: at every tick. */
void relay_tick(struct conn *c, long long now);
/* relay.c: no request under way (perhaps a head arriving): the first to close under pressure. */
bool relay_idle(const struct conn *c);
/* relay.c: take what libmicrohttpd has written, so c can close without cutting an answer. */
void relay_drain(struct conn *c);
/* relay.c: tell the gate whether c may be closed under pressure (after each event). */
void relay_publish(struct conn *c);

#endif
