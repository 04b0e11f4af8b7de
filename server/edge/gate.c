/*
 * gate: where connections come in. One thread accepts every connection,
 * counts it against the limits in all and per client address (closing it
 * at once past them), and holds it until its first request head has
 * arrived whole: within the head deadline, at most 16 KiB, and well framed
 * by its raw bytes (edge/head.c). Only then is it handed to
 * libmicrohttpd's workers, so a slow or hostile client never occupies a
 * worker, and framing libmicrohttpd would tolerate never reaches it. A
 * refused head is answered (400, 408, 431) and the connection closed after
 * the client has had a moment to read the answer.
 *
 * The gate reads the head with MSG_PEEK, leaving every byte for
 * libmicrohttpd, and waits edge-triggered, so each arrival wakes it once.
 * Handed connections are counted until libmicrohttpd reports them closed
 * (gate_release).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/app.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/problem.h"
#include "core/xalloc.h"
#include "edge/head.h"
#include "edge/metrics.h"
#include "internal.h"

#define GATE_BUCKETS 1024
#define LINGER_MS 1000 /* how long a refused client has to read its answer */
#define TICK_MS 100

/* Open connections of one client address. */
struct peer {
	struct peer *next;
	unsigned char key[16];
	size_t klen;
	unsigned n;
};

/* A connection waiting for its head, or lingering after its refusal. */
struct pending {
	struct pending *prev, *next;
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	long long deadline_ms;
	long long start_ms;
	bool lingering;
};

struct gate {
	struct http_server *srv;
	int listen_fd, epfd, wake_fd;
	pthread_t thread;
	unsigned max_total, max_per_peer, head_timeout_ms;
	pthread_mutex_t
	    mu; /* guards the counts: the gate thread and libmicrohttpd's close notices */
	unsigned total;
	struct peer *buckets[GATE_BUCKETS];
	struct pending *list; /* the gate thread's alone */
};

/* The address bytes that identify a client (IPv4-mapped IPv6 as IPv4). */
static size_t
peer_key(const struct sockaddr *sa, unsigned char key[16])
{
	if (sa->sa_family == AF_INET) {
		memcpy(key, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *a =
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(a, mapped, 12) == 0) {
			memcpy(key, a + 12, 4);
			return 4;
		}
		memcpy(key, a, 16);
		return 16;
	}
	return 0;
}

static struct peer **
peer_slot(struct gate *g, const unsigned char *key, size_t klen)
{
	uint32_t h = 2166136261u;
	struct peer **pp;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ key[i]) * 16777619u;
	for (pp = &g->buckets[h % GATE_BUCKETS]; *pp; pp = &(*pp)->next)
		if ((*pp)->klen == klen && memcmp((*pp)->key, key, klen) == 0)
			break;
	return pp;
}

/* Count a new connection from sa: true when it is within the limits. */
static bool
admit(struct gate *g, const struct sockaddr *sa)
{
	unsigned char key[16];
	size_t klen = peer_key(sa, key);
	bool ok;

	pthread_mutex_lock(&g->mu);
	struct peer **pp = peer_slot(g, key, klen);
	ok = g->total < g->max_total &&
	     (g->max_per_peer == 0 || *pp == NULL || (*pp)->n < g->max_per_peer);
	if (ok) {
		if (*pp == NULL) {
			*pp = xcalloc(1, sizeof(**pp));
			memcpy((*pp)->key, key, klen);
			(*pp)->klen = klen;
		}
		(*pp)->n++;
		g->total++;
	}
	pthread_mutex_unlock(&g->mu);
	return ok;
}

void
gate_release(struct http_server *srv, const struct sockaddr *sa)
{
	struct gate *g = srv->gate;
	unsigned char key[16];
	size_t klen = peer_key(sa, key);

	pthread_mutex_lock(&g->mu);
	struct peer **pp = peer_slot(g, key, klen), *p = *pp;
	if (p != NULL && --p->n == 0) {
		*pp = p->next;
		free(p);
	}
	if (g->total > 0)
		g->total--;
	pthread_mutex_unlock(&g->mu);
}

static void
forget(struct gate *g, struct pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		g->list = p->next;
	if (p->next)
		p->next->prev = p->prev;
	epoll_ctl(g->epfd, EPOLL_CTL_DEL, p->fd, NULL);
}

static void
drop(struct gate *g, struct pending *p)
{
	forget(g, p);
	close(p->fd);
	gate_release(g->srv, (const struct sockaddr *)&p->addr);
	free(p);
}

/* Answer a refused head, then linger so the client can read it before the close. */
static void
refuse(struct pending *p, unsigned status, const char *why, size_t peeked)
{
	struct problem pr;
	char rid[37], *head, drain[4096];

	if (uuid_v4(rid) != 0) /* no randomness: the refusal goes out all the same */
		snprintf(rid, sizeof(rid), "-");
	problem_init(&pr);
	problem_set(&pr, status, "%s", why);
	json_t *doc = problem_to_json(&pr);
	char *body = jsonx_dump(doc);
	json_decref(doc);
	problem_fini(&pr);
	head = xasprintf("HTTP/1.1 %u %s\r\nContent-Type: application/problem+json\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\nCache-Control: no-store\r\n"
	                 "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n\r\n",
	                 status, problem_title(status), strlen(body), rid);
	while (peeked > 0) { /* take what was looked at, so the close sends no reset */
		ssize_t n = recv(p->fd, drain, peeked < sizeof(drain) ? peeked : sizeof(drain), 0);
		if (n <= 0)
			break;
		peeked -= (size_t)n;
	}
	(void)!send(p->fd, head, strlen(head), MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)!send(p->fd, body, strlen(body), MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(p->fd, SHUT_WR);
	free(head);
	free(body);
	metrics_observe(-1, status, (uint64_t)(clock_ms() - p->start_ms) * 1000);
	log_request(rid, "-", "unmatched", status, (double)(clock_ms() - p->start_ms), "-");
	p->lingering = true;
	p->deadline_ms = clock_ms() + LINGER_MS;
}

/* A lingering connection: read and discard until the client closes or the time is up. */
static void
linger(struct gate *g, struct pending *p)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(p->fd, buf, sizeof(buf), 0)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		drop(g, p);
}

