/*
 * funnel: the de-identified stage events the funnel is counted from
 * (stage_events: an opening, a stage, a time and a random track id that
 * nothing points to once the application is gone). Raw figures only: what
 * may be shown of them is the flow's to decide (flows/screening_funnel.c).
 * Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_FUNNEL_H
#define RECRUITD_STORE_FUNNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;

/* One stage's raw figures. */
struct funnel_row {
	char stage[24];
	long reached;       /* tracks that reached the stage */
	long left;          /* of them, those that have left it */
	bool has_median;    /* median_days is known (someone left) */
	double median_days; /* from entering the stage to the next move */
};

/*
 * The figures of every stage some track reached, of one opening (exact,
 * from its own events), or of every opening (opening_id NULL: from the
 * counts kept as events are written, the median from a histogram of stays,
 * within 2.5%: domain/funnel.h), at most max rows: 0 with *n, or -1 when the
 * database failed.
 */
int funnel_read(struct db *db, const char *opening_id, struct funnel_row *rows, size_t max,
                size_t *n) WARN_UNUSED;

#endif
