/*
 * hiring: a hire, and the employee's reads. See hiring.h. Every failure
 * after the transaction began rolls it back here, so nothing of a failed
 * hire stays.
 */
#include <stdio.h>
#include <string.h>

#include "core/digest.h"
#include "core/problem.h"
#include "core/token.h"
#include "domain/stages.h"
#include "flows/flow.h"
#include "flows/hiring.h"
#include "flows/hiring_archive.h"
#include "flows/idempotency.h"
#include "store/applicants.h"
#include "store/bgcheck.h"
#include "store/employees.h"
#include "store/erasure.h"

#define NO_EMPLOYEE "no employee with this id"

/* What a hire makes, as it is made. */
struct hire {
	const char *application_id, *start_date, *employee_number;
	struct hire_lock at; /* the locked application: stage, applicant, time */
	char employee_id[37];
	size_t archive_len;
	char sha[2 * SHA256_LEN + 1];
};

static json_t *
answer(const char *employee_id, const char *applicant_id, const char *hired_at, size_t size,
       const char *sha)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:I, s:s}}", "employee_id", employee_id,
	                 "applicant_id", applicant_id, "hired_at", hired_at, "archive", "format",
	                 "tar.gz", "size", (json_int_t)size, "sha256", sha);
}

/* A retried keyed hire: what the first one answered, read again from the employee it made. */
static int
replay(const struct flow *f, const char *employee_id, json_t **hire)
{
	json_t *e;

	if (hiring_employee(f, employee_id, &e) != 0)
		return -1;
	*hire = json_pack("{s:O, s:O, s:O, s:O}", "employee_id", json_object_get(e, "id"),
	                  "applicant_id", json_object_get(e, "applicant_id"), "hired_at",
	                  json_object_get(e, "hired_at"), "archive", json_object_get(e, "archive"));
	json_decref(e);
	return 0;
}

/* No application by that id: hired already (409), or never there (404). */
static int
fail_absent(const struct flow *f, const char *application_id)
{
	char employee_id[37];
	int rc = employees_hired_as(f->db, application_id, employee_id);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no application with this id");
	problem_extra(f->problem, "employee_id", json_string(employee_id));
	return flow_fail(
	    f, 409, "already-hired",
	    "this application was hired already; the record is in the employee archive");
}

/*
 * Whether the stage tables let a hire start from the locked stage, under
 * the order of the opening's background-check rule (after_offer: from
 * background_check too). 1 yes, 0 no, -1 with the problem set.
 */
static int
may_hire_from(const struct flow *f, const struct hire *h, enum stage_order *order)
{
	enum stage from = (enum stage)stage_parse(h->at.stage);
	struct bgcheck_verdict v = {.order = ORDER_BEFORE_OFFER};

	if (stage_needs_rule(from, ST_HIRED) &&
	    bgcheck_verdict(f->db, h->at.country, h->at.region, &v) < 0)
		return flow_fail_db(f);
	*order = v.order;
	return stage_move(v.order, from, ST_HIRED) == MOVE_HIRE;
}

/*
 * Step 1's judgement: at offer (or, where checks come after the offer, at
 * background_check), and the employee number free. 0, or -1 with the
 * problem set.
 */
static int
check_hire(const struct flow *f, const struct hire *h)
{
	enum stage_order order = ORDER_BEFORE_OFFER;
	bool taken;
	int may = may_hire_from(f, h, &order);

	if (may < 0)
		return -1;
	if (may == 0) {
		problem_extra(f->problem, "from", json_string(h->at.stage));
		problem_extra(f->problem, "to", json_string("hired"));
		return flow_fail(
		    f, 409,
		    strcmp(h->at.stage, "hired") == 0 ? "already-hired" : "invalid-transition",
		    "cannot move from %s to hired: a hire needs the offer stage%s", h->at.stage,
		    order == ORDER_AFTER_OFFER ? " or the background check after it" : "");
	}
	if (employees_number_taken(f->db, h->employee_number, &taken) != 0)
		return flow_fail_db(f);
	if (!taken)
		return 0;
	problem_field(f->problem, "employee_number", "belongs to another employee");
	return flow_fail(f, 409, "employee-number-taken", "this employee number is in use");
}

