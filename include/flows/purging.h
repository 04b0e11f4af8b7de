/*
 * purging: retention's purge runs, one engine for the API, recruitctl and
 * the scheduler. A run walks the applicants in bounded batches,
 * judges each with domain/retention.h, and (not in a dry run) deletes the
 * expired ones that no legal hold keeps, one short transaction per batch.
 * Candidates are locked FOR UPDATE SKIP LOCKED and judged again under the
 * lock, so two purges at once never purge one applicant twice and their
 * reports add up; a purge killed midway leaves no applicant half-deleted,
 * and the next run finishes the work. What remains of a purged applicant
 * is a tombstone {id, purged_at, run_id, rule} and the de-identified stage
 * events. A run also sweeps what else has expired (stale idempotency keys,
 * unconfirmed submissions, codes and tokens, rate windows, old privacy
 * requests, expired exports, unverified requests, address changes), and a
 * real one ends with VACUUM so PostgreSQL can reuse the space. Each
 * function follows flows/flow.h: 0 with its outputs (new references), or
 * -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_PURGING_H
#define RECRUITD_FLOWS_PURGING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;
struct page_of;
struct page_want;

/* How many applicants a run judges (and, in a real run, deletes) per batch. */
#define PURGING_BATCH 500

/*
 * Run a purge on f's connection (outside any transaction; the run commits
 * batch by batch). f's actor and request id go into the audit entries.
 * *report (new): {id, dry_run, status, started_at, finished_at, examined,
 * expired, held, purged, by_rule, applicant_ids, swept}.
 */
int purging_run(const struct flow *f, bool dry_run, json_t **report) WARN_UNUSED;

/*
 * The sweeps alone, for real, without a run of the purge (the scheduler
 * runs them between purges): *counts (new) {idempotency_keys,
 * pending_submissions, ...}, as a run's report's swept.
 */
int purging_sweep(const struct flow *f, json_t **counts) WARN_UNUSED;

/*
 * The scheduler's jobs as they stand (new): [{name, last_result,
 * last_started_at, last_finished_at, failures, last_detail, ...}] (times as
 * Unix seconds or null; store/leases.h), so HR sees a failed scheduled purge.
 */
int purging_schedule(const struct flow *f, json_t **jobs) WARN_UNUSED;

/* The records under a legal hold (HR's retention page): [{id, set_at}]. */
int purging_holds(const struct flow *f, json_t **holds) WARN_UNUSED;

/* A run's report by id; 404 when none. */
int purging_report(const struct flow *f, const char *id, json_t **report) WARN_UNUSED;

/* A page of runs' reports (without applicant_ids and swept), newest first. */
int purging_list(const struct flow *f, const struct page_want *want,
                 struct page_of *out) WARN_UNUSED;

#endif
