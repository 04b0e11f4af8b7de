/*
 * keys: staff API keys, for recruitctl. A key has a unique name (it is the
 * actor in the audit log), a role, and a hashed secret; revoked keys stay
 * on record so the audit log's actors keep meaning something.
 */
#ifndef RECRUITD_KEYS_H
#define RECRUITD_KEYS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/xalloc.h"
#include "store/auth.h"

struct db;

/* Whether name is a valid key name: 1..64 of [A-Za-z0-9._-]. */
bool keys_is_name(const char *name);

/* Create a key; writes its token (TOKEN_MAX_LEN bytes) to token. 0, or -1 with the reason on
 * stderr. */
int keys_create(struct db *db, enum role role, const char *name, char *token) WARN_UNUSED;

/* keys_create for a member of the staff directory (member_id; NULL: nobody's). */
int keys_create_for(struct db *db, enum role role, const char *name, const char *member_id,
                    char *token) WARN_UNUSED;

/*
 * Replace the key of a family (family: a key name of at most 44
 * characters): in one transaction, revoke every active key called family or
 * family.SUFFIX, and create family.YYYYMMDDTHHMMSSmmmZ (its name into name).
 * Key names stay unique for ever; the family is what `make run` keeps one
 * of. 0, or -1 with the reason on stderr.
 */
int keys_replace(struct db *db, enum role role, const char *family, const char *member_id,
                 char *token, char name[65]) WARN_UNUSED;

/* Print every key (name, role, key id, created, revoked) as tab-separated lines. 0 or -1. */
int keys_list(struct db *db, FILE *out) WARN_UNUSED;

/* Revoke the active key called name. 0, or -1 (none such, or db failure) with the reason on stderr.
 */
int keys_revoke(struct db *db, const char *name) WARN_UNUSED;

#endif
