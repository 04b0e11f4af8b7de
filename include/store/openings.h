/*
 * openings: openings, public and staff views.
 * Each statement is documented where it is defined (server/store/openings.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_OPENINGS_H
#define RECRUITD_STORE_OPENINGS_H

#include "store/db.h"

extern struct db_stmt openings_insert_opening;
extern struct db_stmt openings_get_staff;
extern struct db_stmt openings_get_public;
extern struct db_stmt openings_current_opening;
extern struct db_stmt openings_update_opening;
extern struct db_stmt openings_list_staff;
extern struct db_stmt openings_list_public;
extern struct db_stmt openings_open_for_page;

#endif
