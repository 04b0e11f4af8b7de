/*
 * monitoring: what /readyz and /metrics ask of the layers below the edge:
 * whether the databases answer, and the store's own figures. Follows
 * flows/flow.h where it takes a flow.
 */
#ifndef RECRUITD_FLOWS_MONITORING_H
#define RECRUITD_FLOWS_MONITORING_H

#include "core/xalloc.h"

struct flow;

/*
 * Whether the service can work: the database answers on f's connection and
 * the key database answers too (nothing personal can be read or written
 * without it). 0, or -1 with a 503 set.
 */
int monitoring_ready(const struct flow *f) WARN_UNUSED;

/* The store's figures for /metrics, read without a connection (counters kept in the process). */
struct monitoring_figures {
	unsigned long staff_key_notices; /* staff keys revoked or deleted, as announced here */
};

/* Fill *out. Thread-safe. */
void monitoring_figures(struct monitoring_figures *out);

/*
 * The queue of keys waiting to be destroyed (queued by an erasure while the
 * key database was away): how many, and the oldest one's age in seconds.
 * 0, or -1 when the database cannot answer (nothing set in f's problem).
 */
int monitoring_shreds(const struct flow *f, long *queued, long *oldest_s) WARN_UNUSED;

#endif
