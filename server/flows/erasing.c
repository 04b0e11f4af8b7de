/*
 * erasing: erase or restrict. See erasing.h. The privacy deletion's half:
 * the verdict is domain/retention.h's for a restricted record (only the
 * legal floors count once the person has asked for deletion, never the
 * company's own policies), taken under the applicant's row lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/problem.h"
#include "domain/retention.h"
#include "flows/erasing.h"
#include "flows/flow.h"
#include "store/applicants.h"
#include "store/erasure.h"
#include "store/privacy.h"

/* A transaction that lost a race: the whole request again. Returns -1. */
static int
on_request_retry(const struct flow *f)
{
	f->problem->retry = true;
	return flow_fail(f, 503, NULL, "the database is busy; retry shortly");
}

/* One line of what was done: a category, deleted or restricted, on what basis, until when. */
static json_t *
on_request_item(const char *category, const char *action, const char *basis, const char *delete_at)
{
	return json_pack("{s:s, s:s, s:s, s:s?}", "category", category, "action", action, "basis",
	                 basis, "delete_at", delete_at);
}

/* The record's address, for the suppression list once it is erased: a new string, or NULL. */
static char *
on_request_email(const struct flow *f, const char *applicant)
{
	json_t *record = NULL;
	long version;
	char *email = NULL;

	if (applicants_current(f->db, applicant, &record, &version) == 0)
		email = xstrdup(json_string_value(json_object_get(record, "email")));
	json_decref(record);
	return email;
}

/* Nothing keeps the record: erased, and its address kept off mailing lists. */
static int
on_request_erase(const struct flow *f, const char *applicant, struct erasing_outcome *out)
{
	char *email = on_request_email(f, applicant);
	bool erased = false;
	int rc;

	if (email == NULL)
		return flow_fail_db(f);
	json_array_append_new(out->items, on_request_item("everything held about you", "deleted",
	                                                  "your request", NULL));
	if (erasure_delete(f->db, applicant, NULL, "applicant", f->request_id, &erased) != 0)
		rc = flow_fail_db(f);
	else if (!erased) /* it changed under the lock: never a 500, the request again */
		rc = on_request_retry(f);
	else
		rc = privacy_suppress(f->db, email, "erased") != 0 ? flow_fail_db(f) : 0;
	out->erased = rc == 0;
	explicit_bzero(email, strlen(email));
	free(email);
	return rc;
}

/* A hold or a floor keeps the record: what no floor needs goes, the rest is restricted. */
static int
on_request_restrict(const struct flow *f, const char *applicant, const struct verdict *v,
                    struct erasing_outcome *out)
{
	long docs;

	if (out->held) {
		snprintf(out->basis, sizeof(out->basis), "a legal hold");
	} else {
		time_t t = (time_t)v->expires_at;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(out->until, sizeof(out->until), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(out->basis, sizeof(out->basis), "legal floor %s%s%s (%s)",
		         v->floor ? v->floor->country : "",
		         v->floor && v->floor->region[0] ? "/" : "",
		         v->floor ? v->floor->region : "", v->floor ? v->floor->basis : "");
	}
	static const char *const gone[] = {"marketing consent", "social profiles",
	                                   "documents other than resumes"};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		json_array_append_new(out->items,
		                      on_request_item(gone[i], "deleted", "your request", NULL));
	json_array_append_new(
	    out->items, on_request_item("identifiers and contact details, resumes, applications "
	                                "and their history, evaluations",
	                                "restricted", out->basis, out->held ? NULL : out->until));
	return applicants_restrict(f->db, applicant, f->request_id, &docs) != 0 ? flow_fail_db(f)
	                                                                        : 0;
}

/* The verdict for a record whose owner asked for its deletion: 0, or -1 with the problem set. */
static int
on_request_verdict(const struct flow *f, const char *applicant, struct verdict *v, bool *held,
                   double *now)
{
	struct privacy_retention in = {0};
	long withdrawn;
	int rc;

	if (privacy_withdraw_open(f->db, applicant, f->request_id, &withdrawn) != 0 ||
	    (rc = privacy_retention_of(f->db, applicant, &in)) < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return on_request_retry(f);
	const struct policies *p = retention_policies_cached(in.policies);
	rc = p == NULL ||
	             retention_judge_restricted(p, in.created_at, in.held, in.applications, v) != 0
	         ? flow_fail(f, 503, NULL, "the retention rules could not be read; retry")
	         : 0;
	*held = in.held;
	*now = in.now;
	privacy_retention_fini(&in);
	return rc;
}

int
erasing_on_request(const struct flow *f, const char *applicant, struct erasing_outcome *out)
{
	struct verdict v;
	double now = 0;
	int rc;

	*out = (struct erasing_outcome){.items = json_array()};
	/* the record first, locked: a legal hold set meanwhile waits for this transaction, one
	 * set before is seen here, so the hold and the erasure never race to a failure */
	if ((rc = privacy_lock_subject(f->db, applicant)) != 0)
		return rc < 0 ? flow_fail_db(f) : on_request_retry(f);
	if (on_request_verdict(f, applicant, &v, &out->held, &now) != 0)
		return -1;
	if (!out->held && v.expires_at <= now)
		return on_request_erase(f, applicant, out);
	return on_request_restrict(f, applicant, &v, out);
}

void
erasing_outcome_fini(struct erasing_outcome *o)
{
	json_decref(o->items);
	o->items = NULL;
}
