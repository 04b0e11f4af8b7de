/*
 * member_keys: staff API keys as HR manages them in the console's team
 * page (store/keys.h is recruitctl's): listed as JSON, made for a member of
 * the directory with their role, revoked by name, each change with its
 * audit entry in the same statement. A key's secret is never stored (its
 * hash is) and never listed. Functions return 0, 1 where they say, or -1
 * when the database failed (db_failure tells how: DB_UNIQUE for a name
 * taken). Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_MEMBER_KEYS_H
#define RECRUITD_STORE_MEMBER_KEYS_H

#include <jansson.h>

#include "core/token.h"
#include "core/xalloc.h"

struct db;

/* Every key, newest first: [{name, role, member_id, created_at, revoked_at}]. */
int member_keys_list(struct db *db, json_t **keys) WARN_UNUSED;

/*
 * Make a key called name for member_id with role, audited as actor: its
 * token (TOKEN_MAX_LEN bytes, shown once) in token.
 */
int member_keys_create(struct db *db, const char *member_id, enum role role, const char *name,
                       const char *actor, const char *request_id, char *token) WARN_UNUSED;

/* Revoke the active key called name, audited as actor: 0, 1 when there is none. */
int member_keys_revoke(struct db *db, const char *name, const char *actor,
                       const char *request_id) WARN_UNUSED;

#endif
