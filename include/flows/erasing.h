/*
 * erasing: the one place that decides whether an applicant's record is
 * erased now or kept (restricted, or refused), whichever door the erasure
 * comes through, and that erases it through the one erasure path
 * (store/erasure.h: the row and everything cascading from it deleted, a
 * tombstone without personal data, an audit entry, the applicant's data
 * key queued for destruction in the same statement and destroyed once the
 * transaction commits; the purge and the server's start catch a key left
 * queued by a crash).
 *
 * The doors, and what each calls:
 *   - HR's DELETE /v1/applicants/{id}: erasing_delete. A legal hold refuses
 *     it (409 legal-hold); the legal floors do not (HR decides).
 *   - A privacy request to delete (flows/intake.c), in its transaction:
 *     erasing_on_request, which is erasing_lock; the open applications
 *     withdrawn; erasing_judge, and by its verdict erasing_erase (nothing
 *     keeps the record; its address then suppressed) or erasing_restrict (a
 *     hold, or a legal floor not yet passed, keeps it: what no floor needs
 *     goes now, the rest is hidden from all but HR until the purge); and
 *     the list of what was done, category by category.
 *   - The purge (flows/purging.c) judges its batches with the same rule for
 *     a restricted record (domain/retention.h's retention_judge_restricted)
 *     and erases what is due through erasing_purge.
 *
 * Each function follows flows/flow.h: 0 with its outputs, or -1 with the
 * problem set. Those that say "in the caller's transaction" neither begin
 * nor end one.
 */
#ifndef RECRUITD_FLOWS_ERASING_H
#define RECRUITD_FLOWS_ERASING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;

/*
 * HR's erasure of record id now, at version expect (0: any; else 412 when
 * the record is not at it, changing nothing). 409 legal-hold under a legal
 * hold; 404, or 410 with the tombstone, when there is no such record. One
 * statement: the erasure and its key's queueing commit together.
 */
int erasing_delete(const struct flow *f, const char *id, long expect) WARN_UNUSED;

/*
 * In the caller's transaction: lock record applicant_id first, so that a
 * legal hold set meanwhile waits for the transaction and one set before is
 * seen by erasing_judge. A record gone meanwhile is a retry (503, the
 * request run again).
 */
int erasing_lock(const struct flow *f, const char *applicant_id) WARN_UNUSED;

/* Whether a record asked to be erased can go now, and if not, what keeps it and until when. */
struct erasing_verdict {
	bool erase;   /* nothing keeps it: erasing_erase */
	bool held;    /* a legal hold keeps it (no date) */
	double until; /* else: when the longest legal floor of its applications ends (epoch) */
	char until_text[32]; /* the same as RFC 3339 in UTC; "" under a hold */
	char basis[400];     /* what keeps it: "a legal hold", "legal floor US/CA (law)" */
};

/*
 * In the caller's transaction, the record locked (erasing_lock): judge it
 * by the legal floors and its hold alone (the company's own policies do not
 * keep a record its owner asked to erase): *v. 503 when the retention rules
 * cannot be read.
 */
int erasing_judge(const struct flow *f, const char *applicant_id,
                  struct erasing_verdict *v) WARN_UNUSED;

/*
 * In the caller's transaction: erase record applicant_id now, audited with
 * actor. A record that changed under the lock (gone, or held meanwhile) is
 * a retry (503, the request run again): never a 500.
 */
int erasing_erase(const struct flow *f, const char *applicant_id, const char *actor) WARN_UNUSED;

/*
 * In the caller's transaction: restrict record applicant_id (an erasure
 * held back): marketing consent, social profiles and documents other than
 * resumes deleted now (*documents counts those), the rest hidden from all
 * but HR, taking nothing new. Audited.
 */
int erasing_restrict(const struct flow *f, const char *applicant_id, const char *until,
                     const char *privacy_request, long *documents) WARN_UNUSED;

/*
 * In the caller's transaction: purge a locked batch (ids and rules are
 * PostgreSQL array literals of the same length, uuid[] and text[]) for
 * purge run run_id, audited with the flow's actor (the run's: a staff key's
 * name, or the scheduler's): *purged counts the records erased.
 */
int erasing_purge(const struct flow *f, const char *ids, const char *rules, const char *run_id,
                  long *purged) WARN_UNUSED;

/* What a privacy deletion did. */
struct erasing_outcome {
	bool erased;     /* everything is deleted (else the rest is restricted) */
	bool held;       /* restricted because of a legal hold */
	char until[32];  /* restricted by a floor: when it ends (RFC 3339); "" otherwise */
	char basis[400]; /* restricted: what keeps the rest, in words ("a legal hold", a floor) */
	json_t *items;   /* [{category, action: deleted|restricted, basis, delete_at?}] (owned) */
};

/*
 * In the caller's transaction: a privacy deletion of applicant, asked by
 * the person in privacy request `request` (kept on a restricted record). 0 with *out
 * (erasing_outcome_fini frees it); 503 when the retention rules cannot be read, a retry when the
 * record changed under the lock.
 */
int erasing_on_request(const struct flow *f, const char *applicant, const char *request,
                       struct erasing_outcome *out) WARN_UNUSED;

/* Free an outcome's items (safe on a zeroed one). */
void erasing_outcome_fini(struct erasing_outcome *o);

#endif
