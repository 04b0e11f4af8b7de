/*
 * bgcheck: where background checks are lawful, as HR decides: a rule per
 * country, and per region where a region's law differs. Staff read them;
 * hr writes them (audited), through flows/screening_rules.c. Every move to
 * background_check consults them (flows/screening.c): the region's rule,
 * else the country's, else no check; a rule's order (before_offer, the
 * default, or after_offer) says where the check falls in the stages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/stages.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/screening_rules.h"

/* The path's country and region ("" when none): 0, or -1 with a 404. */
static int
path_rule(struct req *r, const char **country, const char **region)
{
	*country = req_param(r, 0);
	*region = req_param(r, 1);
	if (!is_country_code(*country))
		return req_fail(
		    r, 404,
		    "no such country: use an ISO 3166-1 alpha-2 code in upper case, e.g. US");
	if (*region != NULL &&
	    (strlen(*region) > 100 || has_control_chars(*region) || is_blank(*region)))
		return req_fail(r, 404, "no such region");
	if (*region == NULL)
		*region = "";
	return 0;
}

int
bgcheck_list(struct req *r)
{
	static const char *const none[] = {NULL};
	json_t *items;
	struct flow f;
	long version;

	if (req_query_only(r, none) != 0 || rest_flow(r, &f) != 0 ||
	    screening_rules_list(&f, &items, &version) != 0)
		return -1;
	reply_etag_version(r, version); /* the set's one version */
	return reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int
bgcheck_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *country, *region;
	json_t *rule;
	struct flow f;
	long version;

	if (path_rule(r, &country, &region) != 0 || req_query_only(r, none) != 0 ||
	    rest_flow(r, &f) != 0 || screening_rules_get(&f, country, region, &rule, &version) != 0)
		return -1;
	reply_etag_version(r, version);
	return reply_json(r, 200, rule);
}

int
bgcheck_delete(struct req *r)
{
	const char *country, *region;
	struct flow f;
	long expect = 0, version;

	if (path_rule(r, &country, &region) != 0 || req_if_match(r, &expect) < 0 ||
	    rest_flow(r, &f) != 0 ||
	    screening_rules_delete(&f, country, region, expect, &version) != 0)
		return -1;
	reply_etag_version(r, version);
	return reply_empty(r, 204);
}

int
bgcheck_put(struct req *r)
{
	static const char *const keys[] = {"allowed", "note", "order", NULL};
	const char *country, *region;
	json_t *body, *rule;
	struct flow f;
	long expect = 0, version;
	bool created;

	if (path_rule(r, &country, &region) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	if (!json_is_boolean(json_object_get(body, "allowed")))
		problem_field(req_problem(r), "allowed", "is required: true or false");
	check_text(body, "note", NULL, false, 1000, req_problem(r));
	check_enum(body, "order", NULL, false, stage_order_names, req_problem(r));
	if (req_fail_fields(r) != 0 || req_if_match(r, &expect) < 0 || rest_flow(r, &f) != 0 ||
	    screening_rules_put(&f, country, region, json_is_true(json_object_get(body, "allowed")),
	                        json_string_value(json_object_get(body, "note")),
	                        json_string_value(json_object_get(body, "order")), expect, &rule,
	                        &created, &version) != 0)
		return -1;
	if (created) {
		char *location =
		    *region ? xasprintf("/v1/background-check-rules/%s/%s", country, region)
		            : xasprintf("/v1/background-check-rules/%s", country);
		reply_header(r, "Location", location);
		free(location);
	}
	reply_etag_version(r, version);
	return reply_json(r, created ? 201 : 200, rule);
}
