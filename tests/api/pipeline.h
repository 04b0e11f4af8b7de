/*
 * pipeline: what the pipeline suites share (test_pipeline.c,
 * test_pipeline_checks.c): openings, applicants and applications made
 * through the API, and stage transitions.
 */
#ifndef RECRUITD_TEST_PIPELINE_H
#define RECRUITD_TEST_PIPELINE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static int seq;

/* An opening in country/region (region may be NULL); its id. */
UNUSED static char *
opening_in(const char *country, const char *region)
{
	char *body =
	    region ? xasprintf("{\"title\":\"Role %d-%d\",\"country\":\"%s\",\"region\":\"%s\"}",
	                       (int)getpid(), ++seq, country, region)
	           : xasprintf("{\"title\":\"Role %d-%d\",\"country\":\"%s\"}", (int)getpid(),
	                       ++seq, country);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

UNUSED static char *
applicant(void)
{
	return new_staff_applicant("pipe", "Pipe Line");
}

/* Apply applicant to opening through staff; the application id. */
UNUSED static char *
application(const char *who, const char *opening)
{
	char *path = xasprintf("/v1/applicants/%s/applications", who);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	if (r->status != 201)
		fail_msg("application: %ld %s", r->status, r->body);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	return id;
}

UNUSED static struct resp *
move(const char *app, const char *to, const char *reason)
{
	char *path = xasprintf("/v1/applications/%s/transitions", app);
	char *body = reason ? xasprintf("{\"to\":\"%s\",\"reason\":\"%s\"}", to, reason)
	                    : xasprintf("{\"to\":\"%s\"}", to);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	free(body);
	free(path);
	return r;
}

UNUSED static void
expect_move(const char *app, const char *to, const char *reason, long status)
{
	struct resp *r = move(app, to, reason);
	if (r->status != status)
		fail_msg("move to %s: %ld, want %ld: %s", to, r->status, status, r->body);
	resp_free(r);
}

#endif
