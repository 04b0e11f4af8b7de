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

/* The legal floors: [{country, region, retain_days, basis}] as JSON text, and the set's version. */
extern struct db_stmt retention_floors_ordered;
/* Replace the floors: clear, then insert from a JSON array ($1). */
extern struct db_stmt retention_clear_floors;
extern struct db_stmt retention_insert_floors;
/* The audit entry of a floors PUT: actor ($1), how many ($2), request id ($3). */
extern struct db_stmt retention_audit_floors;

#endif
