/*
 * retention: the retention policies and the purge runs' reports.
 * Each statement is documented where it is defined (server/store/retention.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_RETENTION_H
#define RECRUITD_STORE_RETENTION_H

#include "store/db.h"

extern struct db_stmt retention_policies_ordered;
extern struct db_stmt retention_clear_policies;
extern struct db_stmt retention_insert_policies;
extern struct db_stmt retention_audit_policies;
extern struct db_stmt retention_list_runs;

#endif
