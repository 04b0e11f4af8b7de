/*
 * keys_suite: what the key suites share (test_keys.c, test_keys_cache.c): the server
 * and an opening.
 */
#ifndef RECRUITD_TEST_KEYS_SUITE_H
#define RECRUITD_TEST_KEYS_SUITE_H

#include <stdlib.h>

#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static char *opening;
UNUSED static int seq;

/* Both suites' set-up and tear-down. */
UNUSED static int
setup(void **state)
{
	(void)state;
	api_start(NULL);
	opening = recruiter_opening("Key Keeper");
	return 0;
}

UNUSED static int
teardown(void **state)
{
	free(opening);
	harness_store_forget();
	return api_stop(state);
}

#endif
