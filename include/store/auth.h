/*
 * auth: bearer tokens checked against the database (core/token.h makes and
 * reads them): the key id finds the row, and only SHA-256(SECRET) is
 * stored, compared in constant time. Thread-safe.
 */
#ifndef RECRUITD_AUTH_H
#define RECRUITD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/token.h"
#include "core/xalloc.h"

struct db;

/*
 * Keep the staff keys checked (for at most a second) while a connection of
 * its own, to conninfo, listens for revocations (a thread). Returns 0, or
 * -1 when no thread could start (nothing is kept then). Once per process;
 * auth_watch_stop before exit.
 */
int auth_watch_start(const char *conninfo);
void auth_watch_stop(void);

/*
 * How long a process may go on honouring a staff key after it was revoked
 * elsewhere when the notice is late (it is usually heard within a
 * millisecond). recruitctl waits this long after revoking, so that on its
 * return the key is refused everywhere.
 */
#define AUTH_KEPT_MS 1000

/*
 * Forget every staff key this process keeps (a change it made itself: its
 * next request must not wait for the notice, which other processes get).
 */
void auth_forget_kept(void);

/*
 * How many notices of a staff key revoked or deleted this process has
 * heard (and heeded: what it kept before is not used again), for /metrics.
 */
unsigned long auth_notices_heard(void);

/*
 * Authenticate a staff token against the database (or the key kept). Returns 0 with *who
 * filled, 1 when the token is unknown, revoked or malformed, -1 when the
 * database failed (see db_failure).
 */
int auth_staff(struct db *db, const char *token, struct actor *who) WARN_UNUSED;

/*
 * Authenticate an applicant token: 0 with *who filled (role applicant, its
 * applicant id), 1 when unknown or malformed, -1 when the database failed.
 */
int auth_applicant(struct db *db, const char *token, struct actor *who) WARN_UNUSED;

/* How long a sign-in link's code is good for. */
#define SIGN_IN_CODE_MINUTES 15

/* An applicant's new session: the token (shown once), and its times (RFC 3339). */
struct session {
	char token[TOKEN_MAX_LEN];
	char expires_at[32], signed_in_at[32];
};

/*
 * Open a session for applicant_id, valid for hours, signed in now, audited
 * as applicant.sign_in: 0 with *s filled, 1 when no randomness (or no such
 * applicant), -1 when the database failed.
 */
int auth_session_open(struct db *db, const char *applicant_id, unsigned hours,
                      const char *request_id, struct session *s) WARN_UNUSED;

/* Revoke the token who is using (audited as applicant.sign_out): 0, 1 when it is gone already. */
int auth_session_close(struct db *db, const struct actor *who, const char *request_id) WARN_UNUSED;

/* Keep a sign-in code's hash for SIGN_IN_CODE_MINUTES. 0 or -1. */
int auth_code_store(struct db *db, const char *applicant_id, const char *code_sha256) WARN_UNUSED;

/* Use a code (single use: it is deleted): 0 with its applicant, 1 when unknown or expired. */
int auth_code_use(struct db *db, const char *code_sha256, char applicant_id[37]) WARN_UNUSED;

/* Delete expired codes and tokens (dry: count them only): 0 with how many, or -1. */
int auth_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
