/*
 * employees: the hire transaction's rows (locks, closing the applications, the employee
 * record with its archive) and the employee archive.
 * Each statement is documented where it is defined (server/store/employees.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_EMPLOYEES_H
#define RECRUITD_STORE_EMPLOYEES_H

#include "store/db.h"

extern struct db_stmt employees_lock_applicant_of;
extern struct db_stmt employees_lock_offer;
extern struct db_stmt employees_hired_before;
extern struct db_stmt employees_number_taken;
extern struct db_stmt employees_close_applications;
/*
 * Every application of applicant_id with its opening, full history and
 * evaluations (summaries opened), as JSON text (free it); NULL when the
 * database failed or a summary does not open.
 */
char *employees_applications(struct db *db, const char *applicant_id) WARN_UNUSED;
extern struct db_stmt employees_insert_employee;
extern struct db_stmt employees_insert_chunk;
extern struct db_stmt employees_get_employee;
extern struct db_stmt employees_read_archive;

#endif
