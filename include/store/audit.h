/*
 * audit: reading the append-only audit log.
 * Each statement is documented where it is defined (server/store/audit.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_AUDIT_H
#define RECRUITD_STORE_AUDIT_H

#include "store/db.h"

extern struct db_stmt audit_list_entries;

#endif
