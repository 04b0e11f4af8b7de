/*
 * flow: what every workflow takes and how it fails. See flow.h. The one place
 * a database failure becomes a problem.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/problem.h"
#include "core/token.h"
#include "flows/flow.h"
#include "store/db.h"
#include "store/erasure.h"

int
flow_fail(const struct flow *f, unsigned status, const char *slug, const char *fmt, ...)
{
	va_list ap;

	f->problem->status = status;
	if (slug != NULL)
		f->problem->slug = slug;
	va_start(ap, fmt);
	vsnprintf(f->problem->detail, sizeof(f->problem->detail), fmt, ap);
	va_end(ap);
	return -1;
}

int
flow_fail_db(const struct flow *f)
{
	switch (db_failure(f->db)) {
	case DB_RETRY:
		f->problem->retry = true;
		return flow_fail(f, 503, NULL, "the database is busy; retry shortly");
	case DB_UNAVAILABLE:
		return flow_fail(f, 503, NULL, "the database is unavailable; retry shortly");
	case DB_UNIQUE:
		return flow_fail(f, 409, NULL, "the request conflicts with a record on file");
	case DB_INVALID:
		return flow_fail(f, 422, NULL, "the database refused a value in the request");
	case DB_TOO_LARGE:
		return flow_fail(f, 413, NULL, "a value in the request is too large to store");
	case DB_REFUSED:
		return flow_fail(f, 409, NULL, "the database refused the change");
	case DB_RESTRICTED:
		if (f->who->role == ROLE_RECRUITER)
			return flow_fail(f, 404, NULL, "no applicant with this id");
		return flow_fail(f, 409, "restricted",
		                 "the record is restricted after an erasure request: it is kept "
		                 "only for what the law requires, and takes no new application, "
		                 "document or evaluation");
	default:
		return flow_fail(f, 500, NULL, "an internal error occurred (request %s)",
		                 f->request_id);
	}
}

int
flow_retry(const struct flow *f)
{
	f->problem->retry = true;
	return flow_fail(f, 503, NULL, "the database is busy; retry shortly");
}

int
flow_fail_fields(const struct flow *f)
{
	if (!problem_has_fields(f->problem))
		return 0;
	return flow_fail(f, 422, NULL, "the request has invalid fields");
}

int
flow_fail_absent(const struct flow *f, const char *applicant_id)
{
	struct tombstone t;
	int rc = erasure_tombstone(f->db, applicant_id, &t);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no applicant with this id");
	/* What the tombstone holds: why and when, never who. */
	problem_extra(f->problem, "disposition", json_string(t.disposition));
	if (*t.employee_id)
		problem_extra(f->problem, "employee_id", json_string(t.employee_id));
	problem_extra(f->problem, strcmp(t.disposition, "purged") == 0 ? "purged_at" : "at",
	              json_string(t.at));
	if (*t.run_id)
		problem_extra(f->problem, "run_id", json_string(t.run_id));
	if (*t.rule)
		problem_extra(f->problem, "rule", json_string(t.rule));
	return flow_fail(f, 410, "applicant-gone",
	                 "this applicant's record is no longer held here (%s)", t.disposition);
}

int
flow_begin(const struct flow *f)
{
	return db_begin(f->db) == 0 ? 0 : flow_fail_db(f);
}

int
flow_commit(const struct flow *f)
{
	return db_exec(f->db, "COMMIT") == 0 ? 0 : flow_fail_db(f);
}

int
flow_rollback(const struct flow *f)
{
	db_rollback(f->db);
	return -1;
}

bool
flow_is_hr(const struct flow *f)
{
	return f->who->role == ROLE_HR;
}

bool
flow_sees_restricted(const struct flow *f)
{
	return f->who->role == ROLE_HR || f->who->role == ROLE_APPLICANT;
}

int
flow_link_paced(const struct flow *f, const char *email,
                int (*step)(const struct flow *, const char *))
{
	long long since = clock_ms();
	int rc = step(f, email);

	clock_pace(since, 40);
	return rc;
}
