/*
 * throttle: the rate limits of the public endpoints that take an e-mail
 * address (apply, sign-in, privacy requests), each endpoint counted on its
 * own: RECRUITD_RATE_PER_ADDRESS_MINUTE per client address and
 * RECRUITD_RATE_PER_EMAIL_HOUR per e-mail address and client address (a
 * stranger's requests never lock the owner out), counted in PostgreSQL
 * (flows/limits.h) so that every instance shares them. Over a limit: 429
 * with Retry-After, the same for every address.
 */
#ifndef RECRUITD_API_THROTTLE_H
#define RECRUITD_API_THROTTLE_H

#include "core/xalloc.h"

struct req;
struct db;

/* Count a hit from the client's address: 0 go on; -1 with the reply set (429, or the failure). */
int throttle_client(struct req *r, struct db *db, const char *endpoint) WARN_UNUSED;

/*
 * Count a hit for an e-mail address (folded, core/fold.h) from this client
 * address: per address and requester, so that strangers never use up the
 * owner's own count. As throttle_client.
 */
int throttle_email(struct req *r, struct db *db, const char *endpoint,
                   const char *email) WARN_UNUSED;

/*
 * Count a hit for the signed-in applicant (per hour, RECRUITD_RATE_PER_EMAIL_HOUR), for what
 * a session could otherwise repeat without end (changing the address): as throttle_client.
 */
int throttle_applicant(struct req *r, struct db *db, const char *endpoint) WARN_UNUSED;

/*
 * A flow's limit reached (flows/limits.h: a 429 with retry_after seconds to
 * wait): add Retry-After to the answer. Nothing when retry_after is 0.
 */
void throttle_answer(struct req *r, unsigned retry_after);

#endif
