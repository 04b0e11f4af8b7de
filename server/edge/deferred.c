/*
 * deferred: a request finished off the worker threads. The connection is
 * suspended (the worker goes on serving others), the work runs on one of a
 * fixed set of threads and sets the reply, and the connection resumes to
 * send it. The set is small and its queue bounded, so long work (purges)
 * can never take more than DEFERRED_THREADS pooled database connections:
 * past the queue, 503 with Retry-After. http_stop waits for every deferred
 * request, since a suspended connection must be resumed before the daemon
 * stops; the counter is lowered only after the resume, never before.
 */
#include <pthread.h>
#include <stdlib.h>

#include "core/app.h"
#include "core/xalloc.h"
#include "edge/request.h"
#include "internal.h"
#include "store/pool.h"

struct deferred_pool {
	pthread_t threads[DEFERRED_THREADS];
	int nthreads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req *head, *tail; /* waiting, in order */
	int queued;
	bool stopping;
};

int
req_defer(struct req *r, void (*fn)(struct req *r))
{
	r->deferred = fn;
	return 0;
}

static void
run_one(struct req *r)
{
	struct http_server *srv = r->srv; /* r may be gone once the connection resumes */
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_DAEMON);
	struct MHD_Daemon *daemon = ci != NULL ? ci->daemon : NULL;

	r->deferred(r);
	if (r->problem.status == 0 && r->status == 0)
		req_fail(r, 500, "an internal error occurred (request %s)", r->request_id);
	pool_release(srv->app->pool, r->db);
	r->db = NULL;
	atomic_store(&r->deferred_done, true);
	MHD_resume_connection(r->conn);
	census_resumed(srv, daemon); /* its lane runs the daemon, which sends the reply */
	atomic_fetch_sub(&srv->deferred, 1);
}

static void *
worker(void *arg)
{
	struct deferred_pool *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->head == NULL && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		struct req *r = p->head;
		if (r == NULL) { /* stopping, and nothing left */
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		p->head = r->next_deferred;
		if (p->head == NULL)
			p->tail = NULL;
		p->queued--;
		pthread_mutex_unlock(&p->mu);
		run_one(r);
	}
}

int
deferred_init(struct http_server *srv)
{
	struct deferred_pool *p = xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	srv->deferred_pool = p;
	for (; p->nthreads < DEFERRED_THREADS; p->nthreads++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0) {
			deferred_fini(srv);
			return -1;
		}
	return 0;
}

void
deferred_fini(struct http_server *srv)
{
	struct deferred_pool *p = srv->deferred_pool;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
	srv->deferred_pool = NULL;
}

bool
deferred_start(struct req *r)
{
	struct deferred_pool *p = r->srv->deferred_pool;
	bool taken = false;

	pthread_mutex_lock(&p->mu);
	if (!p->stopping && p->queued < DEFERRED_MAX_QUEUED) {
		MHD_suspend_connection(r->conn);
		atomic_fetch_add(&r->srv->deferred, 1);
		r->next_deferred = NULL;
		if (p->tail != NULL)
			p->tail->next_deferred = r;
		else
			p->head = r;
		p->tail = r;
		p->queued++;
		pthread_cond_signal(&p->cv);
		taken = true;
	}
	pthread_mutex_unlock(&p->mu);
	if (!taken)
		req_fail(r, 503, "the server is busy with long work; retry shortly");
	return taken;
}
