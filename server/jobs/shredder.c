/*
 * shredder: the queue of keys to destroy, emptied on a timer. See
 * shredder.h. The thread sleeps on a condition variable, so stopping it
 * does not wait out the interval.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "jobs/shredder.h"
#include "store/erasure.h"
#include "store/pool.h"
#include "store/rotation.h"

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

int
shredder_upkeep(struct pool *pool, unsigned epoch_hours, unsigned batch)
{
	int rc = shredder_pass(pool) < 0 ? -1 : 0;

	if (!rotation_due(epoch_hours))
		return rc;
	struct db *db = pool_acquire(pool, 1000);
	if (db == NULL)
		return -1;
	char *said = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&said, &len);
	int r = out == NULL ? -1 : rotation_run(db, batch, out);
	pool_release(pool, db);
	if (out != NULL)
		fclose(out);
	/* its last line: how it ended (epoch ids and counts only) */
	char *last = said;
	for (char *p = said; p && *p; p++)
		if (*p == '\n' && p[1] != '\0')
			last = p + 1;
	if (last != NULL)
		last[strcspn(last, "\n")] = '\0';
	log_msg(r < 0 ? LOG_WARN : LOG_INFO, "key rotation", "%s",
	        r < 0   ? "cut short: it goes on at the next pass"
	        : r > 0 ? "another instance rotates"
	        : last  ? last
	                : "done");
	free(said);
	return r < 0 ? -1 : rc;
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
