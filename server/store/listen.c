/*
 * listen: LISTEN on a connection of its own, on a thread of its own. See
 * listen.h. The thread polls its socket a few times a second to see the
 * stop flag, and tries again half a second after a lost connection.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "core/xalloc.h"
#include "store/listen.h"

struct listener {
	pthread_t thread;
	atomic_bool stop;
	atomic_int fd;         /* the connection's socket while listening, else -1 */
	atomic_bool consuming; /* read from the socket, notices not all handled yet */
	char *conninfo, *channel;
	void (*heard)(const char *payload, void *arg);
	void (*state)(bool listening, void *arg);
	void *arg;
};

/* Listen on conn until it fails or we stop. */
static void
listen_on(struct listener *l, PGconn *conn)
{
	char *sql = xasprintf("LISTEN %s", l->channel);
	PGresult *res = PQexec(conn, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	free(sql);
	if (!ok)
		return;
	l->state(true, l->arg);
	atomic_store(&l->fd, PQsocket(conn));
	while (!atomic_load(&l->stop)) {
		struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
		if (poll(&p, 1, 200) < 0)
			break;
		atomic_store(&l->consuming, true);
		if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK)
			break;
		PGnotify *n;
		while ((n = PQnotifies(conn)) != NULL) {
			l->heard(n->extra, l->arg);
			PQfreemem(n);
		}
		atomic_store(&l->consuming, false);
	}
	atomic_store(&l->fd, -1);
	l->state(false, l->arg);
	atomic_store(&l->consuming, false);
}

static void *
run(void *arg)
{
	struct listener *l = arg;

	while (!atomic_load(&l->stop)) {
		PGconn *conn = PQconnectdb(l->conninfo);
		if (PQstatus(conn) == CONNECTION_OK)
			listen_on(l, conn);
		PQfinish(conn);
		for (int i = 0; i < 5 && !atomic_load(&l->stop); i++)
			poll(NULL, 0, 100);
	}
	return NULL;
}

struct listener *
listener_start(const char *conninfo, const char *channel,
               void (*heard)(const char *payload, void *arg),
               void (*state)(bool listening, void *arg), void *arg)
{
	struct listener *l = xcalloc(1, sizeof(*l));

	atomic_store(&l->fd, -1);
	l->conninfo = xstrdup(conninfo);
	l->channel = xstrdup(channel);
	l->heard = heard;
	l->state = state;
	l->arg = arg;
	if (pthread_create(&l->thread, NULL, run, l) != 0) {
		free(l->conninfo);
		free(l->channel);
		free(l);
		return NULL;
	}
	return l;
}

bool
listener_behind(struct listener *l)
{
	int fd = l != NULL ? atomic_load(&l->fd) : -1;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return fd < 0 || atomic_load(&l->consuming) || poll(&p, 1, 0) != 0;
}

void
listener_stop(struct listener *l)
{
	if (l == NULL)
		return;
	atomic_store(&l->stop, true);
	pthread_join(l->thread, NULL);
	free(l->conninfo);
	free(l->channel);
	free(l);
}
