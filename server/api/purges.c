/*
 * purges: retention over HTTP (hr): the rules (flows/purging_rules.c), and
 * purge runs (flows/purging.c, the engine recruitctl runs too). A run is
 * done on a thread of its own (req_defer), so a purge of many records never
 * holds up the worker threads; the report comes back when it is done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/jsonx.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/retention.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/purging.h"
#include "flows/purging_rules.h"

/* Reply with a rule set (stolen) and its one version as the ETag. */
static int
reply_set(struct req *r, json_t *list, long version)
{
	reply_etag_version(r, version);
	return reply_json(r, 200, list);
}

int
retention_policies_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct flow f;
	json_t *list;
	long version;

	if (req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    purging_rules_policies(&f, &list, &version) != 0)
		return -1;
	return reply_set(r, list, version);
}

int
retention_floors_get(struct req *r)
{
	static const char *const none[] = {NULL};
	struct flow f;
	json_t *list;
	long version;

	if (req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    purging_rules_floors(&f, &list, &version) != 0)
		return -1;
	return reply_set(r, list, version);
}

/* [{country, region, retain_days, basis}]: each jurisdiction once, a real country. */
static bool
floors_valid(const json_t *list, struct problem *p)
{
	static const char *const keys[] = {"country", "region", "retain_days", "basis", NULL};
	size_t i;
	json_t *f;

	if (!json_is_array(list)) {
		problem_field(p, "floors",
		              "must be a list of {country, region, retain_days, basis}");
		return false;
	}
	json_array_foreach(list, i, f)
	{
		char path[32], field[64];
		snprintf(path, sizeof(path), "[%zu]", i);
		if (!json_is_object(f)) {
			problem_field(p, path, "must be {country, region, retain_days, basis}");
			continue;
		}
		check_known_keys(f, keys, NULL, path, p);
		const char *country = json_string_value(json_object_get(f, "country"));
		json_t *region = json_object_get(f, "region"),
		       *days = json_object_get(f, "retain_days");
		snprintf(field, sizeof(field), "%s.country", path);
		if (country == NULL || !is_country_code(country))
			problem_field(p, field, "must be an ISO 3166-1 alpha-2 code");
		snprintf(field, sizeof(field), "%s.region", path);
		if (region != NULL && !json_is_null(region) &&
		    (!json_is_string(region) || *json_string_value(region) == '\0' ||
		     utf8_chars(json_string_value(region)) > 100 ||
		     has_control_chars(json_string_value(region))))
			problem_field(p, field, "must be text of 1 to 100 characters, or null");
		snprintf(field, sizeof(field), "%s.retain_days", path);
		if (!json_is_integer(days) || json_integer_value(days) < 0 ||
		    json_integer_value(days) > 36500)
			problem_field(p, field, "must be a whole number of days from 0 to 36500");
		check_text(f, "basis", path, true, 200, p);
		for (size_t j = 0; j < i; j++) {
			json_t *o = json_array_get(list, j);
			json_t *oregion = json_object_get(o, "region");
			if (json_equal(json_object_get(o, "country"),
			               json_object_get(f, "country")) &&
			    json_equal(oregion ? oregion : json_null(),
			               region ? region : json_null()))
				problem_field(p, path, "repeats the floor at [%zu]", j);
		}
	}
	return !problem_has_fields(p);
}

int
retention_floors_put(struct req *r)
{
	json_t *list = req_json_value(r), *out;
	struct flow f;
	long expect = 0, version;

	if (list == NULL || req_if_match(r, &expect) < 0)
		return -1;
	if (!floors_valid(list, req_problem(r)))
		return req_fail_fields(r);
	if (rest_flow(r, &f) != 0 ||
	    purging_rules_put_floors(&f, list, expect, &out, &version) != 0)
		return -1;
	return reply_set(r, out, version);
}

int
retention_policies_put(struct req *r)
{
	json_t *body = req_json_value(r), *list, *out;
	struct flow f;
	long expect = 0, version;

	if (body == NULL || req_if_match(r, &expect) < 0)
		return -1;
	/* DESIGN's form is a bare array; {"policies": [...]} is taken too. */
	list = json_is_object(body) && json_object_size(body) == 1
	           ? json_object_get(body, "policies")
	           : body;
	/* the shapes' errors are collected here; the flow adds the floors' and answers them all */
	(void)retention_policies_validate(list, req_problem(r));
	if (!json_is_array(list))
		return req_fail_fields(r);
	if (rest_flow(r, &f) != 0 ||
	    purging_rules_put_policies(&f, list, expect, &out, &version) != 0)
		return -1;
	return reply_set(r, out, version);
}

/*
 * The run itself, on its own thread; a failure's problem is the flow's. A
 * purge deletes for real only when asked to: without "dry_run": false it is
 * a dry run.
 */
static void
run_purge(struct req *r)
{
	json_t *report;
	struct flow f;

	if (rest_flow(r, &f) != 0 ||
	    purging_run(&f, !json_is_false(json_object_get(req_json(r), "dry_run")), &report) != 0)
		return;
	char *location =
	    xasprintf("/v1/retention/purges/%s", json_string_value(json_object_get(report, "id")));
	reply_header(r, "Location", location);
	free(location);
	reply_json(r, 201, report);
}

int
purges_create(struct req *r)
{
	static const char *const keys[] = {"dry_run", NULL};
	json_t *body = req_json(r);

	if (body == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_bool(body, "dry_run", NULL, req_problem(r));
	if (req_fail_fields(r) != 0)
		return -1;
	return req_defer(r, run_purge);
}

int
purges_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	json_t *report;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no purge run with this id");
	if (rest_flow(r, &f) != 0 || purging_report(&f, id, &report) != 0)
		return -1;
	return reply_json(r, 200, report);
}

int
purges_list(struct req *r)
{
	static const char *const allowed[] = {"limit", "cursor", NULL};
	struct page_of page = {0};
	struct page pg;
	struct flow f;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0)
		return -1;
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (rest_flow(r, &f) != 0 || purging_list(&f, &want, &page) != 0)
		return -1;
	return reply_json(r, 200, rest_page_reply(&page));
}
