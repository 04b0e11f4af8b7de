/*
 * keying: staff API keys from the console's team page (hr): listed, made
 * for an active member of the directory with the member's role (its token
 * returned once, to be shown once), revoked. Each change is audited.
 * Follows flows/flow.h: 0 with its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_KEYING_H
#define RECRUITD_FLOWS_KEYING_H

#include <jansson.h>

#include "core/token.h"
#include "core/xalloc.h"

struct flow;

/* Every key: [{name, role, member_id, created_at, revoked_at}], newest first. */
int keying_list(const struct flow *f, json_t **keys) WARN_UNUSED;

/*
 * A key called name for member_id (422 for a bad name, 404 for no such
 * member, 409 when the member is inactive or the name was ever used): its
 * token in token (TOKEN_MAX_LEN bytes).
 */
int keying_create(const struct flow *f, const char *member_id, const char *name,
                  char *token) WARN_UNUSED;

/* Revoke the active key called name; 404 when there is none. */
int keying_revoke(const struct flow *f, const char *name) WARN_UNUSED;

#endif
