/*
 * funnel: the de-identified stage events the funnel is counted from.
 * Each statement is documented where it is defined (server/store/funnel.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_FUNNEL_H
#define RECRUITD_STORE_FUNNEL_H

#include "store/db.h"

/* The funnel of every opening (no parameters), and of one ($1: its id). */
extern struct db_stmt funnel_all, funnel_of;

#endif
