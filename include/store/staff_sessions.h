/*
 * staff_sessions: the staff console's sign-in codes and sessions. A code
 * (of an e-mailed link) is kept as its SHA-256, for STAFF_CODE_MINUTES,
 * and deleted as it is used. A session is named by a cookie token
 * (rkc_KEYID_SECRET, core/token.h) of which only SHA-256(SECRET) is kept;
 * it is good while its member is active, for STAFF_IDLE_HOURS after its
 * last use and STAFF_ABSOLUTE_HOURS after it began. Functions return 0,
 * 1 where they say, or -1 when the database failed. Thread-safe on
 * distinct connections.
 */
#ifndef RECRUITD_STORE_STAFF_SESSIONS_H
#define RECRUITD_STORE_STAFF_SESSIONS_H

#include <stdbool.h>

#include "core/token.h"
#include "core/xalloc.h"

struct db;

#define STAFF_CODE_MINUTES 15
#define STAFF_IDLE_HOURS 8
#define STAFF_ABSOLUTE_HOURS 24
#define STAFF_COOKIE_PREFIX "rkc_"

/* Keep a sign-in code's hash for member_id, for STAFF_CODE_MINUTES. */
int staff_code_store(struct db *db, const char *member_id, const char *code_sha256) WARN_UNUSED;

/* Use a code (deleted whatever follows): 0 with its member's id, 1 when unknown or expired. */
int staff_code_use(struct db *db, const char *code_sha256, char member_id[37]) WARN_UNUSED;

/*
 * A new session for member_id (method "link" or "oidc"), audited as
 * staff.sign_in: 0 with the cookie's token (TOKEN_MAX_LEN bytes), 1 when
 * there is no randomness or the member is not active.
 */
int staff_session_open(struct db *db, const char *member_id, const char *method,
                       const char *request_id, char *token) WARN_UNUSED;

/* The session a cookie token names, still good (its last use moved to now): 0 with the member. */
struct staff_session {
	char key_id[TOKEN_KEY_ID_LEN + 1];
	char member_id[37];
	enum role role;
};
int staff_session_check(struct db *db, const char *token, struct staff_session *s) WARN_UNUSED;

/* End the session key_id (audited as staff.sign_out): 0, 1 when it had ended. */
int staff_session_close(struct db *db, const char *key_id, const char *actor,
                        const char *request_id) WARN_UNUSED;

/* Delete expired codes and sessions (dry: count them only): 0 with how many. */
int staff_sessions_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
