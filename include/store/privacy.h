/*
 * privacy: the privacy-request log, its events, the e-mailed verification
 * codes, the address a request waits on while open, and the suppression
 * list. A request answers as JSON in DESIGN's shape. The log keeps no
 * personal data beyond the masked address and the applicant id (the address
 * itself goes when the request ends). Besides the log, what a request
 * needs of the record it concerns: holdings, retention's pieces, the
 * subject's row lock, the withdrawal of open applications. Who reads them
 * is HR, the subject, or the request's own work: none is a recruiter's, so
 * none leaves out a restricted record (flows/requests.c scopes a subject
 * to their own requests). Functions return 0 when done, 1 (or more) for
 * the outcomes each names, -1 when the database failed. Thread-safe on
 * distinct connections.
 */
#ifndef RECRUITD_STORE_PRIVACY_H
#define RECRUITD_STORE_PRIVACY_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct zone;

struct db;

struct privacy_new {
	const char *type, *channel, *status, *verification_level;
	const char *applicant_id; /* NULL: not known yet */
	const char *email;        /* kept while the request is open; NULL: none */
	const char *email_masked;
	const char *received_at;                   /* epoch seconds; NULL: now */
	long long confirm_by, due_at;              /* epoch seconds (domain/privacy.h) */
	const char *details, *corrections, *agent; /* text, JSON, JSON; NULL: none */
	const char *actor_role;
};

/* A new request (receipt confirmed now, event "received"): its id. 1 when received_at is in the
 * future. */
int privacy_insert(struct db *db, const struct privacy_new *p, char id[37]) WARN_UNUSED;

/* Add an event to a request's log. */
int privacy_event(struct db *db, const char *id, const char *event,
                  const char *actor_role) WARN_UNUSED;

/* Keep a verification code's hash for PRIVACY_VERIFY_HOURS (event verification_sent). */
int privacy_code_store(struct db *db, const char *id, const char *code_sha256) WARN_UNUSED;

/*
 * The request an unexpired code belongs to, locked: 0 with its id, type,
 * and the address it waits on (new string); 1 when there is none (or the
 * request is no longer awaiting verification).
 */
int privacy_code_take(struct db *db, const char *code_sha256, char id[37], char type[32],
                      char **email) WARN_UNUSED;

/* The code is used up. */
int privacy_code_drop(struct db *db, const char *id) WARN_UNUSED;

/* A failed try at the data points: 0 with the tries so far. */
int privacy_failed_try(struct db *db, const char *id, int *tries) WARN_UNUSED;

/*
 * Verified: status in_progress, the level, the applicant (may be NULL),
 * data points matched, the declaration's signed name (NULL: none), kept
 * only as an HMAC under a key of the current epoch (it confirms the name to
 * nobody once that epoch is destroyed, within two rotations; the
 * declaration's time stays).
 */
int privacy_verified(struct db *db, const char *id, const char *applicant_id, const char *level,
                     int data_points, const char *signed_name) WARN_UNUSED;

/*
 * Request id turned out to concern employee_id (someone hired since):
 * note it, with why the request is where it is (reason, a fixed sentence
 * holding no personal data; NULL: none) and an event (employee_record,
 * for_hr). 0 or -1.
 */
int privacy_for_employee(struct db *db, const char *id, const char *employee_id, const char *reason,
                         const char *event) WARN_UNUSED;

/*
 * End a request: status (completed or denied), outcome, detail, categories
 * and items (JSON text or NULL); the address it waited on is deleted.
 * actor_role names who ended it; applicant_id (may be NULL) the record it
 * turned out to concern. 1 when it had ended already.
 */
int privacy_finish(struct db *db, const char *id, const char *status, const char *outcome,
                   const char *detail, const char *categories, const char *items,
                   const char *actor_role, const char *applicant_id) WARN_UNUSED;

/*
 * Extend once, before due_at: extended_due_at = received + 90 days in the
 * company's zone (privacy_add_days). 0 done; 1 no such request; 2 extended
 * already; 3 past due or ended.
 */
