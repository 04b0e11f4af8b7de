/*
 * verifying: the e-mailed link's verification of a privacy request. See
 * verifying.h. Whoever holds the code reads mail at the address; what the
 * answer tells is the same whether or not a record has it, until the link
 * has proven control of the address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "domain/privacy.h"
#include "flows/flow.h"
#include "flows/intake.h"
#include "flows/requests.h"
#include "flows/verifying.h"
#include "store/applicants.h"
#include "store/employees.h"
#include "store/privacy.h"

#define NO_SUCH_CODE "no request awaits this code: it was used, or it expired after 72 hours"

/* The request a code belongs to, locked: its id, type and address (new string). */
struct pending_request {
	char id[37], type[32];
	char *email;
};

/* The unexpired code's request, locked for the transaction: 0, or 404 (the same for any code). */
static int
take_code(const struct flow *f, const char *code_sha256, struct pending_request *q)
{
	int rc = privacy_code_take(f->db, code_sha256, q->id, q->type, &q->email);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_SUCH_CODE) : 0;
}

/*
 * What the answer must carry for a request of this type, checked once the
 * code has told the type and before anything counts: 0, or -1 with a 422.
 */
static int
check_for_type(const struct flow *f, const struct verifying_answer *a, const char *type)
{
	/* a copy of the data needs the declaration signed under penalty of perjury */
	if (privacy_needs_data_points(type) && a->signed_name == NULL)
		problem_field(f->problem, "declaration",
		              "is required for a copy of your data: {signed_name, accepted: true}");
	if (a->corrections != NULL && strcmp(type, "correct") != 0)
		problem_field(f->problem, "corrections", "is only for a correct request");
	return flow_fail_fields(f);
}

/* The request's type needs the link only: verified, and carried out. */
static int
by_link(const struct flow *f, const struct verifying_answer *a, const char *id, const char *type,
        const char *applicant)
{
	json_t *now = NULL;
	int rc = 0;

	/* the corrections a correct request's owner gave on the page, once the link proved them */
	if (a->corrections != NULL) {
		char *text = jsonx_dump(a->corrections);
		rc = privacy_set_corrections(f->db, id, text);
		free(text);
	}
	if (rc != 0 || privacy_verified(f->db, id, applicant, "link", 0, NULL) != 0 ||
	    privacy_get(f->db, id, NULL, &now) != 0)
		rc = flow_fail_db(f);
	else
		rc = intake_carry_out(f, id, type, applicant, json_object_get(now, "corrections"));
	json_decref(now);
	return rc;
}

/* know_specific: how many of the two data points match the record (0 to 2), or -1. */
static int
data_points(const struct flow *f, const struct verifying_answer *a, const char *applicant)
{
	char country[3] = "";
	json_t *record = NULL;
	long version;
	int rc;

	if ((rc = applicants_current(f->db, applicant, &record, &version)) != 0 ||
	    (rc = privacy_subject_country(f->db, applicant, country)) < 0) {
		json_decref(record);
		return rc < 0 ? flow_fail_db(f) : flow_retry(f);
	}
	int n = privacy_same_name(a->full_name,
	                          json_string_value(json_object_get(record, "full_name"))) +
	        privacy_same_phone(a->phone, json_string_value(json_object_get(record, "phone")),
	                           country[0] ? country : NULL);
	json_decref(record);
	return n;
}

/* A wrong try at the data points: counted, and the third denies the request. */
static int
failed_try(const struct flow *f, const char *id, const char *type, const char *applicant)
{
	int tries;

	if (privacy_failed_try(f->db, id, &tries) != 0)
		return flow_fail_db(f);
	if (tries < PRIVACY_MAX_TRIES)
		return 0;
	struct requests_ending e = {
	    .id = id,
	    .type = type,
	    .applicant = applicant,
	    .status = "denied",
	    .outcome = "denied",
	    .detail = "The request could not be verified: the details given did not match our "
	              "record three times.",
	    .actor = "system"};
	return requests_end(f, &e);
}

/* know_specific: the data points and the declaration, three tries. */
static int
by_data_points(const struct flow *f, const struct verifying_answer *a, const char *id,
               const char *type, const char *applicant)
{
	int matched = data_points(f, a, applicant);

	if (matched < 0)
		return -1;
	if (matched < 2 || a->signed_name == NULL)
		return failed_try(f, id, type, applicant);
	if (privacy_verified(f->db, id, applicant, "link_and_data_points", matched,
	                     a->signed_name) != 0)
		return flow_fail_db(f);
	return intake_carry_out(f, id, type, applicant, NULL);
}

