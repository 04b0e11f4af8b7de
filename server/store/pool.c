/*
 * pool: the leases of pooled libpq connections.
 *
 * Invariants: a slot is leased iff its `busy` flag is set, and only the
 * leaseholder touches its PGconn. A connection in the pool is idle (no
 * transaction open) or NULL (to be opened on the next lease). Taking a free
 * slot is a compare-and-swap, each thread starting at a slot of its own, so
 * the request path takes no lock unless every connection is busy.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "core/log.h"
#include "store/pool.h"

struct pool {
	struct db *slots;
	unsigned n;
	char *conninfo;
	atomic_uint in_use;
	atomic_uint waiting;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static atomic_uint next_thread_slot;
static _Thread_local unsigned thread_slot = UINT_MAX;

/*
 * Whether an idle connection is still good. recruitd uses neither LISTEN
 * nor anything else the server sends unasked, so an idle connection with
 * something to read has been told goodbye (a FATAL message, then EOF, when
 * the server shut down or restarted). Look without blocking, so the request
 * that would have failed gets a fresh connection instead.
 */
static bool
usable(struct db *db)
{
	struct pollfd p;

	if (db->pg == NULL || PQstatus(db->pg) != CONNECTION_OK)
		return false;
	p.fd = PQsocket(db->pg);
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 0;
}

struct pool *
pool_create(const char *conninfo, unsigned size)
{
	struct pool *pool = xcalloc(1, sizeof(*pool));
	pthread_condattr_t attr;
	unsigned up = 0;

	pool->n = size;
	pool->conninfo = xstrdup(conninfo);
	pool->slots = xcalloc(size, sizeof(*pool->slots));
	pthread_mutex_init(&pool->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->cv, &attr);
	pthread_condattr_destroy(&attr);
	for (unsigned i = 0; i < size; i++) {
		pool->slots[i].conninfo = pool->conninfo;
		if (db_reconnect(&pool->slots[i]) == 0)
			up++;
	}
	log_msg(up == size ? LOG_INFO : LOG_WARN, "database pool", "size=%u connected=%u", size,
	        up);
	return pool;
}

void
pool_free(struct pool *pool)
{
	if (pool == NULL)
		return;
	for (unsigned i = 0; i < pool->n; i++) {
		PQfinish(pool->slots[i].pg);
		db_forget_prepared(&pool->slots[i], true);
	}
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->cv);
	free(pool->slots);
	free(pool->conninfo);
	free(pool);
}

static struct db *
try_take(struct pool *pool)
{
	if (thread_slot == UINT_MAX)
		thread_slot = atomic_fetch_add(&next_thread_slot, 1);
	for (unsigned i = 0; i < pool->n; i++) {
		struct db *db = &pool->slots[(thread_slot + i) % pool->n];
		bool expected = false;
		if (!atomic_load_explicit(&db->busy, memory_order_relaxed) &&
		    atomic_compare_exchange_strong(&db->busy, &expected, true))
			return db;
	}
	return NULL;
}

static struct db *
wait_take(struct pool *pool, unsigned wait_ms)
{
	struct timespec deadline;
	struct db *db;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&pool->mu);
	atomic_fetch_add(&pool->waiting, 1);
	while ((db = try_take(pool)) == NULL)
		if (pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline) == ETIMEDOUT) {
			db = try_take(pool);
			break;
		}
	atomic_fetch_sub(&pool->waiting, 1);
	pthread_mutex_unlock(&pool->mu);
	return db;
}

struct db *
pool_acquire(struct pool *pool, unsigned wait_ms)
{
	struct db *db = try_take(pool);

	if (db == NULL && (db = wait_take(pool, wait_ms)) == NULL)
		return NULL;
	atomic_fetch_add(&pool->in_use, 1);
	db->fail = DB_OK;
	if (!usable(db) && db_reconnect(db) != 0) {
		pool_release(pool, db);
		return NULL;
	}
	return db;
}

void
pool_release(struct pool *pool, struct db *db)
{
	if (db == NULL)
		return;
	db->after_commit = NULL;
	db->tx_failed = false;
	if (db->pg != NULL) {
		PGTransactionStatusType ts = PQtransactionStatus(db->pg);
		if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
			PQclear(PQexec(db->pg, "ROLLBACK"));
		if (PQstatus(db->pg) != CONNECTION_OK ||
		    PQtransactionStatus(db->pg) != PQTRANS_IDLE) {
			PQfinish(db->pg);
			db->pg = NULL;
		}
	}
	atomic_fetch_sub(&pool->in_use, 1);
	atomic_store(&db->busy, false);
	if (atomic_load(&pool->waiting) > 0) {
		pthread_mutex_lock(&pool->mu);
		pthread_cond_signal(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
	}
}

void
pool_stats(struct pool *pool, unsigned *size, unsigned *in_use, unsigned *waiting)
{
	*size = pool->n;
	*in_use = atomic_load_explicit(&pool->in_use, memory_order_relaxed);
	*waiting = atomic_load_explicit(&pool->waiting, memory_order_relaxed);
}
