/*
 * lane: a thread, the connections the gate gave it, and a libmicrohttpd
 * daemon of its own that the thread runs (external epoll mode). A
 * request's bytes are judged by the relay (edge/relay.c), handed to the
 * daemon on a socket pair, answered by a handler on this same thread and
 * relayed back: no other thread is woken on a request's way, as when
 * libmicrohttpd's own workers read the sockets. A handler that waits (on
 * the database) holds up its lane's other connections, as a worker did;
 * long work goes to edge/deferred.c.
 *
 * The lane's thread alone touches its connections, but for the gate's
 * requests to close one under pressure (evictions: c->evict, then a wake)
 * and what it publishes for them (c->idle_since).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "gate.h"
#include "internal.h"

#define TICK_MS 100 /* deadlines are checked this often */

void
lane_wake(struct lane *l)
{
	uint64_t one = 1;

	(void)!write(l->wake_fd, &one, sizeof(one));
}

void
lane_give(struct lane *l, struct conn *c)
{
	pthread_mutex_lock(&l->mu);
	c->next = l->inbox;
	l->inbox = c;
	pthread_mutex_unlock(&l->mu);
	lane_wake(l);
}

/* The connections the gate gave: watched from now on. */
static void
take_inbox(struct lane *l)
{
	struct conn *c, *list;

	pthread_mutex_lock(&l->mu);
	list = l->inbox;
	l->inbox = NULL;
	pthread_mutex_unlock(&l->mu);
	while ((c = list) != NULL) {
		list = c->next;
		c->prev = NULL;
		c->next = l->conns;
		if (l->conns)
			l->conns->prev = c;
		l->conns = c;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
		                         .data.ptr = &c->client_end};
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
			lane_close(c);
		else
			relay_publish(c);
	}
}

void
lane_close(struct conn *c)
{
	struct lane *l = c->lane;

	if (c->closed)
		return;
	c->closed = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->fd); /* leaves the epoll set with it */
	if (c->inner >= 0)
		close(c->inner); /* the daemon sees the end and closes its side */
	census_forget(c);
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	c->next = l->dead; /* events for it may still be queued: freed after them */
	l->dead = c;
}

static void
free_dead(struct lane *l)
{
	while (l->dead) {
		struct conn *c = l->dead;
		l->dead = c->next;
		free(c);
	}
}

/* The gate asks for connections to be closed, to make room: those still idle are. */
static void
evict_marked(struct lane *l)
{
	atomic_store(&l->evictions, false);
	for (struct conn *c = l->conns, *next; c; c = next) {
		next = c->next;
		if (!atomic_load(&c->evict))
			continue;
		if (c->state == CONN_LINGER || relay_idle(c)) {
			relay_drain(c); /* an answer the daemon has just written still goes out */
			lane_close(c);
		} else {
			census_spare(c); /* a request came in meanwhile: kept */
		}
	}
}

static void
tick(struct lane *l)
{
	long long now = clock_ms();

	for (struct conn *c = l->conns, *next; c; c = next) {
		next = c->next;
		relay_tick(c, now);
		if (c->done)
			lane_close(c);
		else
			relay_publish(c);
	}
}

static void
on_event(struct epoll_event *ev)
{
	struct conn_end *end = ev->data.ptr;
	struct conn *c = end->c;

	if (c->closed)
		return;
	if (end->inner)
		relay_inner(c, ev->events);
	else
		relay_client(c, ev->events);
	if (c->done)
		lane_close(c);
	else
		relay_publish(c);
}

/*
 * Woken from another thread: new connections, evictions, a resume,
 * quiescing. True when the daemon must run (a connection of it resumed).
 */
static bool
on_wake(struct lane *l)
{
	uint64_t v;

	(void)!read(l->wake_fd, &v, sizeof(v));
	take_inbox(l);
	if (atomic_load(&l->evictions))
		evict_marked(l);
	if (atomic_load(&l->g->quiesce))
		tick(l); /* connections with nothing under way close now */
	return atomic_exchange(&l->resumed, false);
}

/* How long the lane may wait for events: until its next tick, or the daemon's timeout. */
static int
wait_ms(struct lane *l, long long now, long long next_tick, long long *mhd_at)
{
	MHD_UNSIGNED_LONG_LONG t;
	long long until = next_tick;

	*mhd_at = -1;
	if (MHD_get_timeout(l->daemon, &t) == MHD_YES) {
		*mhd_at = now + (long long)(t < 86400000 ? t : 86400000);
		if (*mhd_at < until)
			until = *mhd_at;
	}
	return until > now ? (int)(until - now) : 0;
}

static void *
lane_run(void *arg)
{
	struct lane *l = arg;
	struct epoll_event evs[64];
	long long next_tick = clock_ms() + TICK_MS, mhd_at;

	while (!atomic_load(&l->g->exit)) {
		int n = epoll_wait(l->epfd, evs, 64, wait_ms(l, clock_ms(), next_tick, &mhd_at));
		bool run = false;
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &l->wake_fd)
				run |= on_wake(l);
			else if (evs[i].data.ptr == &l->mhd_epfd)
				run = true;
			else
				on_event(&evs[i]);
		}
		long long now = clock_ms();
		/* the daemon runs when it has bytes, or when its timeout says so */
		if (run || l->handed || (mhd_at >= 0 && now >= mhd_at))
			MHD_run(l->daemon);
		l->handed = false;
		if (now >= next_tick) {
			tick(l);
			next_tick = now + TICK_MS;
		}
		free_dead(l);
	}
	for (struct conn *c = l->conns; c; c = c->next)
		relay_drain(c); /* what the daemon wrote last still goes out */
	return NULL;
}

int
lane_start(struct lane *l, struct gate *g)
{
	struct epoll_event wev = {.events = EPOLLIN, .data.ptr = &l->wake_fd};
	struct epoll_event mev = {.events = EPOLLIN, .data.ptr = &l->mhd_epfd};
	const union MHD_DaemonInfo *di;

	l->g = g;
	pthread_mutex_init(&l->mu, NULL);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	l->mhd_epfd = -1;
	l->daemon = g->make_daemon(g->srv);
	if (l->daemon != NULL &&
	    (di = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_EPOLL_FD)) != NULL)
		l->mhd_epfd = di->epoll_fd;
	if (l->epfd < 0 || l->wake_fd < 0 || l->mhd_epfd < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake_fd, &wev) != 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->mhd_epfd, &mev) != 0 ||
	    pthread_create(&l->thread, NULL, lane_run, l) != 0)
		return -1;
	l->started = true;
	return 0;
}

void
lane_fini(struct lane *l)
{
	if (l->started)
		pthread_join(l->thread, NULL);
	l->started = false;
	take_inbox(l);
	if (l->daemon != NULL)
		MHD_stop_daemon(l->daemon); /* closes its ends of the pairs */
	l->daemon = NULL;
	while (l->conns)
		lane_close(l->conns);
	free_dead(l);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->wake_fd >= 0)
		close(l->wake_fd);
	l->epfd = l->wake_fd = -1;
	pthread_mutex_destroy(&l->mu);
}