int privacy_extend(struct db *db, const struct zone *zone, const char *id, const char *reason,
                   const char *actor_role) WARN_UNUSED;

/* The request as JSON (new reference) into *out; applicant_id not NULL: only theirs. 1 when none.
 */
int privacy_get(struct db *db, const char *id, const char *applicant_id, json_t **out) WARN_UNUSED;

/* The address an open request waits on (new string), or NULL. */
int privacy_email_of(struct db *db, const char *id, char **email) WARN_UNUSED;

/* A list page's filters: NULL for none. */
struct privacy_query {
	const char *status, *type, *overdue, *due_before, *applicant_id;
	const char *requester; /* an address: the requests made with it (by its keyed hash) */
};

/*
 * A page of requests, open ones first, then the ended, each soonest due
 * first (k1 "0 "/"1 " and the due date that counts, k2 the id: want's k1
 * and k2, NULL for the first page), as DESIGN shows them: 0
 * with *out (its last key for the next cursor), or -1.
 */
struct page_of;
struct page_want;
int privacy_page(struct db *db, const struct privacy_query *q, const struct page_want *want,
                 struct page_of *out) WARN_UNUSED;

/* Per type for a year: received, fulfilled (whole or part), denied, median and mean days. */
json_t *privacy_metrics(struct db *db, int year) WARN_UNUSED;

/* Record an opt-out: the keyed hash of the address. */
int privacy_suppress(struct db *db, const char *email, const char *reason) WARN_UNUSED;

/* Take the address off the list for reason (the person's own new application lifts an erasure's).
 */
int privacy_unsuppress(struct db *db, const char *email, const char *reason) WARN_UNUSED;

/*
 * Move the suppression list's secret of before out of the main database
 * (server_secrets) into the keyring, where old entries are still found by
 * it (recruitctl keys seal-existing): 0 (moved, or nothing to move), or -1
 * with a message in err.
 */
int privacy_move_suppression_secret(struct db *db, char *err, size_t errlen) WARN_UNUSED;

/* Whether the address is on the suppression list for reason: 1 yes, 0 no, -1 failure. */
int privacy_suppressed(struct db *db, const char *email, const char *reason) WARN_UNUSED;

/* What is held about an applicant, for the categories: documents, applications, evaluations. */
int privacy_holdings(struct db *db, const char *applicant_id, bool *documents, bool *applications,
                     bool *evaluations) WARN_UNUSED;

/*
 * An erasure request's first step, in the caller's transaction: the
 * applicant's open applications withdrawn (with their history, stage
 * events and audit entries): 0 with how many.
 */
int privacy_withdraw_open(struct db *db, const char *applicant_id, const char *request_id,
                          long *n) WARN_UNUSED;

/* The corrections (JSON text) a correct request's owner gave once verified. */
int privacy_set_corrections(struct db *db, const char *id, const char *corrections) WARN_UNUSED;

/*
 * The country a subject's phone number is read in: the record's address
 * country, else its last opening's (ISO alpha-2 into country, "" when none).
 * 1 when there is no such applicant.
 */
int privacy_subject_country(struct db *db, const char *applicant_id, char country[3]) WARN_UNUSED;

/*
 * Deny as unverifiable the requests still awaiting verification whose link
 * has expired (id not NULL: only that one), deleting the address they
 * waited on; events verification_expired and denied. dry: count them. 0
 * with how many.
 */
int privacy_deny_unverified(struct db *db, bool dry, const char *id, long *n) WARN_UNUSED;

/*
 * Lock the applicant's row until the transaction ends, first of all (the
 * applicant, then their applications): a legal hold set meanwhile waits,
 * and one set before is seen. 1 when there is no such applicant.
 */
int privacy_lock_subject(struct db *db, const char *applicant_id) WARN_UNUSED;

/* Delete requests that ended over 24 months ago (dry: count them): 0 with how many. */
int privacy_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
