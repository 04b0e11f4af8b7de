/*
 * hire: what the hire suites share (test_hire.c, test_hire_effects.c): the
 * suite's resume, an opening, a public candidate moved to a stage, a hire.
 */
#ifndef RECRUITD_TEST_HIRE_H
#define RECRUITD_TEST_HIRE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static int seq;
UNUSED static struct blob resume;

UNUSED static char *
new_opening(void)
{
	char *body =
	    xasprintf("{\"title\":\"Hire Role %d-%d\",\"country\":\"US\",\"region\":\"NY\"}",
	              (int)getpid(), ++seq);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* A public applicant with a resume, moved to `stage` at `opening`. */
UNUSED static struct applied
candidate_at(const char *opening, const char *stage)
{
	struct applied c = apply_confirmed(opening, "Hanna Hired", "hire", resume.data, resume.len,
	                                   "Hanna Lebenslauf.pdf", NULL);
	struct resp *r;
	if (strcmp(stage, "applied") != 0) {
		char *path = xasprintf("/v1/applications/%s/transitions", c.application);
		char *body = xasprintf("{\"to\":\"%s\"}", stage);
		r = http_json("POST", path, staff.recruiter, body);
		assert_int_equal(r->status, 200);
		resp_free(r);
		free(body);
		free(path);
	}
	return c;
}

UNUSED static struct resp *
hire(const char *application, const char *token, const char *body)
{
	char *path = xasprintf("/v1/applications/%s/hire", application);
	struct resp *r = http_json("POST", path, token, body);
	free(path);
	return r;
}

/* Both suites' set-up and tear-down. */
UNUSED static int
setup(void **state)
{
	resume = fixture_pdf(200000);
	return api_start(state);
}

UNUSED static int
teardown(void **state)
{
	free(resume.data);
	return api_stop(state);
}

#endif
