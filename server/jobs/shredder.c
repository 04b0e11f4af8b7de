/*
 * shredder: the queue of keys to destroy, emptied on a timer. See
 * shredder.h. The thread sleeps on a condition variable, so stopping it
 * does not wait out the interval.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "core/log.h"
#include "jobs/shredder.h"
#include "store/erasure.h"
#include "store/pool.h"

struct shredder {
	struct pool *pool;
	unsigned interval_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool stop;
};

long
shredder_pass(struct pool *pool)
{
	struct db *db = pool_acquire(pool, 1000);
	long n = 0;
	int rc = db == NULL ? -1 : erasure_shred(db, &n);

	pool_release(pool, db);
	if (rc != 0)
		return -1;
	if (n > 0)
		log_msg(LOG_INFO, "data keys",
		        "destroyed=%ld (queued while the key database was away)", n);
	return n;
}

static void *
run(void *arg)
{
	struct shredder *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += s->interval_ms / 1000;
		until.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->mu, &until) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->mu);
		(void)shredder_pass(s->pool);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct shredder *
shredder_start(struct pool *pool, unsigned interval_ms)
{
	struct shredder *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;

	s->pool = pool;
	s->interval_ms = interval_ms;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	return s;
}

void
shredder_stop(struct shredder *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
