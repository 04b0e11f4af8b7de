/*
 * intake_hired: privacy requests about someone hired, private to the intake
 * flow's files (intake.c, intake_hired.c): the employee file an address
 * leads to, what it holds, and what goes to HR. The employee file is found
 * by the employee record's keyed address hash (store/employees.h), either
 * for an address no applicant has (intake_carry_out_employee) or for an
 * applicant on record again after the hire (they applied again, or a
 * recruiter entered them): the request then concerns both records.
 */
#ifndef RECRUITD_FLOWS_INTAKE_HIRED_H
#define RECRUITD_FLOWS_INTAKE_HIRED_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct buf;
struct flow;

/*
 * The employee (the latest hire) whose address is applicant's too: 0 with
 * employee, 1 when none (or no record, or no address), -1 with the problem set.
 */
int intake_hired_find(const struct flow *f, const char *applicant, char employee[37]) WARN_UNUSED;

/*
 * What the employee file holds: its categories appended to cats, and
 * to letter intro (a fixed sentence) with a line for each.
 */
void intake_hired_categories(json_t *cats, struct buf *letter, const char *intro);

/*
 * A copy, a deletion or a correction (type) about someone hired: left in
 * progress for HR, request id naming employee and saying why (an applicant
 * record too when applicant_too). 0, or -1 with the problem set.
 */
int intake_hired_to_hr(const struct flow *f, const char *id, const char *type, const char *employee,
                       bool applicant_too) WARN_UNUSED;

#endif
