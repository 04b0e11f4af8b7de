/*
 * census: what the gate and the lanes share about connections, under the
 * gate's lock: the counts in all and per client address, the list of all
 * connections (whom to close under pressure is chosen from it, by the
 * fields their lanes publish atomically), and libmicrohttpd's answered
 * requests by its socket's number (how a lane knows a connection has no
 * request under way; added to by the daemons' completion callbacks).
 * Calls nothing else of the edge: the gate, the lanes, the relay and the
 * server call it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "gate.h"
#include "internal.h"

#define MAX_TRACKED_FDS (1u << 20) /* answered counts kept for sockets numbered below */

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

/*
 * Under the lock, under pressure: ask the lane of the connection that has
 * waited longest with nothing under way to close it. Its lane, or NULL.
 */
static struct lane *
evict(struct gate *g)
{
	struct conn *victim = NULL;
	long long best = 0;

	for (struct conn *c = g->all; c; c = c->gnext) {
		long long since = atomic_load_explicit(&c->idle_since, memory_order_relaxed);
		if (since > 0 && (victim == NULL || since < best) && !atomic_load(&c->evict)) {
			victim = c;
			best = since;
		}
	}
	if (victim == NULL)
		return NULL;
	atomic_store(&victim->evict, true);
	atomic_store(&victim->lane->evictions, true);
	return victim->lane;
}

bool
census_admit(struct gate *g, struct conn *c, struct lane **wake)
{
	unsigned char key[16];
	size_t klen = peer_key((const struct sockaddr *)&c->addr, key);
	bool ok = false;

	*wake = NULL;
	pthread_mutex_lock(&g->mu);
	struct peer **pp = peer_slot(g, key, klen);
	if (g->max_per_peer != 0 && *pp != NULL && (*pp)->n >= g->max_per_peer)
		goto out;
	if (g->total >= g->max_total &&
	    (g->total >= g->max_total + EVICT_SLACK || (*wake = evict(g)) == NULL))
		goto out;
	if (*pp == NULL) {
		*pp = xcalloc(1, sizeof(**pp));
		memcpy((*pp)->key, key, klen);
		(*pp)->klen = klen;
	}
	(*pp)->n++;
	g->total++;
	c->counted = true;
	c->gnext = g->all;
	if (g->all)
		g->all->gprev = c;
	g->all = c;
	ok = true;
out:
	pthread_mutex_unlock(&g->mu);
	return ok;
}

void
census_forget(struct conn *c)
{
	struct gate *g = c->lane->g;
	unsigned char key[16];
	size_t klen = peer_key((const struct sockaddr *)&c->addr, key);

	pthread_mutex_lock(&g->mu);
	if (c->counted) {
		struct peer **pp = peer_slot(g, key, klen), *p = *pp;
		if (p != NULL && --p->n == 0) {
			*pp = p->next;
			free(p);
		}
		g->total--;
		c->counted = false;
		if (c->gprev)
			c->gprev->gnext = c->gnext;
		else
			g->all = c->gnext;
		if (c->gnext)
			c->gnext->gprev = c->gprev;
	}
	pthread_mutex_unlock(&g->mu);
}

void
census_spare(struct conn *c)
{
	atomic_store(&c->evict, false); /* it may be chosen again */
}

unsigned
census_answered_of(const struct conn *c)
{
	const struct gate *g = c->lane->g;

	if (c->mhd_fd < 0 || (size_t)c->mhd_fd >= g->nanswered)
		return c->forwarded; /* not counted: taken as answered */
	return atomic_load_explicit(&g->answered[c->mhd_fd], memory_order_acquire);
}

void
census_answered(struct http_server *srv, struct MHD_Connection *conn)
{
	struct gate *g = srv->gate;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

	if (g == NULL || ci == NULL || ci->connect_fd < 0 || (size_t)ci->connect_fd >= g->nanswered)
		return;
	atomic_fetch_add_explicit(&g->answered[ci->connect_fd], 1, memory_order_release);
}

void
census_resumed(struct http_server *srv, struct MHD_Daemon *daemon)
{
	struct gate *g = srv->gate;
	uint64_t one = 1;

	for (unsigned i = 0; g != NULL && i < g->nlanes; i++)
		if (g->lanes[i].daemon == daemon) {
			atomic_store(&g->lanes[i].resumed, true);
			(void)!write(g->lanes[i].wake_fd, &one, sizeof(one)); /* lane_wake's way */
		}
}

/* Room for three descriptors a connection (the client's, the pair), when the system allows. */
static size_t
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur < MAX_TRACKED_FDS ? (size_t)rl.rlim_cur : MAX_TRACKED_FDS;
}

void
census_init(struct gate *g)
{
	g->nanswered = raise_fd_limit();
	g->answered = xcalloc(g->nanswered, sizeof(*g->answered));
	pthread_mutex_init(&g->mu, NULL);
}

void
census_fini(struct gate *g)
{
	for (int i = 0; i < GATE_BUCKETS; i++)
		while (g->buckets[i]) {
			struct peer *p = g->buckets[i];
			g->buckets[i] = p->next;
			free(p);
		}
	pthread_mutex_destroy(&g->mu);
	free(g->answered);
	g->answered = NULL;
}
