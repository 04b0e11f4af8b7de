/*
 * records: what the applicants suites share (test_applicants.c,
 * test_applicants_list.c): an applicant created through the API, and its path.
 */
#ifndef RECRUITD_TEST_RECORDS_H
#define RECRUITD_TEST_RECORDS_H

#include <stdlib.h>

#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

/* Create an applicant; returns the parsed record (caller decrefs). */
UNUSED static json_t *
create(const char *token, const char *full_name, const char *email, const char *extra)
{
	json_t *body = json_pack("{s:s, s:s}", "full_name", full_name, "email", email);
	if (extra != NULL) {
		json_t *more = json_loads(extra, 0, NULL);
		json_object_update(body, more);
		json_decref(more);
	}
	char *text = json_dumps(body, JSON_COMPACT);
	struct resp *r = http_json("POST", "/v1/applicants", token, text);
	if (r->status != 201)
		fail_msg("create: %ld %s", r->status, r->body);
	json_t *rec = json_incref(r->json);
	forbid_in_log(full_name);
	resp_free(r);
	free(text);
	json_decref(body);
	return rec;
}

UNUSED static char *
path_of(const json_t *rec)
{
	return xasprintf("/v1/applicants/%s", sget(rec, "id"));
}

#endif
