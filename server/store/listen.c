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
	while (!atomic_load(&l->stop)) {
		struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
		if (poll(&p, 1, 200) < 0 || PQconsumeInput(conn) == 0 ||
		    PQstatus(conn) != CONNECTION_OK)
			break;
		PGnotify *n;
		while ((n = PQnotifies(conn)) != NULL) {
			l->heard(n->extra, l->arg);
			PQfreemem(n);
		}
	}
	l->state(false, l->arg);
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
