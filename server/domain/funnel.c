/*
 * funnel: a median from a histogram of stays. See funnel.h.
 */
#include <math.h>

#include "domain/funnel.h"

#define RATIO 1.05

int
funnel_bucket_of(double seconds)
{
	return seconds < 1 ? 0 : 1 + (int)floor(log(seconds) / log(RATIO));
}

/* The midpoint of bucket b: 0 for the stays under a second, else the geometric middle. */
static double
midpoint(int b)
{
	return b <= 0 ? 0 : pow(RATIO, b - 0.5);
}

double
funnel_histogram_median(const struct funnel_bucket *buckets, size_t n)
{
	long total = 0, seen = 0;

	for (size_t i = 0; i < n; i++)
		total += buckets[i].n;
	if (total <= 0)
		return -1;
	/* the middle stay (the lower middle one of an even count, as the midpoint of two stays
	 * in one bucket is that bucket's too); between two buckets, the mean of their midpoints */
	long lo = (total - 1) / 2, hi = total / 2;
	double at_lo = -1, at_hi = -1;
	for (size_t i = 0; i < n && at_hi < 0; i++) {
		long next = seen + buckets[i].n;
		if (at_lo < 0 && lo < next)
			at_lo = midpoint(buckets[i].bucket);
		if (hi < next)
			at_hi = midpoint(buckets[i].bucket);
		seen = next;
	}
	return (at_lo + at_hi) / 2;
}
