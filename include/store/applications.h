/*
 * applications: applications, their moves and their history.
 * Each statement is documented where it is defined (server/store/applications.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_APPLICATIONS_H
#define RECRUITD_STORE_APPLICATIONS_H

#include "store/db.h"

extern struct db_stmt applications_insert_app;
extern struct db_stmt applications_find_for;
extern struct db_stmt applications_get_app;
extern struct db_stmt applications_list_apps;
extern struct db_stmt applications_lock_app;
extern struct db_stmt applications_find_rule;
extern struct db_stmt applications_write_move;
extern struct db_stmt applications_history_json;
extern struct db_stmt applications_my_applications;

/* Withdraw every open application of an applicant ($1), audited with request id $2: the count. */
extern struct db_stmt applications_withdraw_open;

/* Whether an application's ($1; or an evaluation's, $2 true) applicant is restricted: one boolean.
 */
extern struct db_stmt applications_owner_restricted;

#endif
