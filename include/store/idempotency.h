/*
 * idempotency: the stored answers of keyed creates, found by the caller and
 * a hash of their Idempotency-Key. An answer is its status, its Location and
 * the id of what it made, never a body. Rows older than IDEM_TTL_HOURS are
 * not found (the purge run deletes them: store/purge_runs.c). Functions return 0 when done, 1
 * when there is nothing, -1 when the database failed. Thread-safe on
 * distinct connections.
 */
#ifndef RECRUITD_STORE_IDEMPOTENCY_H
#define RECRUITD_STORE_IDEMPOTENCY_H

#include "core/xalloc.h"

struct db;

#define IDEM_TTL_HOURS 24

/* A stored answer. */
struct idem_row {
	char scope[48];
	char request_sha256[65];
	unsigned status;
	char resource_id[37]; /* "" when the answer made no resource */
	char location[160];   /* "" when none */
};

/*
 * Take the key (actor, key_sha256) in the caller's open transaction: an
 * advisory lock held until it ends, so a twin in flight waits here; then
 * the stored answer, if any: 0 with *row, 1 none, -1.
 */
int idempotency_take(struct db *db, const char *actor, const char *key_sha256,
                     struct idem_row *row) WARN_UNUSED;

/* Store an answer in the caller's open transaction (an expired one of the key is replaced). */
int idempotency_keep(struct db *db, const char *actor, const char *key_sha256,
                     const struct idem_row *row) WARN_UNUSED;

#endif
