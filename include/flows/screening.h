/*
 * screening: applications and their moves through the stages, as staff
 * make them and the applicant withdraws. A move locks the application's
 * row, asks the stage table of the jurisdiction's order
 * (domain/stages.h), checks the background-check rule and the applicant's
 * sharing opt-out when the table says so, and writes the stage, the
 * history entry, the de-identified stage event and the audit entry before
 * committing: of two racing moves from a stage exactly one wins. A
 * restricted record's applications are hr's alone (and the applicant's
 * own): for anyone else they are not there (404). Each function follows
 * flows/flow.h: 0 with its outputs (new references), or -1 with the
 * problem set.
 */
#ifndef RECRUITD_FLOWS_SCREENING_H
#define RECRUITD_FLOWS_SCREENING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"
#include "domain/stages.h"

struct flow;
struct idem;
struct page_of;
struct page_want;

/*
 * Apply applicant_id to an open opening, keyed by k (NULL: none): *app at
 * stage applied, and *replayed when a retry of a keyed create was answered
 * again (the application read as it now stands). self: the applicant's own
 * request; an application on file is 409 already-applied (staff:
 * duplicate-application), with its application_id. 404/410 for an
 * applicant not held, 422 for an opening that is not open.
 */
int screening_apply(const struct flow *f, const char *applicant_id, const char *opening_id,
                    bool self, const struct idem *k, json_t **app, bool *replayed) WARN_UNUSED;

/* One application ({..., version}); 404 when there is none the actor may see. */
int screening_get(const struct flow *f, const char *id, json_t **app) WARN_UNUSED;

/* A page of applications, newest first, filtered by opening and stage (NULL: any). */
int screening_list(const struct flow *f, const char *opening_id, const char *stage,
                   const struct page_want *want, struct page_of *out) WARN_UNUSED;

/*
 * Move application id to stage `to` (reason may be NULL; required for
 * rejected: 422 without). applicant_id, when not NULL, confines the move to
 * that applicant's applications. expect: the version If-Match named (0:
 * none; otherwise 412 when not current). 409 naming both stages for a move
 * the rules refuse (background-check-not-allowed where no rule allows a
 * check). *app as it now stands.
 */
int screening_move(const struct flow *f, const char *id, const char *applicant_id, enum stage to,
                   const char *reason, long expect, json_t **app) WARN_UNUSED;

/*
 * screening_move, and override_reason (NULL: none): moving an applicant who
 * opted out of sharing to background_check is refused with 409
 * sharing-opt-out unless an hr caller gives override_reason, which the
 * history entry keeps (with the reason) and an audit entry
 * (application.sharing_override) records. Which stages lead to
 * background_check and hired is the jurisdiction rule's order
 * (domain/stages.h): after_offer has the check only after the offer.
 */
int screening_move_overriding(const struct flow *f, const char *id, const char *applicant_id,
                              enum stage to, const char *reason, const char *override_reason,
                              long expect, json_t **app) WARN_UNUSED;

/* screening_move in the caller's open transaction (it neither begins nor ends one). */
int screening_move_in(const struct flow *f, const char *id, const char *applicant_id, enum stage to,
                      const char *reason, long expect, json_t **app) WARN_UNUSED;

/* The application's history, oldest first: [{from, to, at, actor, reason}]. */
int screening_history(const struct flow *f, const char *id, json_t **history) WARN_UNUSED;

/*
 * A staff member's evaluation of application id: score 1..5 and summary
 * (may be NULL), audited. *evaluation {id, application_id, score, summary,
 * author, created_at}. 404 for an application the actor may not see; 409
 * restricted for hr on a restricted record (it takes nothing new).
 */
int screening_evaluate(const struct flow *f, const char *id, int score, const char *summary,
                       json_t **evaluation) WARN_UNUSED;

/* The application's evaluations, oldest first (a whole array: never more than a few). */
int screening_evaluations(const struct flow *f, const char *id, json_t **list) WARN_UNUSED;

/* One evaluation by its own id; 404 when there is none the actor may see. */
int screening_evaluation(const struct flow *f, const char *id, json_t **evaluation) WARN_UNUSED;

#endif
