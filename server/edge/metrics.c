/*
 * metrics: per-route request counts by status and latency histograms, in
 * relaxed atomics indexed by route (the last row is "unmatched"), so the
 * request path takes no lock. Rendering reads them without stopping writers;
 * a scrape may see a request counted in one series and not yet in another.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "edge/metrics.h"
#include "edge/router.h"
#include "store/pool.h"

static const unsigned statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 410,
                                    411, 412, 413, 415, 422, 428, 429, 431, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* + "other" */

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NBUCKET (sizeof(bounds) / sizeof(bounds[0]) + 1) /* + "+Inf" */

struct row {
	atomic_ullong by_status[NSTATUS];
	atomic_ullong buckets[NBUCKET];
	atomic_ullong sum_us;
};

static struct row *rows;
static size_t nrows;
static const struct route *table; /* main's, for the labels */

void
metrics_init(const struct route *routes, size_t nroutes)
{
	table = routes;
	nrows = nroutes + 1;
	rows = xcalloc(nrows, sizeof(*rows));
}

void
metrics_fini(void)
{
	free(rows);
	rows = NULL;
	nrows = 0;
}

void
metrics_observe(int route, unsigned status, uint64_t duration_us)
{
	struct row *row;
	size_t s = NSTATUS - 1, b = 0;

	if (rows == NULL)
		return;
	row = &rows[route < 0 || (size_t)route >= nrows - 1 ? nrows - 1 : (size_t)route];
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			s = i;
	while (b < NBUCKET - 1 && (double)duration_us / 1e6 > bounds[b])
		b++;
	atomic_fetch_add_explicit(&row->by_status[s], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&row->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&row->sum_us, duration_us, memory_order_relaxed);
}

static unsigned long long
load(atomic_ullong *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void
label(const struct route *routes, size_t i, const char **method, const char **pattern)
{
	*method = i < nrows - 1 ? routes[i].method : "";
	*pattern = i < nrows - 1 ? routes[i].pattern : "unmatched";
}

static void
render_counts(struct buf *b, const struct route *routes)
{
	const char *m, *p;

	(void)!buf_printf(b,
	                  "# HELP recruitd_http_requests_total HTTP requests by route and status.\n"
	                  "# TYPE recruitd_http_requests_total counter\n");
	for (size_t i = 0; i < nrows; i++) {
		label(routes, i, &m, &p);
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long long v = load(&rows[i].by_status[s]);
			if (v == 0)
				continue;
			char code[8];
			if (s < NSTATUS - 1)
				snprintf(code, sizeof(code), "%u", statuses[s]);
			else
				strcpy(code, "other");
			(void)!buf_printf(b,
			                  "recruitd_http_requests_total{method=\"%s\",route=\"%s\","
			                  "status=\"%s\"} %llu\n",
			                  m, p, code, v);
		}
	}
}

static void
render_latency(struct buf *b, const struct route *routes)
{
	const char *m, *p;

	(void)!buf_printf(
	    b, "# HELP recruitd_http_request_duration_seconds Time from request to response.\n"
	       "# TYPE recruitd_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nrows; i++) {
		unsigned long long total = 0;
		for (size_t k = 0; k < NBUCKET; k++)
			total += load(&rows[i].buckets[k]);
		if (total == 0)
			continue;
		label(routes, i, &m, &p);
		unsigned long long cum = 0;
		for (size_t k = 0; k < NBUCKET; k++) {
			cum += load(&rows[i].buckets[k]);
			if (k < NBUCKET - 1)
				(void)!buf_printf(b,
				                  "recruitd_http_request_duration_seconds_bucket{"
				                  "method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
				                  m, p, bounds[k], cum);
			else
				(void)!buf_printf(b,
				                  "recruitd_http_request_duration_seconds_bucket{"
				                  "method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
				                  m, p, cum);
		}
		(void)!buf_printf(
		    b,
		    "recruitd_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
		    "recruitd_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
		    "%llu\n",
		    m, p, (double)load(&rows[i].sum_us) / 1e6, m, p, cum);
	}
}

static char *(*source)(void *arg);
static void *source_arg;

void
metrics_set_source(char *(*fn)(void *arg), void *arg)
{
	source = fn;
	source_arg = arg;
}

char *
metrics_render(struct pool *pool)
{
	struct buf b;
	unsigned size = 0, in_use = 0, waiting = 0;

	buf_init(&b, 16u << 20);
	render_counts(&b, table);
	render_latency(&b, table);
	if (pool != NULL)
		pool_stats(pool, &size, &in_use, &waiting);
	(void)!buf_printf(
	    &b,
	    "# HELP recruitd_db_pool_size Database connections in the pool.\n"
	    "# TYPE recruitd_db_pool_size gauge\nrecruitd_db_pool_size %u\n"
	    "# HELP recruitd_db_pool_in_use Database connections leased to requests.\n"
	    "# TYPE recruitd_db_pool_in_use gauge\nrecruitd_db_pool_in_use %u\n"
	    "# HELP recruitd_db_pool_waiting Requests waiting for a database connection.\n"
	    "# TYPE recruitd_db_pool_waiting gauge\nrecruitd_db_pool_waiting %u\n",
	    size, in_use, waiting);
	char *more = source != NULL ? source(source_arg) : NULL;
	if (more != NULL)
		(void)!buf_printf(&b, "%s", more);
	free(more);
	return buf_steal(&b);
}
