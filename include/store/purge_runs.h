/*
 * purge_runs: a purge run's row, from its start to its report, and the policies it judges by.
 * Each statement is documented where it is defined (server/store/purge_runs.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_PURGE_RUNS_H
#define RECRUITD_STORE_PURGE_RUNS_H

#include "store/db.h"

extern struct db_stmt purge_runs_start_run;
extern struct db_stmt purge_runs_load_policies;
extern struct db_stmt purge_runs_finish_run;
extern struct db_stmt purge_runs_get_run;

extern struct db_stmt purge_runs_sweep_idempotency;
extern struct db_stmt purge_runs_claim;
extern struct db_stmt purge_runs_release;
extern struct db_stmt purge_runs_bury_dead;

#endif
