/*
 * applications: an applicant's applications to openings, their moves
 * through the stages and their history. The JSON is built by PostgreSQL:
 * {id, applicant_id, opening_id, stage, created_at, updated_at, closed_at,
 * version}. Reads of one application take sees_restricted (hr's, or the
 * applicant's own): without it a restricted record's applications are not
 * there. Functions return 0 when done, 1 when there is no such row, -1 when
 * the database failed (db_failure tells how). Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_APPLICATIONS_H
#define RECRUITD_STORE_APPLICATIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct db;
struct page_of;
struct page_want;

/*
 * Apply applicant_id to an open opening at stage applied, with its history
 * entry, stage event and audit entry (application.create): 0 with *app
 * (new). 1 when nothing was inserted: applied already, no such applicant,
 * or the opening is not open.
 */
int applications_insert(struct db *db, const char *applicant_id, const char *opening_id,
                        const char *actor, const char *request_id, json_t **app) WARN_UNUSED;

/* The applicant's application to an opening: 0 with its id, 1 when none. */
int applications_existing(struct db *db, const char *applicant_id, const char *opening_id,
                          char id[37]) WARN_UNUSED;

/* One application (new reference). */
int applications_find(struct db *db, const char *id, bool sees_restricted,
                      json_t **app) WARN_UNUSED;

/*
 * A page of applications, newest first, filtered by opening and stage (each
 * NULL for any); restricted records are left out for everyone. 0 or -1.
 */
int applications_page(struct db *db, const char *opening_id, const char *stage,
                      const struct page_want *want, struct page_of *out) WARN_UNUSED;

/* An application locked for a move, and what the move is judged by. */
struct application_lock {
	char stage[24];
	long version;
	char country[3];      /* the opening's; "" when none */
	char region[401];     /* the opening's (up to 100 characters); "" when none */
	bool sharing_opt_out; /* the applicant opted out of sharing (background checks too) */
};

/* How many of opening_id's applications are at each stage: *counts {stage: n}, restricted
 * records left out. */
int applications_stage_counts(struct db *db, const char *opening_id, json_t **counts) WARN_UNUSED;

/*
 * At most limit applications at stage, of opening_id (NULL: of every
 * opening), longest in the stage first, after the keyset (after_at,
 * after_id: updated_at and id; NULL: from the first), restricted records
 * left out: *apps [application], a new array.
 */
int applications_longest(struct db *db, const char *opening_id, const char *stage,
                         const char *after_at, const char *after_id, int limit,
                         json_t **apps) WARN_UNUSED;

/*
 * Lock application id (FOR UPDATE, inside the caller's transaction), when
 * it is applicant_id's (NULL: anyone's): 0 with *out.
 */
int applications_lock(struct db *db, const char *id, const char *applicant_id, bool sees_restricted,
                      struct application_lock *out) WARN_UNUSED;

/*
 * Move a locked application from `from` to `to` (reason may be NULL), with
 * its history entry, stage event and audit entry (application.transition):
 * 0 with *app (new), or -1.
 */
int applications_write_move(struct db *db, const char *id, const char *from, const char *to,
                            const char *reason, const char *actor, const char *request_id,
                            json_t **app) WARN_UNUSED;

/*
 * The audit entry of an hr override of the applicant's sharing opt-out on
 * a move of application id (application.sharing_override; the reason is
 * the history entry's, never the audit's): 0 or -1.
 */
int applications_audit_override(struct db *db, const char *id, const char *actor,
                                const char *request_id) WARN_UNUSED;

/* The application's history, oldest first: [{from, to, at, actor, reason}] (new). */
int applications_find_history(struct db *db, const char *id, bool sees_restricted,
                              json_t **history) WARN_UNUSED;

/*
 * Every application of applicant_id, oldest first, as the one record
 * builder (flows/record.c) takes them: [{id, opening_id, stage, created_at,
 * closed_at, opening: {id, title, department, country, region, location}}],
 * and with full, each one's history [{from, to, at, actor, reason}] and
 * evaluations [{id, score, summary (opened), author, created_at}]. 0 with
 * *apps (new), or -1 (a sealed summary that does not open fails too).
 */
int applications_of(struct db *db, const char *applicant_id, bool full, json_t **apps) WARN_UNUSED;

/*
 * Seal up to batch stage-change reasons stored in plaintext (from before
 * migration 0035) under their applicant's history key, in a transaction
 * that skips rows a request holds, as applicants_seal_batch: 0 or -1.
 */
int applications_seal_reasons_batch(struct db *db, int batch, long *sealed) WARN_UNUSED;

#endif
