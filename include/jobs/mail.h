/*
 * mail: delivering the outbox (store/outbox.h). A pass claims due messages
 * (FOR UPDATE SKIP LOCKED, so every process may run passes at once and none
 * sends a message another has claimed), sends each through RECRUITD_SMTP_URL
 * with libcurl, or writes it as an RFC 5322 .eml file under RECRUITD_MAIL_DIR
 * when no SMTP is set, and records the outcome: a sent message keeps no
 * address or body; a failed one is tried again with backoff, for 24 hours.
 * recruitd runs a pass every RECRUITD_MAIL_INTERVAL_MS on a thread of its
 * own; `recruitctl mail deliver` runs one from cron.
 */
#ifndef RECRUITD_JOBS_MAIL_H
#define RECRUITD_JOBS_MAIL_H

#include "core/xalloc.h"

struct config;
struct db;
struct pool;
struct mail_worker;

struct mail_counts {
	long sent, retried, given_up;
};

/* Deliver what is due, in batches, until nothing is. 0, or -1 when the database failed. */
int mail_deliver(struct db *db, const struct config *cfg, struct mail_counts *n) WARN_UNUSED;

/* Run passes on a thread of its own, each on a connection leased from pool. NULL on failure. */
struct mail_worker *mail_worker_start(struct pool *pool, const struct config *cfg);

/* Stop the thread (a pass in progress finishes first). NULL is a no-op. */
void mail_worker_stop(struct mail_worker *w);

#endif
