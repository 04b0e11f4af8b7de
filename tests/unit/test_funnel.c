/*
 * The median of the funnel of all openings, from a histogram of stays (domain/funnel.c): the
 * buckets where the database puts a stay, and medians within 2.5% of the exact ones over
 * stays spread from seconds to years, odd and even counts, and nothing counted.
 */
#include <math.h>
#include <stdlib.h>

#include "../unit/cm.h"
#include "domain/funnel.h"

static void
test_buckets(void **state)
{
	(void)state;
	assert_int_equal(funnel_bucket_of(0), 0);
	assert_int_equal(funnel_bucket_of(0.999), 0);
	assert_int_equal(funnel_bucket_of(1), 1);
	assert_int_equal(funnel_bucket_of(1.049), 1);
	assert_int_equal(funnel_bucket_of(1.051), 2);
	/* a day: 1 + floor(ln 86400 / ln 1.05) */
	assert_int_equal(funnel_bucket_of(86400), 1 + (int)floor(log(86400) / log(1.05)));
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The histogram of stays (sorted by bucket) and the exact median, for n stays. */
static double
check(const double *stays, size_t n)
{
	struct funnel_bucket b[2048];
	size_t nb = 0;
	double *sorted = malloc(n * sizeof(*sorted));

	for (size_t i = 0; i < n; i++)
		sorted[i] = stays[i];
	qsort(sorted, n, sizeof(*sorted), by_value);
	for (size_t i = 0; i < n; i++) {
		int k = funnel_bucket_of(sorted[i]);
		if (nb > 0 && b[nb - 1].bucket == k)
			b[nb - 1].n++;
		else
			b[nb++] = (struct funnel_bucket){k, 1};
	}
	double exact = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	double got = funnel_histogram_median(b, nb);
	free(sorted);
	if (exact < 1)
		assert_true(got < 1);
	else if (fabs(got - exact) > 0.025 * exact)
		fail_msg("median %.3f s from the histogram, %.3f s exact (n %zu)", got, exact, n);
	return got;
}

static void
test_medians_within_the_bound(void **state)
{
	(void)state;
	unsigned seed = 42;
	for (int round = 0; round < 200; round++) {
		size_t n = 1 + (size_t)(rand_r(&seed) % 999);
		double *stays = malloc(n * sizeof(*stays));
		/* log-uniform from a second to three years, so every scale is met */
		for (size_t i = 0; i < n; i++)
			stays[i] = exp((double)rand_r(&seed) / RAND_MAX * log(3 * 365 * 86400.0));
		check(stays, n);
		free(stays);
	}
	/* two stays, in two buckets far apart: between their midpoints */
	double two[2] = {60, 3600};
	double m = check(two, 2);
	assert_true(m > 60 && m < 3600);
	/* everything under a second */
	double quick[3] = {0, 0.2, 0.9};
	assert_true(check(quick, 3) == 0);
}

static void
test_nothing_counted(void **state)
{
	(void)state;
	assert_true(funnel_histogram_median(NULL, 0) < 0);
	struct funnel_bucket zero = {3, 0};
	assert_true(funnel_histogram_median(&zero, 1) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buckets),
	    cmocka_unit_test(test_medians_within_the_bound),
	    cmocka_unit_test(test_nothing_counted),
	};
	return cmocka_run_group_tests_name("funnel", tests, NULL, NULL);
}
