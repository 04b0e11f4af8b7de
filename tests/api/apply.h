/*
 * apply: what the suites of the public application share (test_apply.c,
 * test_apply_access.c): the suite's openings and resume, an opening made,
 * the careers form posted with chosen fields, an application confirmed.
 */
#ifndef RECRUITD_TEST_APPLY_H
#define RECRUITD_TEST_APPLY_H

#include <stdlib.h>

#include "../unit/fixtures.h"
#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static char *opening, *closed_opening, *other_opening;
UNUSED static struct blob pdf;

UNUSED static char *
make_opening(const char *title, const char *status)
{
	char *body = xasprintf(
	    "{\"title\":\"%s\",\"department\":\"Engineering\",\"country\":\"US\",\"region\":\"CA\","
	    "\"location\":\"San Francisco\",\"description\":\"Build things.\",\"status\":\"%s\"}",
	    title, status);
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return id;
}

/* Apply with these fields (NULL value: the part is left out). */
UNUSED static struct resp *
apply_with(const char *name, const char *email, const char *opening_id, const char *notice,
           const char *age, const char *const *headers)
{
	struct part parts[9];
	int n = 0;
	if (name)
		parts[n++] = (struct part){.name = "full_name", .value = name};
	if (email)
		parts[n++] = (struct part){.name = "email", .value = email};
	if (opening_id)
		parts[n++] = (struct part){.name = "opening_id", .value = opening_id};
	if (notice)
		parts[n++] = (struct part){.name = "privacy_notice_accepted", .value = notice};
	if (age)
		parts[n++] = (struct part){.name = "age_16_or_over", .value = age};
	parts[n++] = (struct part){.name = "phone", .value = "+1 415 555 0100"};
	parts[n++] = (struct part){
	    .name = "resume", .data = pdf.data, .len = pdf.len, .filename = "resume.pdf"};
	parts[n] = (struct part){.name = NULL};
	if (name)
		forbid_in_log(name);
	return http_form("POST", "/v1/apply", NULL, parts, headers);
}

UNUSED static struct applied
apply_ok(const char *opening_id)
{
	return apply_confirmed(opening_id, "Ada Applicant", "apply", pdf.data, pdf.len, NULL, NULL);
}

/* Both suites' set-up and tear-down. */
UNUSED static int
setup(void **state)
{
	api_start(state);
	pdf = fixture_pdf(3000);
	opening = make_opening("Backend Engineer", "open");
	other_opening = make_opening("Frontend Engineer", "open");
	closed_opening = make_opening("Filled Position", "closed");
	return 0;
}

UNUSED static int
teardown(void **state)
{
	free(opening);
	free(other_opening);
	free(closed_opening);
	free(pdf.data);
	return api_stop(state);
}

#endif
