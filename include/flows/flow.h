/*
 * flow: what every workflow takes and how it fails (STYLE.md, "recruitd's shape").
 *
 * A flow is the one place a piece of work that spans several aggregates is
 * done: it takes plain values and the actor, runs on the connection it is
 * given, owns the transaction (begins it, commits it, rolls it back on every
 * failure), and answers 0 with its outputs filled, or -1 with its problem set
 * ({status, type slug, detail, field errors, extension members}), which the
 * caller maps to HTTP (api/, pages/) or to an exit status (jobs/, recruitctl).
 * A transaction that lost a deadlock or a serialization race is marked
 * problem->retry: the edge runs the whole request again. Flows know no
 * request, no HTTP and no libpq; the store's results reach them as structs
 * or JSON. Thread-safe: a flow uses only its own connection.
 */
#ifndef RECRUITD_FLOWS_FLOW_H
#define RECRUITD_FLOWS_FLOW_H

#include <stdbool.h>

#include "core/xalloc.h"

struct actor;
struct config;
struct db;
struct problem;

struct flow {
	struct db *db; /* the caller's connection (a request's lease, recruitctl's own) */
	const struct config *cfg; /* read-only */
	const struct actor *who;  /* who acts: role, key name, applicant id */
	const char *request_id;   /* for audit entries and the outbox */
	struct problem *problem;  /* filled on failure; the caller owns it */
};

/* Set the problem: status, a type slug (NULL: the status's own) and a detail. Returns -1. */
int flow_fail(const struct flow *f, unsigned status, const char *slug, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * The connection's last failure as a problem, classified by SQLSTATE
 * (store/db.h): 503 unavailable, 409 conflict, 422 invalid value, 413, a
 * retry for a lost race, 409 restricted (404 for a recruiter, who may not
 * learn that a restricted record exists), 500 for anything else. Returns -1.
 */
int flow_fail_db(const struct flow *f);

/*
 * The transaction lost a race (a row changed under a lock, a record gone
 * meanwhile): 503 with problem.retry set, so the edge runs the whole
 * request again. Returns -1.
 */
int flow_retry(const struct flow *f);

/* 422 when field errors were collected (returns -1), else 0. */
int flow_fail_fields(const struct flow *f);

/*
 * The problem for an applicant id with no record: 410 with what its
 * tombstone says (disposition, when, and the run, rule or employee), else
 * 404. Returns -1.
 */
int flow_fail_absent(const struct flow *f, const char *applicant_id);

/* Open a transaction (a no-op when one is open): 0, or -1 with the problem set. */
int flow_begin(const struct flow *f) WARN_UNUSED;

/*
 * Commit the transaction: 0 once PostgreSQL says COMMIT (an aborted
 * transaction answers ROLLBACK: a failure), or -1 with the problem set.
 */
int flow_commit(const struct flow *f) WARN_UNUSED;

/* Roll the transaction back, if one is open; returns -1 (for `return flow_rollback(f);`). */
int flow_rollback(const struct flow *f);

/*
 * step(f, email), answered no sooner than 40 ms after it began whatever
 * it found: a sign-in link sent to someone on record takes as long as one
 * sent to nobody, so the answer's time does not tell them apart.
 */
int flow_link_paced(const struct flow *f, const char *email,
                    int (*step)(const struct flow *, const char *));

/*
 * Whether the actor is staff of role hr: the one role that reads a
 * restricted record's contents (DESIGN: "only hr reads it"; the person's
 * own GET /v1/me is 404 and their page says the record is kept).
 */
bool flow_is_hr(const struct flow *f);

/*
 * Whether the actor may reach a restricted record's applications, documents
 * and evaluations to be told 409 restricted when acting on them: hr, and
 * the applicant, who reaches only their own record (every applicant-side
 * call is confined to it). A recruiter may not learn that a restricted
 * record exists (404). The one place that decides it, with flow_is_hr.
 */
bool flow_sees_restricted(const struct flow *f);

#endif
