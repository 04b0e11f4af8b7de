/*
 * idempotency: stored first responses of keyed creates.
 * Each statement is documented where it is defined (server/store/idempotency.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_IDEMPOTENCY_H
#define RECRUITD_STORE_IDEMPOTENCY_H

#include "store/db.h"

extern struct db_stmt idempotency_find_stored;
extern struct db_stmt idempotency_store;
extern struct db_stmt idempotency_lock;
extern struct db_stmt idempotency_expire;

#endif
