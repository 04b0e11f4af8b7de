/*
 * bgcheck: the background-check rules by jurisdiction.
 * Each statement is documented where it is defined (server/store/bgcheck.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_BGCHECK_H
#define RECRUITD_STORE_BGCHECK_H

#include "store/db.h"

extern struct db_stmt bgcheck_list_rules;
extern struct db_stmt bgcheck_get_rule;
extern struct db_stmt bgcheck_delete_rule;
extern struct db_stmt bgcheck_upsert_rule;

#endif
