/*
 * limits: the rate limits of what a person can repeat without end (the
 * public endpoints that take an e-mail address: apply, sign-in, privacy
 * requests; and a signed-in applicant changing their address), each
 * endpoint counted on its own, in PostgreSQL (store/rate.h) so that every
 * instance counts the same. The limits are the configuration's:
 * RECRUITD_RATE_PER_ADDRESS_MINUTE per client address,
 * RECRUITD_RATE_PER_EMAIL_HOUR per e-mail address and client address (a
 * stranger's requests never use up the owner's count) and per applicant.
 *
 * Each function counts one hit: 0 when within the limit; -1 with the
 * problem set: 429 in words a person reads (the page shows the detail as it
 * is) with *retry_after the seconds until the window ends, the same for
 * every address, or the database's failure with *retry_after 0. A hit is
 * counted on its own (autocommit), so it counts even when the request then
 * fails. Thread-safe on distinct connections.
 */
#ifndef RECRUITD_FLOWS_LIMITS_H
#define RECRUITD_FLOWS_LIMITS_H

#include "core/xalloc.h"

struct flow;

/* A hit from a client address (its text, e.g. "127.0.0.1") on endpoint. */
int limits_client(const struct flow *f, const char *endpoint, const char *client,
                  unsigned *retry_after) WARN_UNUSED;

/* A hit for an e-mail address (folded, core/fold.h) from a client address, on endpoint. */
int limits_email(const struct flow *f, const char *endpoint, const char *email, const char *client,
                 unsigned *retry_after) WARN_UNUSED;

/* A hit for a signed-in applicant (per hour) on endpoint. */
int limits_applicant(const struct flow *f, const char *endpoint, const char *applicant_id,
                     unsigned *retry_after) WARN_UNUSED;

#endif
