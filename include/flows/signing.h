/*
 * signing: staff members signing in to the console. By an e-mailed link
 * (signing_link, then signing_exchange: the same rules as the applicant's
 * links, 15 minutes, once, the same answer for every address) or by the
 * company's identity provider (flows/sso.h opens the session with
 * signing_open). A session is named by a cookie token shown once; only its
 * hash is kept. It is good while the member is active, for 8 hours after
 * its last use and 24 hours in all; a role change or a deactivation ends it
 * (flows/staffing.h). Every sign-in and sign-out is audited. Each function
 * follows flows/flow.h: 0 with its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_SIGNING_H
#define RECRUITD_FLOWS_SIGNING_H

#include "core/token.h"
#include "core/xalloc.h"

struct flow;

/*
 * When email is an active member's: keep a new code and queue the e-mail
 * with its link ({PUBLIC_URL}/staff/sign-in?code=CODE), in one
 * transaction. 0 whether or not it is (the caller answers the same).
 */
int signing_link(const struct flow *f, const char *email) WARN_UNUSED;

/*
 * Use up a link's code (its hash in hex; NULL when what was sent can be no
 * code) and open a session: 0 with the cookie's token (TOKEN_MAX_LEN
 * bytes; wipe it once sent). 404 when no unexpired link has the code (or
 * its member was deactivated meanwhile).
 */
int signing_exchange(const struct flow *f, const char *code_sha256, char *token) WARN_UNUSED;

/* Open a session for member_id signed in by method ("link", "oidc"): 0 with the token. */
int signing_open(const struct flow *f, const char *member_id, const char *method,
                 char *token) WARN_UNUSED;

/*
 * The session a cookie token names: 0 with *who (the member's role, named
 * "member:ID") and the member's id; 1 when there is none good (ended,
 * expired, the member inactive, malformed); -1 with the problem set.
 */
int signing_check(const struct flow *f, const char *token, struct actor *who,
                  char member_id[37]) WARN_UNUSED;

/* End the session of a cookie token (the actor's): 0, also when it had ended. */
int signing_close(const struct flow *f, const char *token) WARN_UNUSED;

#endif
