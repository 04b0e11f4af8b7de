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
 * Authenticate a staff token against the database. Returns 0 with *who
 * filled, 1 when the token is unknown, revoked or malformed, -1 when the
 * database failed (see db_failure).
 */
int auth_staff(struct db *db, const char *token, struct actor *who) WARN_UNUSED;

/*
 * Authenticate an applicant token: 0 with *who filled (role applicant, its
 * applicant id), 1 when unknown or malformed, -1 when the database failed.
 */
int auth_applicant(struct db *db, const char *token, struct actor *who) WARN_UNUSED;

#endif
