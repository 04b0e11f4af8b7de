/*
 * posting: openings. See posting.h. Openings hold no personal data: nothing
 * here is audited.
 */
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/page.h"
#include "core/token.h"
#include "domain/opening.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "flows/posting.h"
#include "store/openings.h"

#define CHANGE_ATTEMPTS 5

static bool
is_staff(const struct flow *f)
{
	return f->who->role == ROLE_RECRUITER || f->who->role == ROLE_HR;
}

int
posting_get(const struct flow *f, const char *id, json_t **opening)
{
	int rc = openings_find(f->db, id, is_staff(f), opening);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no opening with this id") : 0;
}

int
posting_create(const struct flow *f, const json_t *doc, const struct idem *k, json_t **opening,
               bool *replayed)
{
	struct idem_answer first;
	struct opening_fields o;
	char location[80];
	int rc;

	*replayed = false;
	if ((rc = idem_begin(f, k, &first)) != 0) {
		if (rc < 0)
			return -1;
		*replayed = true;
		return posting_get(f, first.resource_id, opening);
	}
	opening_fields_of(doc, &o);
	if (openings_insert(f->db, &o, opening) != 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	const char *id = json_string_value(json_object_get(*opening, "id"));
	snprintf(location, sizeof(location), "/v1/openings/%s", id);
	if (idem_commit(f, k, 201, id, location) != 0) {
		json_decref(*opening);
		*opening = NULL;
		return -1;
	}
	return 0;
}

/* One attempt: 0 done, 1 lost a race without an expected version (try again), -1 problem. */
static int
change_once(const struct flow *f, const char *id, const json_t *patch, long expect,
            json_t **opening)
{
	struct opening_fields o;
	json_t *cur;
	long have;
	int rc = openings_current(f->db, id, &cur, &have);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no opening with this id");
	json_t *doc = jsonx_merge_patch(cur, patch);
	if (expect != 0 && expect != have)
		rc = flow_fail(f, 412, NULL,
		               "the opening changed since version %ld; it is at version %ld",
		               expect, have);
	else if (!opening_validate(doc, f->problem))
		rc = flow_fail_fields(f);
	else {
		opening_fields_of(doc, &o);
		rc = openings_update(f->db, id, have, &o, opening);
		if (rc < 0)
			rc = flow_fail_db(f);
		else if (rc > 0 && expect != 0)
			rc = flow_fail(f, 412, NULL, "the opening changed meanwhile");
	}
	json_decref(doc);
	return rc;
}

int
posting_change(const struct flow *f, const char *id, const json_t *patch, long expect,
               json_t **opening)
{
	int rc = 1;

	for (int attempt = 0; rc == 1 && attempt < CHANGE_ATTEMPTS; attempt++)
		rc = change_once(f, id, patch, expect, opening);
	return rc == 1 ? flow_fail(f, 503, NULL, "the opening is changing too fast; retry") : rc;
}

int
posting_list(const struct flow *f, const char *status, const struct page_want *want,
             struct page_of *out)
{
	return openings_page(f->db, is_staff(f), status, want, out) == 0 ? 0 : flow_fail_db(f);
}

int
posting_page(const struct flow *f, const char *id, json_t **opening)
{
	int rc = openings_find_page(f->db, id, opening);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no opening with this id");
	if (strcmp(json_string_value(json_object_get(*opening, "status")), "open") == 0)
		return 0;
	json_decref(*opening);
	*opening = NULL;
	return flow_fail(f, 410, NULL, "this position is closed");
}

int
posting_open_list(const struct flow *f, json_t **list)
{
	return openings_open_list(f->db, list) == 0 ? 0 : flow_fail_db(f);
}
