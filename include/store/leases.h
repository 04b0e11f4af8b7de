/*
 * leases: the scheduler's job rows (migration 0060), one per job, shared by
 * every instance. Taking a job is one UPDATE whose WHERE holds only while
 * the job is due, free of any live lease and past its retry time, so of
 * several instances at once one takes it; the taker renews the lease while
 * it works and gives it back with the run's result. Times are the
 * scheduler's, passed in as Unix seconds (its clock may be a test's), never
 * the database's now(). Functions return 0, or -1 when the database failed;
 * the caller owns no transaction (each statement is its own).
 */
#ifndef RECRUITD_STORE_LEASES_H
#define RECRUITD_STORE_LEASES_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "core/xalloc.h"

struct db;

/*
 * Every job's row (new): [{name, done_slot, lease_owner, lease_until,
 * retry_at, failures, runs, last_owner, last_started_at, last_finished_at,
 * last_result, last_detail}], times as Unix seconds or null, by name.
 */
int leases_list(struct db *db, json_t **rows) WARN_UNUSED;

/*
 * Make job name's row unless it exists, with done_slot (-1: none, so its
 * first slot is due at once).
 */
int leases_seed(struct db *db, const char *name, time_t done_slot) WARN_UNUSED;

/*
 * Take name's lease for owner until now + seconds, if the job is due for
 * slot (its done_slot earlier, or none), past its retry time, and no lease
 * is live at now: *taken tells whether it was.
 */
int leases_take(struct db *db, const char *name, const char *owner, time_t now, time_t slot,
                long seconds, bool *taken) WARN_UNUSED;

/* Renew owner's lease of name until now + seconds; *held false when owner holds it no more. */
int leases_renew(struct db *db, const char *name, const char *owner, time_t now, long seconds,
                 bool *held) WARN_UNUSED;

/*
 * Give owner's lease of name back with the run's end: ok records slot as
 * done; a failure counts one more in a row and sets the retry time (a
 * minute after the first failure, doubling, at most an hour). detail (no
 * personal data, at most 200 bytes kept) says what it did or why it failed.
 * *held false when the lease was no longer owner's (nothing is recorded).
 */
int leases_give_back(struct db *db, const char *name, const char *owner, time_t now, time_t slot,
                     bool ok, const char *detail, bool *held) WARN_UNUSED;

#endif