static void
hand_over(struct gate *g, struct pending *p)
{
	int fd = p->fd;

	forget(g, p);
	/* libmicrohttpd closes the socket itself when it cannot take it. */
	if (MHD_add_connection(g->srv->daemon, fd, (const struct sockaddr *)&p->addr, p->addrlen) !=
	    MHD_YES)
		gate_release(g->srv, (const struct sockaddr *)&p->addr);
	free(p);
}

static void
on_data(struct gate *g, struct pending *p, uint32_t events)
{
	static _Thread_local char buf[HEAD_MAX_BYTES + 1];
	const char *why;
	ssize_t n;

	if (p->lingering) {
		linger(g, p);
		return;
	}
	n = recv(p->fd, buf, sizeof(buf), MSG_PEEK);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		drop(g, p); /* gone before its head arrived */
		return;
	}
	if (n < 0)
		return;
	switch (head_check(buf, (size_t)n, &why, NULL)) {
	case HEAD_OK:
		hand_over(g, p);
		return;
	case HEAD_BAD:
		refuse(p, 400, why, (size_t)n);
		return;
	case HEAD_TOO_LARGE:
		refuse(p, 431, why, (size_t)n);
		return;
	case HEAD_INCOMPLETE:
		if (events & (EPOLLRDHUP | EPOLLHUP))
			drop(g, p); /* half-closed: the rest will never come */
		return;
	}
}

static void
accept_all(struct gate *g)
{
	for (;;) {
		struct pending *p = xcalloc(1, sizeof(*p));
		p->addrlen = sizeof(p->addr);
		p->fd = accept4(g->listen_fd, (struct sockaddr *)&p->addr, &p->addrlen,
		                SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (p->fd < 0) {
			int e = errno;
			free(p);
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
				log_msg(LOG_WARN, "accept: out of descriptors or memory",
				        "errno=%d", e);
				usleep(10000); /* let connections close first */
			} else if (e != EAGAIN && e != EWOULDBLOCK && e != EINTR &&
			           e != ECONNABORTED && e != EPROTO)
				log_msg(LOG_ERROR, "accept failed", "errno=%d", e);
			return;
		}
		if (!admit(g, (const struct sockaddr *)&p->addr)) {
			close(p->fd); /* past the limits: refused where it was accepted */
			free(p);
			continue;
		}
		p->start_ms = clock_ms();
		p->deadline_ms = p->start_ms + g->head_timeout_ms;
		p->next = g->list;
		if (g->list)
			g->list->prev = p;
		g->list = p;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = p};
		if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, p->fd, &ev) != 0)
			drop(g, p);
	}
}

/* Heads that did not arrive in time get 408; refused clients that linger too long are closed. */
static void
expire(struct gate *g)
{
	long long now = clock_ms();
	struct pending *p = g->list, *next;

	for (; p; p = next) {
		next = p->next;
		if (now < p->deadline_ms)
			continue;
		if (p->lingering)
			drop(g, p);
		else
			refuse(p, 408, "the request head did not arrive in time", 0);
	}
}

static void *
gate_run(void *arg)
{
	struct gate *g = arg;
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(g->epfd, evs, 64, TICK_MS);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &g->wake_fd)
				goto out;
			if (evs[i].data.ptr == &g->listen_fd)
				accept_all(g);
			else
				on_data(g, evs[i].data.ptr, evs[i].events);
		}
		expire(g);
	}
out:
	while (g->list)
		drop(g, g->list);
	return NULL;
}

int
gate_start(struct http_server *srv, int listen_fd)
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
	pthread_mutex_init(&g->mu, NULL);
	g->epfd = epoll_create1(EPOLL_CLOEXEC);
	g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	srv->gate = g;
	if (g->epfd < 0 || g->wake_fd < 0 ||
	    epoll_ctl(g->epfd, EPOLL_CTL_ADD, listen_fd, &lev) != 0 ||
	    epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->wake_fd, &wev) != 0 ||
	    pthread_create(&g->thread, NULL, gate_run, g) != 0) {
		log_msg(LOG_ERROR, "cannot start accepting", "errno=%d", errno);
		if (g->epfd >= 0)
			close(g->epfd);
		if (g->wake_fd >= 0)
			close(g->wake_fd);
		pthread_mutex_destroy(&g->mu);
		free(g);
		srv->gate = NULL;
		return -1;
	}
	return 0;
}

void
gate_stop(struct http_server *srv)
{
	struct gate *g = srv->gate;
	uint64_t one = 1;

	if (g == NULL)
		return;
	(void)!write(g->wake_fd, &one, sizeof(one));
	pthread_join(g->thread, NULL);
	close(g->epfd);
	close(g->wake_fd);
}

void
gate_free(struct http_server *srv)
{
	struct gate *g = srv->gate;

	if (g == NULL)
		return;
	for (int i = 0; i < GATE_BUCKETS; i++)
		while (g->buckets[i]) {
			struct peer *p = g->buckets[i];
			g->buckets[i] = p->next;
			free(p);
		}
	pthread_mutex_destroy(&g->mu);
	free(g);
	srv->gate = NULL;
}
