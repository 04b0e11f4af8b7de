/*
 * rate: hits on the public endpoints that take an e-mail address, counted
 * in PostgreSQL so that every running recruitd counts the same. A hit is
 * keyed by endpoint and a keyed hash of what is counted (a client address,
 * an e-mail address): SHA-256 over a secret the database made at migration
 * and the value, so the table holds no address. Windows are fixed (a minute,
 * an hour). Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_RATE_H
#define RECRUITD_STORE_RATE_H

#include <stdbool.h>

#include "core/xalloc.h"

struct db;

/*
 * Count one hit of key (e.g. "addr:127.0.0.1") on endpoint in the current
 * window of window_s seconds. 0 when within limit; 1 when over it, with
 * *retry_after the seconds until the window ends; -1 when the database
 * failed. Runs on its own (autocommit): a hit counts even when the
 * request then fails.
 */
int rate_hit(struct db *db, const char *endpoint, const char *key, unsigned window_s,
             unsigned limit, unsigned *retry_after) WARN_UNUSED;

/* Delete windows that began over a day ago (dry: count them only): 0 with how many, or -1. */
int rate_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
