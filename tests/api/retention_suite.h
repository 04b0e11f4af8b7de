/*
 * retention_suite: what the retention suites share (test_retention.c,
 * test_retention_races.c): rules that expire records in Iceland (IS) at once
 * and keep everything else 10 years (so nothing other suites made is
 * touched), an opening there, the people and applications made for it, a
 * purge run through the API.
 */
#ifndef RECRUITD_TEST_RETENTION_SUITE_H
#define RECRUITD_TEST_RETENTION_SUITE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

#define UNUSED __attribute__((unused))

UNUSED static const char rules[] =
    "[{\"outcome\":\"rejected\",\"country\":\"*\",\"retain_days\":3650},"
    "{\"outcome\":\"withdrawn\",\"country\":\"*\",\"retain_days\":3650},"
    "{\"outcome\":\"no_application\",\"country\":\"*\",\"retain_days\":3650},"
    "{\"outcome\":\"rejected\",\"country\":\"IS\",\"retain_days\":0},"
    "{\"outcome\":\"withdrawn\",\"country\":\"IS\",\"retain_days\":0},"
    "{\"outcome\":\"no_application\",\"country\":\"IS\",\"retain_days\":0}]";

UNUSED static char *iceland; /* an opening in IS */
UNUSED static int seq;

UNUSED static char *
person(const char *country, const char *name, char **email_out)
{
	char *email = unique_email("ret");
	char *body = country ? xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\",\"phone\":\"+354 "
	                                 "555 0101\",\"address\":{\"country\":\"%s\"}}",
	                                 name, email, country)
	                     : xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\"}", name, email);
	forbid_in_log(name);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	if (email_out)
		*email_out = email;
	else
		free(email);
	return id;
}

UNUSED static char *
apply_to(const char *who, const char *opening)
{
	char *path = xasprintf("/v1/applicants/%s/applications", who),
	     *body = xasprintf("{\"opening_id\":\"%s\"}", opening);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	return id;
}

UNUSED static void
move(const char *app, const char *to)
{
	char *path = xasprintf("/v1/applications/%s/transitions", app);
	char *body = xasprintf("{\"to\":\"%s\",\"reason\":\"not this time\"}", to);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(body);
	free(path);
}

UNUSED static void
upload(const char *who)
{
	char *path = xasprintf("/v1/applicants/%s/documents", who);
	struct part parts[] = {
	    {.name = "file", .data = "Secret Resume Text\n", .len = 19, .filename = "cv.txt"},
	    {.name = NULL}};
	struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(path);
}

UNUSED static json_t *
purge(bool dry)
{
	struct resp *r = http_json("POST", "/v1/retention/purges", staff.hr,
	                           dry ? "{\"dry_run\":true}" : "{\"dry_run\":false}");
	if (r->status != 201)
		fail_msg("purge: %ld %s", r->status, r->body);
	char *loc = resp_header(r, "Location");
	assert_non_null(loc);
	free(loc);
	json_t *report = json_incref(r->json);
	resp_free(r);
	return report;
}

UNUSED static bool
has_id(const json_t *report, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(report, "applicant_ids"), i,
	                   v) if (strcmp(json_string_value(v), id) == 0) return true;
	return false;
}

/* recruitctl purge with args: its report on stdout, parsed (exit 0 asserted). */
UNUSED static json_t *
ctl_purge(const char *args)
{
	char *cmd = xasprintf("%s purge %s 2>/dev/null", getenv("RECRUITD_TEST_CTL"), args);
	FILE *p = popen(cmd, "r");
	char out[65536];
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	assert_int_equal(WEXITSTATUS(pclose(p)), 0);
	free(cmd);
	json_t *report = json_loads(out, 0, NULL);
	assert_non_null(report);
	return report;
}

/* Both suites' set-up and tear-down. */
UNUSED static int
setup(void **state)
{
	api_start(state);
	struct resp *r = http_json("PUT", "/v1/retention/policies", staff.hr, rules);
	assert_int_equal(r->status, 200);
	resp_free(r);
	char *body =
	    xasprintf("{\"title\":\"Reykjavik Role %d\",\"country\":\"IS\"}", (int)getpid());
	r = http_json("POST", "/v1/openings", staff.recruiter, body);
	iceland = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	return 0;
}

UNUSED static int
teardown(void **state)
{
	/* the shipped defaults again */
	PGresult *res =
	    PQexec(test_db(), "DELETE FROM retention_policies; INSERT INTO retention_policies "
	                      "(outcome, country, region, retain_days) "
	                      "SELECT o.outcome, r.country, r.region, r.days FROM (VALUES "
	                      "('rejected'), ('withdrawn'), "
	                      "('no_application')) o(outcome), (VALUES ('*', '', 183), ('US', '', "
	                      "365), ('US', 'CA', 1461)) r(country, region, days)");
	PQclear(res);
	free(iceland);
	return api_stop(state);
}

#endif
