/*
 * purge: the retention engine, one for the API and for recruitctl. It walks
 * the applicants in bounded batches, judges each with retention.c, and (not
 * in a dry run) deletes the expired ones that no legal hold keeps, one
 * short transaction per batch. Candidates are locked FOR UPDATE SKIP LOCKED
 * and judged again under the lock, so two purges at once never purge one
 * applicant twice and their reports add up; a purge killed midway leaves no
 * applicant half-deleted, and the next run finishes the work. What remains
 * of a purged applicant is a tombstone {id, purged_at, run_id, rule} and
 * the de-identified stage events. A real run ends with VACUUM so PostgreSQL
 * can reuse the space.
 */
#ifndef RECRUITD_PURGE_H
#define RECRUITD_PURGE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct db;

#define PURGE_BATCH 500

/*
 * Run a purge on db (a connection of the caller's, outside any
 * transaction). actor and request_id go into the audit entries. Returns the
 * report (new reference: {id, dry_run, status, started_at, finished_at,
 * examined, expired, held, purged, by_rule, applicant_ids}), or NULL when
 * the database failed (db_failure tells how).
 */
json_t *purge_run(struct db *db, bool dry_run, const char *actor,
                  const char *request_id) WARN_UNUSED;

/* A stored report by run id (new reference), NULL when none (or failure: see db_failure). */
json_t *purge_report(struct db *db, const char *id) WARN_UNUSED;

#endif
