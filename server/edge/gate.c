/*
 * gate: where connections come in. One thread accepts every connection,
 * counts it against the limits in all and per client address (closing it
 * at once past them) and gives it to a lane (edge/lane.c), round robin.
 * The lane holds the client's socket for the connection's whole life:
 * libmicrohttpd's daemon gets the other end of a socket pair, and the
 * relay (edge/relay.c) passes the bytes between the two, judging every
 * request head on the way by its raw bytes (edge/head.c) and giving it the
 * head deadline, the first request of a connection or any later one. So
 * framing libmicrohttpd would tolerate never reaches its parser, and a
 * slow head never reaches a handler.
 *
 * Kept-alive connections stay kept alive: the relay costs a read and a
 * write each way per request, on the thread that runs the request, not a
 * connection. When the connections in all run short, a new one is taken
 * and the connection that has waited longest with nothing under way
 * (idle, or a head still arriving) is closed for it, rather than the new
 * one refused: clients trickling heads on kept-alive connections cannot
 * hold every place. The count stays past the limit by the connections so
 * asked to close until their lanes have closed them (EVICT_SLACK at most).
 *
 * What the gate and the lanes share (the counts, the list of all
 * connections to choose whom to close from, libmicrohttpd's answered
 * requests) is edge/census.c's, under the gate's lock.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/app.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "gate.h"
#include "internal.h"

static void
accept_all(struct gate *g)
{
	static const int on = 1;

	for (;;) {
		struct conn *c = xcalloc(1, sizeof(*c));
		struct lane *wake;
		c->addrlen = sizeof(c->addr);
		c->fd = accept4(g->listen_fd, (struct sockaddr *)&c->addr, &c->addrlen,
		                SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c->fd < 0) {
			int e = errno;
			free(c);
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
				log_msg(LOG_WARN, "accept: out of descriptors or memory",
				        "errno=%d", e);
				usleep(10000); /* let connections close first */
			} else if (e != EAGAIN && e != EWOULDBLOCK && e != EINTR &&
			           e != ECONNABORTED && e != EPROTO)
				log_msg(LOG_ERROR, "accept failed", "errno=%d", e);
			return;
		}
		c->lane = &g->lanes[g->next_lane];
		if (!census_admit(g, c, &wake)) {
			close(c->fd); /* past the limits: refused where it was accepted */
			free(c);
			continue;
		}
		g->next_lane = (g->next_lane + 1) % g->nlanes;
		if (wake != NULL)
			lane_wake(wake);
		/* answers are relayed in pieces as they come: never held back for more */
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		c->inner = c->mhd_fd = -1;
		c->client_end = (struct conn_end){.c = c, .inner = false};
		c->inner_end = (struct conn_end){.c = c, .inner = true};
		c->since_ms = c->head_ms = clock_ms();
		c->deadline_ms = c->head_ms + g->head_timeout_ms;
		atomic_store(&c->idle_since, c->since_ms); /* a head to come: closable for room */
		lane_give(c->lane, c);
	}
}

/* Stop accepting: from here on the listening socket is not ours, and lanes close the idle. */
static void
quiesce(struct gate *g)
{
	epoll_ctl(g->epfd, EPOLL_CTL_DEL, g->listen_fd, NULL);
	for (unsigned i = 0; i < g->nlanes; i++)
		lane_wake(&g->lanes[i]);
	pthread_mutex_lock(&g->mu);
	g->quiesced = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->mu);
}

static void *
gate_run(void *arg)
{
	struct gate *g = arg;
	struct epoll_event evs[8];

	while (!atomic_load(&g->exit)) {
		int n = epoll_wait(g->epfd, evs, 8, -1);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &g->wake_fd) {
				uint64_t v;
				(void)!read(g->wake_fd, &v, sizeof(v));
				if (atomic_load(&g->quiesce) && !g->quiesced)
					quiesce(g);
			} else if (!atomic_load(&g->quiesce)) {
				accept_all(g);
			}
		}
	}
	return NULL;
}

static void
wake_gate(struct gate *g)
{
	uint64_t one = 1;

	(void)!write(g->wake_fd, &one, sizeof(one));
}

int
gate_start(struct http_server *srv, int listen_fd,
           struct MHD_Daemon *(*make_daemon)(struct http_server *srv))
{
	const struct config *cfg = srv->app->cfg;
	struct gate *g = xcalloc(1, sizeof(*g));
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &g->listen_fd};
	struct epoll_event wev = {.events = EPOLLIN, .data.ptr = &g->wake_fd};

	g->srv = srv;
	g->listen_fd = listen_fd;
	g->max_total = cfg->max_connections;
	g->max_per_peer = cfg->max_connections_per_ip;
	g->head_timeout_ms = cfg->head_timeout_ms;
	g->make_daemon = make_daemon;
	census_init(g);
	pthread_cond_init(&g->cond, NULL);
	g->epfd = epoll_create1(EPOLL_CLOEXEC);
	g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->lanes = xcalloc(cfg->threads, sizeof(*g->lanes));
	srv->gate = g;
	for (; g->nlanes < cfg->threads; g->nlanes++)
		if (lane_start(&g->lanes[g->nlanes], g) != 0) {
			g->nlanes++; /* what it started is undone with the others */
			goto err;
		}
	if (g->epfd < 0 || g->wake_fd < 0 ||
	    epoll_ctl(g->epfd, EPOLL_CTL_ADD, listen_fd, &lev) != 0 ||
	    epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->wake_fd, &wev) != 0 ||
	    pthread_create(&g->thread, NULL, gate_run, g) != 0)
		goto err;
	g->started = true;
	return 0;
err:
	log_msg(LOG_ERROR, "cannot start accepting", "errno=%d lanes=%u", errno, g->nlanes);
	gate_stop(srv);
	gate_free(srv);
	return -1;
}

void
gate_quiesce(struct http_server *srv)
{
	struct gate *g = srv->gate;

	if (g == NULL || !g->started)
		return;
	atomic_store(&g->quiesce, true);
	wake_gate(g);
	pthread_mutex_lock(&g->mu);
	while (!g->quiesced)
		pthread_cond_wait(&g->cond, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

void
gate_stop(struct http_server *srv)
{
	struct gate *g = srv->gate;

	if (g == NULL)
		return;
	atomic_store(&g->exit, true);
	if (g->started) {
		wake_gate(g);
		pthread_join(g->thread, NULL);
		g->started = false;
	}
	for (unsigned i = 0; i < g->nlanes; i++)
		lane_wake(&g->lanes[i]);
	for (unsigned i = 0; i < g->nlanes; i++)
		lane_fini(&g->lanes[i]);
	g->nlanes = 0;
}

void
gate_free(struct http_server *srv)
{
	struct gate *g = srv->gate;

	if (g == NULL)
		return;
	census_fini(g);
	if (g->epfd >= 0)
		close(g->epfd);
	if (g->wake_fd >= 0)
		close(g->wake_fd);
	pthread_cond_destroy(&g->cond);
	free(g->lanes);
	free(g);
	srv->gate = NULL;
}
