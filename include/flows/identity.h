/*
 * identity: who a bearer token stands for. A staff token (rks_) names a
 * staff key and its role; an applicant token (rka_) names an applicant's
 * session. Only the hash of a token's secret is stored (store/auth.h).
 * Thread-safe on distinct connections.
 */
#ifndef RECRUITD_FLOWS_IDENTITY_H
#define RECRUITD_FLOWS_IDENTITY_H

#include <stdbool.h>

#include "core/xalloc.h"

struct actor;
struct flow;

/*
 * Check token, a staff one or (applicant) an applicant's: 0 with *who
 * filled; 1 when it is unknown, revoked, expired or malformed (the caller
 * answers 401); -1 with the problem set (the database failed: 503).
 */
int identity_check(const struct flow *f, const char *token, bool applicant,
                   struct actor *who) WARN_UNUSED;

#endif
