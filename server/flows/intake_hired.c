/*
 * intake_hired: privacy requests about someone hired. See intake_hired.h
 * and intake.h (intake_carry_out_employee). Someone hired is never told
 * "we hold no record", nor answered as if their employee file did not
 * exist because they are on record as an applicant again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonx.h"
#include "domain/privacy.h"
#include "flows/flow.h"
#include "flows/intake.h"
#include "flows/requests.h"
#include "intake_hired.h"
#include "store/applicants.h"
#include "store/employees.h"
#include "store/privacy.h"

int
intake_hired_find(const struct flow *f, const char *applicant, char employee[37])
{
	json_t *record = NULL;
	long version;
	int rc = applicants_current(f->db, applicant, &record, &version);

	if (rc == 0) {
		const char *email = json_string_value(json_object_get(record, "email"));
		rc = email != NULL ? employees_find_contact(f->db, email, employee) : 1;
	}
	json_decref(record);
	return rc < 0 ? flow_fail_db(f) : rc != 0;
}

void
intake_hired_categories(json_t *cats, struct buf *letter, const char *intro)
{
	json_t *held = privacy_employee_categories(), *c;
	size_t i;

	(void)!buf_printf(letter, "%s", intro);
	json_array_foreach(held, i, c)(void) !buf_printf(
	    letter, "\n- %s (kept %s)", json_string_value(json_object_get(c, "category")),
	    json_string_value(json_object_get(c, "retention")));
	json_array_extend(cats, held);
	json_decref(held);
}

/* Why a request about someone hired waits on HR, in the words the person reads. */
static const char *
reason(const char *type, bool applicant_too)
{
	static const struct {
		const char *type, *alone, *both;
	} reasons[] = {
	    {"know_specific",
	     "You were hired: your recruitment record moved into your employee file, which HR "
	     "keeps. HR sends you a copy from it by the due date.",
	     "You were hired, and you are on record as an applicant again: your employee file, "
	     "which HR keeps, and your new recruitment record both hold data about you. HR sends "
	     "you a copy of both by the due date."},
	    {"delete",
	     "You were hired: your recruitment record moved into your employee file, which HR "
	     "keeps. HR answers this request from it by the due date, and tells you what is "
	     "deleted and what employment law makes us keep.",
	     "You were hired, and you are on record as an applicant again: your employee file, "
	     "which HR keeps, and your new recruitment record both hold data about you. HR "
	     "answers this request for both by the due date, and tells you what is deleted and "
	     "what employment law makes us keep. Nothing is deleted until then."},
	    {NULL,
	     "You were hired: your recruitment record moved into your employee file, which HR "
	     "keeps. HR makes the correction there and tells you by the due date.",
	     "You were hired, and you are on record as an applicant again: your employee file, "
	     "which HR keeps, and your new recruitment record both hold data about you. HR makes "
	     "the correction in both and tells you by the due date."}};
	size_t i = 0;

	while (reasons[i].type != NULL && strcmp(reasons[i].type, type) != 0)
		i++;
	return applicant_too ? reasons[i].both : reasons[i].alone;
}

int
intake_hired_to_hr(const struct flow *f, const char *id, const char *type, const char *employee,
                   bool applicant_too)
{
	return privacy_for_employee(f->db, id, employee, reason(type, applicant_too), "for_hr") != 0
	           ? flow_fail_db(f)
	           : 0;
}

int
intake_carry_out_employee(const struct flow *f, const char *id, const char *type,
                          const char *employee)
{
	if (strcmp(type, "know_categories") != 0) /* a copy, a deletion, a correction: HR's */
		return intake_hired_to_hr(f, id, type, employee, false);
	if (privacy_for_employee(f->db, id, employee, NULL, "employee_record") != 0)
		return flow_fail_db(f);
	json_t *cats = json_array();
	struct buf names;
	buf_init(&names, 4096);
	intake_hired_categories(cats, &names,
	                        "You were hired: your recruitment record moved into your "
	                        "employee file, which HR keeps. It holds these categories of "
	                        "data about you:");
	char *text = jsonx_dump(cats), *detail = buf_steal(&names);
	int rc = requests_end(f, &(struct requests_ending){.id = id,
	                                                   .type = "know_categories",
	                                                   .status = "completed",
	                                                   .outcome = "fulfilled",
	                                                   .detail = detail,
	                                                   .categories = text,
	                                                   .actor = "system"});
	free(detail);
	free(text);
	json_decref(cats);
	return rc;
}
