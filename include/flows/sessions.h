/*
 * sessions: an applicant signs in with a one-time link e-mailed to the
 * address on record, and gets a token that expires. A link is asked for
 * the same way whatever the address (sessions_link tells nothing); its code
 * is good once, for 15 minutes, and only its hash is kept; a session's
 * token is shown once. Every sign-in and sign-out is audited. Each function
 * follows flows/flow.h: 0 with its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_SESSIONS_H
#define RECRUITD_FLOWS_SESSIONS_H

#include "core/token.h"
#include "core/xalloc.h"

struct flow;

/* A new session: the token (shown once; wipe it when sent) and its times (RFC 3339). */
struct sessions_opened {
	char token[TOKEN_MAX_LEN];
	char expires_at[32], signed_in_at[32];
};

/*
 * When email is on record: keep a new code and queue the e-mail with its
 * link ({PUBLIC_URL}/me?code=CODE), in one transaction. 0 whether or not
 * it is (the caller answers the same either way).
 */
int sessions_link(const struct flow *f, const char *email) WARN_UNUSED;

/*
 * Use up a link's code (code_sha256: the hash of the code in hex; NULL when
 * what was sent can be no code) and open a session for its applicant, valid
 * RECRUITD_APPLICANT_TOKEN_HOURS: 0 with *s. 404 when no unexpired link
 * has the code.
 */
int sessions_exchange(const struct flow *f, const char *code_sha256,
                      struct sessions_opened *s) WARN_UNUSED;

/*
 * In the caller's open transaction: a session for applicant_id, signed in
 * now (a confirmed application opens one too): 0 with *s. 503 when there
 * is no randomness (or the applicant went meanwhile: the request again).
 */
int sessions_open(const struct flow *f, const char *applicant_id,
                  struct sessions_opened *s) WARN_UNUSED;

/* End the session whose token the actor (an applicant) is using: 0, also when it is gone. */
int sessions_close(const struct flow *f) WARN_UNUSED;

#endif
