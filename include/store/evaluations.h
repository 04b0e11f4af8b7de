/*
 * evaluations: evaluations of an application.
 * Each statement is documented where it is defined (server/store/evaluations.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_EVALUATIONS_H
#define RECRUITD_STORE_EVALUATIONS_H

#include "store/db.h"

extern struct db_stmt evaluations_insert_eval;
extern struct db_stmt evaluations_list_evals;
extern struct db_stmt evaluations_get_eval;

#endif
