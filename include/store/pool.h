/*
 * pool: a pool of libpq connections, leased one per request. Taking a free
 * connection is a compare-and-swap on its slot (each worker thread starts
 * at its own slot), so there is no global lock on the request path; only
 * when every connection is busy does a caller sleep on the pool's condition
 * variable. A lease whose connection broke is reconnected on the next
 * acquire; a leased connection left inside a transaction is rolled back on
 * release. This is all of the store the HTTP edge may use.
 */
#ifndef RECRUITD_STORE_POOL_H
#define RECRUITD_STORE_POOL_H

#include "core/xalloc.h"

struct pool;
struct db;

/*
 * Create a pool of size connections to conninfo, connecting eagerly but
 * starting even when the database is down. Returns a new pool (pool_free).
 */
struct pool *pool_create(const char *conninfo, unsigned size);
void pool_free(struct pool *pool);

/*
 * Lease a connection, waiting at most wait_ms for one to be free. Returns
 * NULL when none frees up in time or the database cannot be reached.
 * Thread-safe.
 */
struct db *pool_acquire(struct pool *pool, unsigned wait_ms) WARN_UNUSED;

/* Return a lease; rolls back an open transaction first. NULL is a no-op. */
void pool_release(struct pool *pool, struct db *db);

/* Size, leased and waiting counts, for /metrics. Thread-safe, approximate. */
void pool_stats(struct pool *pool, unsigned *size, unsigned *in_use, unsigned *waiting);

#endif
