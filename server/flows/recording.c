/*
 * recording: an applicant's record created, read, listed and held. See
 * recording.h; changes are recording_change.c's, the applicant's own page
 * recording_self.c's. The store writes each audit entry in the same
 * statement as what it records.
 */
#include <stdio.h>

#include "core/page.h"
#include "core/token.h"
#include "domain/profile.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "flows/recording.h"
#include "recording_rules.h"
#include "store/applicants.h"

int
recording_read(const struct flow *f, const char *id, json_t **record, long *version)
{
	int rc =
	    applicants_read(f->db, id, flow_is_hr(f), f->who->name, f->request_id, record, version);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail_absent(f, id);
	*record = recording_rules_view(f, *record);
	return 0;
}

/*
 * Insert row (normalised) in the keyed create's open transaction and
 * commit with its answer kept: 0, or -1 with the problem set (rolled back).
 */
static int
insert(const struct flow *f, const struct idem *k, const json_t *row, json_t **record,
       long *version)
{
	const char *email = json_string_value(json_object_get(row, "email"));
	char location[80];
	int rc = applicants_insert(f->db, row, f->who->name, f->request_id, record, version);

	if (rc != 0) {
		/* judged before the rollback, which would forget the failure */
		bool duplicate = rc == 2 || recording_rules_is_duplicate(f);
		if (!duplicate)
			flow_fail_db(f);
		flow_rollback(f);
		return duplicate ? recording_rules_duplicate(f, email) : -1;
	}
	const char *id = json_string_value(json_object_get(*record, "id"));
	snprintf(location, sizeof(location), "/v1/applicants/%s", id);
	if (idem_commit(f, k, 201, id, location) != 0) {
		json_decref(*record);
		*record = NULL;
		return -1;
	}
	*record = recording_rules_view(f, *record);
	return 0;
}

int
recording_create(const struct flow *f, const json_t *doc, const struct idem *k, json_t **record,
                 long *version, bool *replayed)
{
	struct idem_answer first;
	int rc;

	*replayed = false;
	if ((rc = idem_begin(f, k, &first)) != 0) {
		if (rc < 0)
			return -1;
		*replayed = true; /* what it made, read again (audited) as it now stands */
		return recording_read(f, first.resource_id, record, version);
	}
	if (recording_rules_opted_out(f, doc) != 0 || recording_rules_erased(f, doc) != 0)
		return flow_rollback(f);
	json_t *row = json_deep_copy(doc);
	profile_normalize(row);
	rc = insert(f, k, row, record, version);
	json_decref(row);
	return rc;
}

int
recording_list(const struct flow *f, const struct recording_query *q, const struct page_want *want,
               struct page_of *out)
{
	/* DESIGN: a restricted record is left out of every list and search, HR's too */
	struct applicant_query aq = {
	    .q = q->q, .opening = q->opening, .stage = q->stage, .with_restricted = false};

	return applicants_page(f->db, &aq, want, out) == 0 ? 0 : flow_fail_db(f);
}

int
recording_hold_set(const struct flow *f, const char *id, const char *reason, json_t **hold,
                   long *version)
{
	int rc =
	    applicants_hold_write(f->db, id, reason, f->who->name, f->request_id, hold, version);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail_absent(f, id) : 0;
}

int
recording_hold_lift(const struct flow *f, const char *id)
{
	int rc = applicants_hold_clear(f->db, id, f->who->name, f->request_id);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 0)
		return 0;
	/* No hold to lift: done already, as long as the record is here. */
	if ((rc = applicants_exists(f->db, id)) < 0)
		return flow_fail_db(f);
	return rc == 0 ? 0 : flow_fail_absent(f, id);
}
