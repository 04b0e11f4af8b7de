/*
 * health: whether the database answers. Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_HEALTH_H
#define RECRUITD_STORE_HEALTH_H

#include "core/xalloc.h"

struct db;

/* One round trip on db: 0 when the database answered, -1 (db_failure tells how). */
int health_check(struct db *db) WARN_UNUSED;

#endif
