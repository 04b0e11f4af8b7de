/*
 * funnel: the median stay of a stage from a histogram of stays, as the
 * database keeps it for the funnel of all openings (migration 0070): bucket
 * 0 holds the stays under a second, bucket b (b >= 1) those from 1.05^(b-1)
 * up to 1.05^b seconds. The median is the midpoint (geometric) of the
 * bucket that holds it: within 2.5% of the exact median, and 0 when it is
 * under a second. Pure.
 */
#ifndef RECRUITD_DOMAIN_FUNNEL_H
#define RECRUITD_DOMAIN_FUNNEL_H

#include <stddef.h>

struct funnel_bucket {
	int bucket;
	long n;
};

/* The bucket of a stay of `seconds` (what the database's funnel_bucket computes). */
int funnel_bucket_of(double seconds);

/*
 * The median stay, in seconds, of the stays counted in buckets (n of them,
 * in ascending bucket order): -1 when none is counted.
 */
double funnel_histogram_median(const struct funnel_bucket *buckets, size_t n);

#endif
