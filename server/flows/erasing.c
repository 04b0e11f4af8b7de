/*
 * erasing: erase or keep. See erasing.h. The deleting itself is
 * store/erasure.c's alone; this module decides, and turns what the store
 * says into problems.
 */
#include <stdio.h>
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

/* A record that changed under the caller's lock: the whole request again. Returns -1. */
static int
retry(const struct flow *f)
{
	f->problem->retry = true;
	return flow_fail(f, 503, NULL, "the database is busy; retry shortly");
}

int
erasing_lock(const struct flow *f, const char *applicant_id)
{
	int rc = privacy_lock_subject(f->db, applicant_id);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? retry(f) : 0;
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
		return rc < 0 ? flow_fail_db(f) : retry(f);
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
	return erased ? 0 : retry(f);
}

int
erasing_restrict(const struct flow *f, const char *applicant_id, long *documents)
{
	int rc = applicants_restrict(f->db, applicant_id, f->request_id, documents);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? retry(f) : 0;
}

int
erasing_purge(const struct flow *f, const char *ids, const char *rules, const char *run_id,
              long *purged)
{
	return erasure_purge(f->db, ids, rules, run_id, f->who->name, f->request_id, purged) == 0
	           ? 0
	           : flow_fail_db(f);
}