/*
 * No applicant has the address: someone hired since (their record is in the
 * employee archive), or nobody at all (no_record). Verified by the link
 * either way.
 */
static int
not_an_applicant(const struct flow *f, const struct pending_request *q)
{
	char employee[37];
	int rc = employees_find_contact(f->db, q->email, employee);

	if (rc < 0 || privacy_verified(f->db, q->id, NULL, "link", 0, NULL) != 0)
		return flow_fail_db(f);
	if (rc == 0)
		return intake_carry_out_employee(f, q->id, q->type, employee);
	return requests_end(f, &(struct requests_ending){.id = q->id,
	                                                 .type = q->type,
	                                                 .status = "completed",
	                                                 .outcome = "no_record",
	                                                 .actor = "system"});
}

/* In the open transaction: the code's request verified (or a try counted). 0 with its id. */
static int
verify(const struct flow *f, const char *code_sha256, const struct verifying_answer *a, char id[37])
{
	struct pending_request q = {0};
	char applicant[37];
	int rc;

	if (take_code(f, code_sha256, &q) != 0)
		return -1;
	snprintf(id, 37, "%s", q.id);
	/* before the record is looked for: the same answer whether there is one or not */
	if (check_for_type(f, a, q.type) != 0)
		rc = -1;
	else if ((rc = applicants_find_mailbox(f->db, q.email, applicant)) < 0)
		rc = flow_fail_db(f);
	else if (rc > 0) /* told only to whoever proved control of the address */
		rc = not_an_applicant(f, &q);
	else if (!privacy_needs_data_points(q.type))
		rc = by_link(f, a, q.id, q.type, applicant);
	else
		rc = by_data_points(f, a, q.id, q.type, applicant);
	free(q.email);
	return rc;
}

int
verifying_verify(const struct flow *f, const char *code_sha256, const struct verifying_answer *a,
                 json_t **request)
{
	char id[37];
	int rc;

	if (flow_begin(f) != 0)
		return -1;
	if (verify(f, code_sha256, a, id) != 0 || flow_commit(f) != 0)
		return flow_rollback(f);
	/* the code's holder sees the request they verified, whoever they are */
	if ((rc = privacy_get(f->db, id, NULL, request)) < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no privacy request with this id") : 0;
}

/* For a correction: the record's contact details as they stand (new), or JSON null. */
static json_t *
current_contact(const struct flow *f, const struct pending_request *q, int *rc)
{
	static const char *const shown[] = {"full_name", "email", "phone", "address", NULL};
	char applicant[37];
	json_t *record = NULL, *current;
	long version;

	*rc = 0;
	if (strcmp(q->type, "correct") != 0 ||
	    (*rc = applicants_find_mailbox(f->db, q->email, applicant)) != 0 ||
	    (*rc = applicants_current(f->db, applicant, &record, &version)) != 0)
		return json_null();
	current = json_object();
	for (const char *const *k = shown; *k; k++)
		json_object_set(current, *k, json_object_get(record, *k));
	json_decref(record);
	return current;
}

/*
 * In the open transaction, read only. Whoever holds the code reads mail at
 * the address, and could sign in to the same view on /me; a copy of the
 * data still needs its data points, so nothing of the record is shown for
 * one.
 */
static int
preview(const struct flow *f, const char *code_sha256, json_t **out)
{
	struct pending_request q = {0};
	json_t *request = NULL;
	int rc;

	if (take_code(f, code_sha256, &q) != 0)
		return -1;
	json_t *current = current_contact(f, &q, &rc);
	free(q.email);
	if (rc < 0 || privacy_get(f->db, q.id, NULL, &request) != 0) {
		json_decref(current);
		return flow_fail_db(f);
	}
	*out = json_pack("{s:s, s:s, s:o, s:O}", "id", q.id, "type", q.type, "current", current,
	                 "corrections", json_object_get(request, "corrections"));
	json_decref(request);
	return 0;
}

int
verifying_preview(const struct flow *f, const char *code_sha256, json_t **out)
{
	if (flow_begin(f) != 0)
		return -1;
	int rc = preview(f, code_sha256, out);
	flow_rollback(f); /* read only: the code stays usable */
	return rc;
}
