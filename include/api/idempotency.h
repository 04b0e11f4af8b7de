/*
 * idempotency: Idempotency-Key on POST creates. The first response to a
 * (caller, key) pair is stored in the same transaction as what it created,
 * so a retry gets that response again and creates nothing; the same key
 * with a different request is refused (422). Stored responses that carry
 * personal data are deleted with the applicant they belong to.
 */
#ifndef RECRUITD_IDEMPOTENCY_H
#define RECRUITD_IDEMPOTENCY_H

#include "core/xalloc.h"

struct req;
struct db;

/*
 * Look for a stored response to this request's key under scope. Returns 0
 * when there is no key or nothing is stored (go on and create), 1 after
 * replaying the stored response, -1 after setting a problem.
 */
int idem_replay(struct req *r, struct db *db, const char *scope) WARN_UNUSED;

/* Whether the request carries an Idempotency-Key (valid or not). */
int idem_wanted(struct req *r);

/*
 * Store the response inside the caller's open transaction. applicant_id
 * (may be NULL) ties the row to the applicant whose data the body holds.
 * Returns 0 or -1 (db failure; DB_UNIQUE means a twin request won: roll
 * back and call idem_replay).
 */
int idem_store(struct req *r, struct db *db, const char *scope, unsigned status, const char *body,
               const char *location, const char *applicant_id) WARN_UNUSED;

/* idem_store, then COMMIT the caller's transaction. 0 or -1. */
int idem_commit(struct req *r, struct db *db, const char *scope, unsigned status, const char *body,
                const char *location, const char *applicant_id) WARN_UNUSED;

/*
 * After a keyed create failed: when a twin request with the same key won
 * the race, roll back and replay its response (returns 0); otherwise set
 * the database problem (returns -1).
 */
int idem_lost_race(struct req *r, struct db *db, const char *scope);

#endif
