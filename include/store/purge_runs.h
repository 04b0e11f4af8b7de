/*
 * purge_runs: a purge run's row, from its start to its report, the rules it
 * judges by, the sweep of stale idempotency keys, and the space a real run
 * gives back. A report is {id, dry_run, status, started_at, finished_at,
 * examined, expired, held, purged, by_rule, applicant_ids, swept}.
 * Functions return 0 when done, 1 when there is no such run, -1 when the
 * database failed (db_failure tells how). Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_PURGE_RUNS_H
#define RECRUITD_STORE_PURGE_RUNS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct db;
struct page_of;
struct page_want;

/* Record run id as started (status running) by actor. */
int purge_runs_start(struct db *db, const char *id, bool dry_run, const char *actor) WARN_UNUSED;

/*
 * Hold run id's session-level advisory lock while it works (claim), and
 * let it go (release): a run whose process died holds none, and the next
 * run marks it failed (purge_runs_bury_dead).
 */
int purge_runs_claim(struct db *db, const char *id) WARN_UNUSED;
int purge_runs_release(struct db *db, const char *id) WARN_UNUSED;

/* Mark failed every other running run whose lock is free (its process died). */
int purge_runs_bury_dead(struct db *db, const char *id) WARN_UNUSED;

/*
 * The policies and floors a run judges by, as one JSON array (*rules,
 * new: domain/retention.h parses it), and the database's clock now
 * (seconds since the epoch).
 */
int purge_runs_rules(struct db *db, json_t **rules, double *now) WARN_UNUSED;

/* What a run found and did. */
struct purge_counts {
	long examined, expired, held, purged;
};

/* End run id with status ("finished", "failed"), its counts and its JSON members (borrowed). */
int purge_runs_finish(struct db *db, const char *id, const char *status,
                      const struct purge_counts *c, const json_t *by_rule,
                      const json_t *applicant_ids, const json_t *swept) WARN_UNUSED;

/* Stored idempotency answers older than 24 hours: counted (dry), else deleted; *n how many. */
int purge_runs_sweep_keys(struct db *db, bool dry_run, long *n) WARN_UNUSED;

/* A run's report (new reference). */
int purge_runs_report(struct db *db, const char *id, json_t **report) WARN_UNUSED;

/* A page of reports (without applicant_ids and swept), newest first: 0 or -1. */
int purge_runs_page(struct db *db, const struct page_want *want, struct page_of *out) WARN_UNUSED;

/*
 * Let PostgreSQL reuse the space a real run's deleted rows held (outside
 * any transaction). A failure is logged (by SQLSTATE) and otherwise
 * ignored: the space is reused by the next VACUUM anyway.
 */
void purge_runs_reclaim(struct db *db);

#endif
