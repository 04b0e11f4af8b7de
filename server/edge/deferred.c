/*
 * deferred: a request finished on a thread of its own. The connection is
 * suspended (the worker goes on serving others), the work runs and sets the
 * reply, and the connection resumes to send it. http_stop waits for every
 * deferred request, since a suspended connection must be resumed before the
 * daemon stops.
 */
#include <pthread.h>

#include "core/app.h"
#include "edge/request.h"
#include "internal.h"
#include "store/pool.h"

int
req_defer(struct req *r, void (*fn)(struct req *r))
{
	r->deferred = fn;
	return 0;
}

static void *
run_deferred(void *arg)
{
	struct req *r = arg;

	r->deferred(r);
	if (r->problem.status == 0 && r->status == 0)
		req_fail(r, 500, "an internal error occurred (request %s)", r->request_id);
	pool_release(r->srv->app->pool, r->db);
	r->db = NULL;
	atomic_store(&r->deferred_done, true);
	atomic_fetch_sub(&r->srv->deferred, 1);
	MHD_resume_connection(r->conn);
	return NULL;
}

bool
deferred_start(struct req *r)
{
	pthread_t t;
	pthread_attr_t attr;
	bool ok;

	MHD_suspend_connection(r->conn);
	atomic_fetch_add(&r->srv->deferred, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ok = pthread_create(&t, &attr, run_deferred, r) == 0;
	pthread_attr_destroy(&attr);
	if (!ok) {
		atomic_fetch_sub(&r->srv->deferred, 1);
		MHD_resume_connection(r->conn);
		req_fail(r, 503, "the server is busy; retry shortly");
	}
	return ok;
}
