/*
 * instances: what the two-instance suites share (test_instances.c, test_instances_shared.c):
 * two recruitd processes on one PostgreSQL, a resume and an opening.
 */
#ifndef RECRUITD_TEST_INSTANCES_H
#define RECRUITD_TEST_INSTANCES_H

#include <stdlib.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static struct blob pdf;
UNUSED static char *opening;
UNUSED static int seq;

/* Both suites' set-up and tear-down. */
UNUSED static int
setup(void **state)
{
	pdf = fixture_pdf(2000);
	api_start_with_smtp(NULL);
	api_start_second();
	forbid_in_log("Mail Once");
	forbid_in_log("Rate Across");
	forbid_in_log("Race Across");
	forbid_in_log("Kill Nine");
	forbid_in_log("Shred Across");
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Two Instances\",\"country\":\"IS\"}");
	assert_int_equal(r->status, 201);
	opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	(void)state;
	return 0;
}

UNUSED static int
teardown(void **state)
{
	free(opening);
	free(pdf.data);
	return api_stop(state);
}

#endif
