/*
 * metrics: request counters and latency histograms per route and status,
 * kept in relaxed atomics (no lock), rendered in Prometheus text format.
 */
#ifndef RECRUITD_METRICS_H
#define RECRUITD_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct pool;
struct route;

/* Size the tables for the route table (borrowed for the process's life). Call once before serving.
 */
void metrics_init(const struct route *routes, size_t nroutes);
void metrics_fini(void);

/* Count one finished request; route is -1 for requests that matched no route. */
void metrics_observe(int route, unsigned status, uint64_t duration_us);

/*
 * A further source of figures, rendered after the edge's own: fn(arg)
 * answers Prometheus text (a new string, or NULL for none) and is called
 * from any thread. Set once by main before serving; NULL fn: none.
 */
void metrics_set_source(char *(*fn)(void *arg), void *arg);

/* The exposition text; a new string the caller frees. */
char *metrics_render(struct pool *pool);

#endif
