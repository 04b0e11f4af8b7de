/*
 * rest: what the handlers of every resource share beyond the edge. See
 * rest.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/rest.h"
#include "core/app.h"
#include "core/clock.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/stages.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/identity.h"

int
rest_patch_body(struct req *r, const char *const *patchable, const char *const *readonly,
                const json_t **patch, long *expect)
{
	json_t *body = req_json(r);

	if (body == NULL)
		return -1;
	if (!check_known_keys(body, patchable, readonly, NULL, req_problem(r)))
		return req_fail_fields(r);
	if (req_expected_version(r, body, expect) != 0)
		return -1;
	*patch = body;
	return 0;
}

json_t *
rest_page_reply(struct page_of *p)
{
	json_t *body = json_pack("{s:o, s:n}", "items", p->items, "next_cursor");

	p->items = NULL;
	if (p->more) {
		char *c = paging_cursor_encode(p->k1, p->k2);
		json_object_set_new(body, "next_cursor", json_string(c));
		free(c);
	}
	return body;
}

int
rest_flow(struct req *r, struct flow *f)
{
	struct db *db = req_db(r);

	if (db == NULL)
		return -1;
	*f = (struct flow){.db = db,
	                   .cfg = req_app(r)->cfg,
	                   .who = req_actor(r),
	                   .request_id = req_id(r),
	                   .problem = req_problem(r)};
	return 0;
}

int
rest_authenticate(struct req *r, struct db *db, const char *token, bool applicant,
                  struct actor *who)
{
	struct flow f;

	rest_flow_on(r, db, &f);
	return identity_check(&f, token, applicant, who);
}

int
rest_page_ascending(struct req *r, json_t *items, const char *k1, const char *k2, json_t **page)
{
	static const char *const allowed[] = {"limit", "cursor", NULL};
	char c1[PAGING_KEY_MAX] = "", c2[PAGING_KEY_MAX] = "";
	int limit, has_cursor;
	size_t i, from = 0;
	json_t *it;

	*page = NULL;
	if (req_query_only(r, allowed) != 0 || paging_read(r, &limit, &has_cursor, c1, c2) != 0) {
		json_decref(items);
		return -1;
	}
	if (has_cursor && (!is_rfc3339(c1) || !is_uuid(c2))) {
		json_decref(items);
		problem_field(req_problem(r), "cursor", "is not a cursor this list gave out");
		return req_fail(r, 400, "bad cursor");
	}
	json_array_foreach(items, i, it)
	{
		int cmp = strcmp(json_string_value(json_object_get(it, k1)), c1);
		if (has_cursor &&
		    (cmp < 0 ||
		     (cmp == 0 && strcmp(json_string_value(json_object_get(it, k2)), c2) <= 0)))
			from = i + 1;
	}
	json_t *out = json_array();
	for (i = from; i < json_array_size(items) && i < from + (size_t)limit; i++)
		json_array_append(out, json_array_get(items, i));
	json_t *body = json_pack("{s:o, s:n}", "items", out, "next_cursor");
	if (from + (size_t)limit < json_array_size(items)) {
		json_t *last = json_array_get(out, (size_t)limit - 1);
		char *c = paging_cursor_encode(json_string_value(json_object_get(last, k1)),
		                               json_string_value(json_object_get(last, k2)));
		json_object_set_new(body, "next_cursor", json_string(c));
		free(c);
	}
	json_decref(items);
	*page = body;
	return 0;
}

int
rest_stage_filters(struct req *r, const char **opening, const char **stage)
{
	*opening = req_query(r, "opening_id");
	*stage = req_query(r, "stage");
	if (*opening && !is_uuid(*opening))
		problem_field(req_problem(r), "opening_id", "must be a UUID");
	if (*stage && stage_parse(*stage) < 0)
		problem_field(req_problem(r), "stage",
		              "must be a stage: applied, screening, interview, assessment, "
		              "background_check, offer, hired, rejected or withdrawn");
	return problem_has_fields(req_problem(r)) ? req_fail(r, 400, "bad filter") : 0;
}

int
rest_code_body(struct req *r, char hash_hex[2 * SHA256_LEN + 1], const char **code_out)
{
	static const char *const keys[] = {"code", NULL};
	json_t *body = req_json(r);
	const char *code;

	if (body == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	if ((code = json_string_value(json_object_get(body, "code"))) == NULL)
		problem_field(req_problem(r), "code",
		              "is required: the code from the e-mailed link");
	if (req_fail_fields(r) != 0)
		return -1;
	if (code_out != NULL)
		*code_out = code;
	return code_hash(code, hash_hex) == 0 ? 0 : 1;
}

int
rest_fresh_sign_in(struct req *r, long seconds)
{
	time_t signed_in;

	if (clock_parse_rfc3339(req_actor(r)->signed_in_at, &signed_in) == 0 &&
	    time(NULL) - signed_in <= seconds)
		return 0;
	req_problem(r)->slug = "reauthentication-required";
	return req_fail(r, 403, "sign in again (within the last %ld minutes) for this",
	                seconds / 60);
}

void
rest_flow_on(struct req *r, struct db *db, struct flow *f)
{
	*f = (struct flow){.db = db,
	                   .cfg = req_app(r)->cfg,
	                   .who = req_actor(r),
	                   .request_id = req_id(r),
	                   .problem = req_problem(r)};
}
