/*
 * erasing: erase or keep. See erasing.h. The deleting itself is
 * store/erasure.c's alone; this module decides, and turns what the store
 * says into problems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/problem.h"
#include "core/token.h"
#include "domain/retention.h"
#include "flows/erasing.h"
#include "flows/flow.h"
#include "store/applicants.h"
#include "store/erasure.h"
#include "store/privacy.h"

/* Why HR's erasure did not happen: the hold, the record gone, or the version. Returns -1. */
static int
not_erased(const struct flow *f, const char *id, long expect)
{
	bool held;
	int rc = applicants_held(f->db, id, &held);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail_absent(f, id);
	if (held)
		return flow_fail(f, 409, "legal-hold",
		                 "the record is under legal hold; lift the hold first");
	return flow_fail(f, 412, NULL, "the record changed since version %ld", expect);
}

int
erasing_delete(const struct flow *f, const char *id, long expect)
{
	char version[24];
	bool erased;

	snprintf(version, sizeof(version), "%ld", expect);
	/* the hold and the version are judged in the statement that erases: no race between */
	if (erasure_delete(f->db, id, expect ? version : NULL, f->who->name, f->request_id,
	                   &erased) != 0)
		return flow_fail_db(f);
	return erased ? 0 : not_erased(f, id, expect);
}

int
erasing_lock(const struct flow *f, const char *applicant_id)
{
	int rc = privacy_lock_subject(f->db, applicant_id);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_retry(f) : 0;
}

/* What keeps a record, in words, from the verdict. */
static void
basis_of(const struct verdict *v, bool held, struct erasing_verdict *out)
{
	if (held) {
		snprintf(out->basis, sizeof(out->basis), "a legal hold");
		return;
	}
	time_t t = (time_t)v->expires_at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out->until_text, sizeof(out->until_text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out->basis, sizeof(out->basis), "legal floor %s%s%s (%s)",
	         v->floor ? v->floor->country : "", v->floor && v->floor->region[0] ? "/" : "",
	         v->floor ? v->floor->region : "", v->floor ? v->floor->basis : "");
}

int
erasing_judge(const struct flow *f, const char *applicant_id, struct erasing_verdict *out)
{
	struct applicant_retention in;
	struct verdict v;
	int rc = applicants_retention_of(f->db, applicant_id, &in);

	if (rc != 0)
		return rc < 0 ? flow_fail_db(f) : flow_retry(f);
	const struct policies *p = retention_policies_cached(in.policies);
	rc = p == NULL || retention_judge_restricted(p, in.created_at, in.held, in.apps, &v) != 0;
	memset(out, 0, sizeof(*out));
	if (rc == 0) {
		out->held = in.held;
		out->erase = !in.held && v.expires_at <= in.now;
		out->until = v.expires_at;
		if (!out->erase)
			basis_of(&v, in.held, out);
	}
	applicants_retention_fini(&in);
	return rc == 0 ? 0
	               : flow_fail(f, 503, NULL, "the retention rules could not be read; retry");
}

int
erasing_erase(const struct flow *f, const char *applicant_id, const char *actor)
{
	bool erased = false;

	if (erasure_delete(f->db, applicant_id, NULL, actor, f->request_id, &erased) != 0)
		return flow_fail_db(f);
	return erased ? 0 : flow_retry(f);
}

int
erasing_restrict(const struct flow *f, const char *applicant_id, const char *until,
                 const char *privacy_request, long *documents)
{
	int rc = applicants_restrict(f->db, applicant_id, f->request_id, until, privacy_request,
	                             documents);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_retry(f) : 0;
}

int
erasing_purge(const struct flow *f, const char *ids, const char *rules, const char *run_id,
              long *purged)
{
	return erasure_purge(f->db, ids, rules, run_id, f->who->name, f->request_id, purged) == 0
	           ? 0
	           : flow_fail_db(f);
}

/* ------------------------------------------------------------------ */
/* a privacy deletion                                                   */

/* One line of what was done: a category, deleted or restricted, on what basis, until when. */
static json_t *
item(const char *category, const char *action, const char *basis, const char *delete_at)
{
	return json_pack("{s:s, s:s, s:s, s:s?}", "category", category, "action", action, "basis",
	                 basis, "delete_at", delete_at);
}

/* Nothing keeps the record: erased, and its address kept off mailing lists. */
static int
erase_asked(const struct flow *f, const char *applicant, struct erasing_outcome *out)
{
	json_t *record = NULL;
	long version;
	char *email = NULL;
	int rc;

	if ((rc = applicants_current(f->db, applicant, &record, &version)) != 0)
		return rc < 0 ? flow_fail_db(f) : flow_retry(f);
	email = xstrdup(json_string_value(json_object_get(record, "email")));
	json_decref(record);
	json_array_append_new(out->items,
	                      item("everything held about you", "deleted", "your request", NULL));
	rc = erasing_erase(f, applicant, "applicant");
	if (rc == 0 && privacy_suppress(f->db, email, "erased") != 0)
		rc = flow_fail_db(f);
	out->erased = rc == 0;
	explicit_bzero(email, strlen(email));
	free(email);
	return rc;
}

/* A hold or a floor keeps the record: what no floor needs goes, the rest is restricted. */
static int
restrict_asked(const struct flow *f, const char *applicant, const char *request,
               const struct erasing_verdict *v, struct erasing_outcome *out)
{
	static const char *const gone[] = {"marketing consent", "social profiles",
	                                   "documents other than resumes"};
	long docs;

	snprintf(out->basis, sizeof(out->basis), "%s", v->basis);
	snprintf(out->until, sizeof(out->until), "%s", v->until_text);
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		json_array_append_new(out->items, item(gone[i], "deleted", "your request", NULL));
	json_array_append_new(
	    out->items, item("identifiers and contact details, resumes, applications and their "
	                     "history, evaluations",
	                     "restricted", out->basis, out->held ? NULL : out->until));
	return erasing_restrict(f, applicant, out->held ? NULL : out->until, request, &docs);
}

int
erasing_on_request(const struct flow *f, const char *applicant, const char *request,
                   struct erasing_outcome *out)
{
	struct erasing_verdict v;
	long withdrawn;

	*out = (struct erasing_outcome){.items = json_array()};
	/* the record first, locked: a legal hold set meanwhile waits for this transaction, one
	 * set before is seen here, so the hold and the erasure never race to a failure */
	if (erasing_lock(f, applicant) != 0)
		return -1;
	if (privacy_withdraw_open(f->db, applicant, f->request_id, &withdrawn) != 0)
		return flow_fail_db(f);
	if (erasing_judge(f, applicant, &v) != 0)
		return -1;
	out->held = v.held;
	return v.erase ? erase_asked(f, applicant, out)
	               : restrict_asked(f, applicant, request, &v, out);
}

void
erasing_outcome_fini(struct erasing_outcome *o)
{
	json_decref(o->items);
	o->items = NULL;
}
