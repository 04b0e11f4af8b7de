/*
 * health: whether the database answers.
 * Each statement is documented where it is defined (server/store/health.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_HEALTH_H
#define RECRUITD_STORE_HEALTH_H

#include "store/db.h"

extern struct db_stmt health_ping;

#endif