/*
 * The keyed hash of the hired person's address on the employee row, before
 * the record goes: a privacy request from that address is then answered
 * from the archive, never with "we hold no record". 0 or -1.
 */
static int
remember_contact(const struct flow *f, const struct hire *h)
{
	json_t *record = NULL;
	long version;
	int rc = applicants_current(f->db, h->at.applicant_id, &record, &version);
	const char *email = rc == 0 ? json_string_value(json_object_get(record, "email")) : NULL;

	if (rc == 0 && email != NULL)
		rc = employees_set_contact(f->db, h->employee_id, email);
	json_decref(record);
	return rc < 0 ? -1 : 0;
}

/* Steps 2 to 4, once the application is locked at offer: 0, or -1 with the problem set. */
static int
transfer(const struct flow *f, struct hire *h)
{
	struct hiring_archive_in in = {h->employee_id, h->at.applicant_id, h->at.hired_at,
	                               (time_t)h->at.mtime};
	bool transferred = false;

	/* the applicant's row is locked already (employees_lock_offer took it first) */
	if (employees_close_applications(f->db, h->application_id, h->at.applicant_id, f->who->name,
	                                 f->request_id) != 0)
		return flow_fail_db(f);
	if (hiring_archive_build(f, &in, &h->archive_len, h->sha) != 0)
		return -1;
	struct employee_row e = {h->employee_id,
	                         h->employee_number,
	                         h->at.applicant_id,
	                         h->application_id,
	                         h->start_date,
	                         h->archive_len,
	                         h->sha};
	/*
	 * The record leaves recruitment through store/erasure.c, the one module
	 * that deletes an applicant: its tombstone names the employee.
	 */
	if (employees_insert(f->db, &e) != 0 || remember_contact(f, h) != 0 ||
	    erasure_transfer(f->db, h->at.applicant_id, h->employee_id, f->who->name, f->request_id,
	                     &transferred) != 0)
		return flow_fail_db(f);
	if (!transferred) /* the record was not there to remove: nothing of the hire stays */
		return flow_fail(f, 409, NULL,
		                 "the applicant's record could not be removed; nothing changed");
	return 0;
}

/* Steps 1 to 4 in the open transaction: 0, or -1 with the problem set (not rolled back yet). */
static int
hire_locked(const struct flow *f, struct hire *h)
{
	int rc;

	if (uuid_v4(h->employee_id) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	if ((rc = employees_lock_offer(f->db, h->application_id, &h->at)) != 0)
		return rc < 0 ? flow_fail_db(f) : fail_absent(f, h->application_id);
	if (check_hire(f, h) != 0)
		return -1;
	return transfer(f, h);
}

int
hiring_hire(const struct flow *f, const char *application_id, const char *start_date,
            const char *employee_number, const struct idem *k, json_t **hire, bool *replayed)
{
	struct hire h = {.application_id = application_id,
	                 .start_date = start_date,
	                 .employee_number = employee_number};
	struct idem_answer first;
	char location[80];
	int rc;

	*replayed = false;
	/* the key first: a twin in flight waits, then finds the answer */
	if ((rc = idem_begin(f, k, &first)) != 0) {
		if (rc < 0)
			return -1;
		*replayed = true;
		return replay(f, first.resource_id, hire);
	}
	if (hire_locked(f, &h) != 0)
		return flow_rollback(f);
	/* with an Idempotency-Key the answer is kept (the employee's id), in the same transaction
	 */
	snprintf(location, sizeof(location), "/v1/employees/%s", h.employee_id);
	if (idem_commit(f, k, 201, h.employee_id, location) != 0)
		return -1;
	*hire = answer(h.employee_id, h.at.applicant_id, h.at.hired_at, h.archive_len, h.sha);
	return 0;
}

int
hiring_employee(const struct flow *f, const char *id, json_t **employee)
{
	int rc = employees_find(f->db, id, employee);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_EMPLOYEE) : 0;
}

int
hiring_download(const struct flow *f, const char *id, struct hiring_archive *out)
{
	struct employee_archive a;
	int rc = employees_archive_read(f->db, id, f->who->name, f->request_id, &a);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, NO_EMPLOYEE);
	*out = (struct hiring_archive){a.employee_number, a.sha256, a.bytes, a.len,
	                               a.release,         a.owner};
	return 0;
}
