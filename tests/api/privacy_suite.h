/*
 * privacy_suite: what the privacy suites share (test_privacy.c,
 * test_privacy_deadlines.c): the server with a real SMTP server and two
 * holidays, an opening, a resume, and the requests' helpers.
 */
#ifndef RECRUITD_TEST_PRIVACY_SUITE_H
#define RECRUITD_TEST_PRIVACY_SUITE_H

#include <stdlib.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static char *opening;
UNUSED static struct blob pdf;

UNUSED static struct resp *
public_request(const char *type, const char *email, const char *extra)
{
	char *body = xasprintf("{\"type\":\"%s\",\"email\":\"%s\"%s%s}", type, email,
	                       extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/privacy-requests", NULL, body);
	free(body);
	return r;
}

/* Verify with the link e-mailed to email: the answer. */
UNUSED static struct resp *
verify_with(const char *code, const char *extra)
{
	char *body = xasprintf("{\"code\":\"%s\"%s%s}", code, extra ? "," : "", extra ? extra : "");
	struct resp *r = http_json("POST", "/v1/privacy-requests/verifications", NULL, body);
	free(body);
	return r;
}

UNUSED static const char *
status_of(const struct resp *r)
{
	return sget(r->json, "status");
}

/* Every member DESIGN names is in a request. */
UNUSED static void
expect_shape(const json_t *q)
{
	static const char *const members[] = {"id",
	                                      "type",
	                                      "status",
	                                      "channel",
	                                      "subject",
	                                      "received_at",
	                                      "confirm_by",
	                                      "confirmed_at",
	                                      "verification",
	                                      "due_at",
	                                      "extended_due_at",
	                                      "extension_reason",
	                                      "days_left",
	                                      "completed_at",
	                                      "outcome",
	                                      "categories",
	                                      "items",
	                                      "corrections",
	                                      "export",
	                                      "agent",
	                                      "version",
	                                      NULL};
	for (const char *const *m = members; *m; m++)
		if (json_object_get(q, *m) == NULL)
			fail_msg("a request without %s", *m);
	const json_t *v = json_object_get(q, "verification");
	assert_non_null(json_object_get(v, "level"));
	assert_non_null(json_object_get(v, "data_points_matched"));
	assert_non_null(json_object_get(json_object_get(q, "subject"), "email_masked"));
}

/* Both suites' set-up and tear-down. */
UNUSED static int
setup(void **state)
{
	static const char *const settings[] = {"RECRUITD_HOLIDAYS=2025-12-25, 2026-01-01", NULL};
	(void)state;
	api_start_with_smtp(settings); /* the e-mails are read back from a real SMTP server */
	pdf = fixture_pdf(2000);
	struct resp *r =
	    http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"Privacy Officer\",\"country\":\"US\",\"region\":\"CA\"}");
	assert_int_equal(r->status, 201);
	opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
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
