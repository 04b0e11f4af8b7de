/*
 * screening_funnel: the hiring funnel, from the de-identified stage events
 * alone, so purges and transfers never change past figures and no person
 * can be picked out. Follows flows/flow.h.
 */
#ifndef RECRUITD_FLOWS_SCREENING_FUNNEL_H
#define RECRUITD_FLOWS_SCREENING_FUNNEL_H

#include <jansson.h>

#include "core/xalloc.h"

struct flow;

/*
 * The funnel of one opening (NULL: every opening): *funnel (new)
 * {opening_id, minimum_count, rounded_to, stages: [{stage, reached,
 * median_days, suppressed}]}, one entry per stage in order. A count under
 * the minimum is null and suppressed; every other count is rounded down to
 * a multiple of it; a median over fewer stays than the minimum is null.
 */
int screening_funnel(const struct flow *f, const char *opening_id, json_t **funnel) WARN_UNUSED;

#endif
