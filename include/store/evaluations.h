/*
 * evaluations: a staff member's score (1 to 5) and summary of an
 * application, the summary sealed under the applicant's data key:
 * {id, application_id, score, summary, author, created_at}. The reads and
 * the write take sees_restricted (hr's): without it a restricted record's
 * applications and evaluations are not there. Functions return 0 when
 * done, 1 when there is no such application or evaluation (or its summary
 * does not open: the key is gone), -1 when the database failed (db_failure
 * tells how). Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_EVALUATIONS_H
#define RECRUITD_STORE_EVALUATIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct db;

/*
 * Add one (summary may be NULL), audited as evaluation.create: 0 with the
 * evaluation (new reference).
 */
int evaluations_add(struct db *db, const char *application_id, bool sees_restricted, int score,
                    const char *summary, const char *author, const char *request_id,
                    json_t **out) WARN_UNUSED;

/* The application's evaluations, oldest first (new reference). */
int evaluations_of(struct db *db, const char *application_id, bool sees_restricted,
                   json_t **list) WARN_UNUSED;

/* One evaluation (new reference). */
int evaluations_one(struct db *db, const char *id, bool sees_restricted,
                    json_t **evaluation) WARN_UNUSED;

/*
 * Open the summaries of evaluations another statement built (an object or
 * an array of them, each with "summary_sealed" as bytea text, removed here)
 * of applicant_id, in place: 0, 1 when one does not open, -1.
 */
int evaluations_open(struct db *db, json_t *evals, const char *applicant_id) WARN_UNUSED;

/*
 * The stage-change reasons of history (an array of {..., reason,
 * reason_sealed, key_id}) opened in place, as evaluations_open.
 */
int evaluations_open_reasons(struct db *db, json_t *history, const char *applicant_id) WARN_UNUSED;

/*
 * reason (a stage change's, not NULL) of application_id sealed under its
 * applicant's history key (made now for a record from before them): 0 with
 * key_id and *sealed (bytea text, the caller frees), or -1.
 */
int evaluations_seal_reason(struct db *db, const char *application_id, const char *reason,
                            char key_id[37], char **sealed) WARN_UNUSED;

/* Seal up to batch summaries from before the data keys, as applicants_seal_batch. */
int evaluations_seal_batch(struct db *db, int batch, long *sealed) WARN_UNUSED;

#endif
