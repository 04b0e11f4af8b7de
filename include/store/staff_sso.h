/*
 * staff_sso: the states of the single sign-ons begun (flows/sso.c): each
 * kept as its SHA-256 for STAFF_SSO_MINUTES and used once, and the nonce
 * and PKCE verifier made from a state under a secret of the database's
 * (server_secrets "sso"), never stored. Functions return 0, 1 where they
 * say, or -1 when the database failed. Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_STAFF_SSO_H
#define RECRUITD_STORE_STAFF_SSO_H

#include "core/xalloc.h"

struct db;

#define STAFF_SSO_MINUTES 10

/* The verifier and the nonce of state (64 hex digits each). 1 when there is no secret. */
int staff_sso_derive(struct db *db, const char *state, char verifier[65],
                     char nonce[65]) WARN_UNUSED;

/* Keep a state's hash for STAFF_SSO_MINUTES. */
int staff_sso_begin(struct db *db, const char *state_sha256) WARN_UNUSED;

/* Use a state (deleted whatever follows): 0, 1 when unknown, used or expired. */
int staff_sso_use(struct db *db, const char *state_sha256) WARN_UNUSED;

#endif
