/*
 * throttle: the rate limits of the public endpoints that take an e-mail
 * address (apply, sign-in, privacy requests), each endpoint counted on its
 * own: RECRUITD_RATE_PER_ADDRESS_MINUTE per client address and
 * RECRUITD_RATE_PER_EMAIL_HOUR per e-mail address, counted in PostgreSQL
 * (store/rate.h) so that every instance shares them. Over a limit: 429
 * with Retry-After, the same for every address.
 */
#ifndef RECRUITD_API_THROTTLE_H
#define RECRUITD_API_THROTTLE_H

#include "core/xalloc.h"

struct req;
struct db;

/* Count a hit from the client's address: 0 go on; -1 with the reply set (429, or the failure). */
int throttle_client(struct req *r, struct db *db, const char *endpoint) WARN_UNUSED;

/* Count a hit for an e-mail address (compared lower-cased): as throttle_client. */
int throttle_email(struct req *r, struct db *db, const char *endpoint,
                   const char *email) WARN_UNUSED;

#endif
