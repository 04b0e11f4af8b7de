/*
 * staffing: the staff directory, as HR keeps it through the API, the
 * console and recruitctl: members added, listed, read and changed. A role
 * change or a deactivation ends the member's access at once, in the same
 * transaction: their API keys are revoked and their console sessions end.
 * Every write is audited (staff.create, staff.update: the member's id and
 * which fields changed, never their values). Each function follows
 * flows/flow.h: 0 with its outputs (new references), or -1 with the
 * problem set.
 */
#ifndef RECRUITD_FLOWS_STAFFING_H
#define RECRUITD_FLOWS_STAFFING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;
struct idem;
struct page_of;
struct page_want;

/*
 * Add a member from a valid document (domain/member.h, creating), keyed by
 * k (NULL: none): *member, and *replayed when a retry of a keyed create was
 * answered again. 409 duplicate-email when the address is in the directory.
 */
int staffing_create(const struct flow *f, const json_t *doc, const struct idem *k, json_t **member,
                    bool *replayed) WARN_UNUSED;

/* One member: 404 when there is none. */
int staffing_get(const struct flow *f, const char *id, json_t **member) WARN_UNUSED;

/* A page of members, newest first. */
int staffing_list(const struct flow *f, const struct page_want *want,
                  struct page_of *out) WARN_UNUSED;

/*
 * Apply a JSON merge patch (its members already checked to be editable)
 * over the version expected (0: the current one; otherwise 412 when it is
 * not current): *member. 422 when the result is not a valid member, 409
 * duplicate-email for an address another member has. A new role, or
 * active false, ends the member's keys and sessions in the same
 * transaction.
 */
int staffing_change(const struct flow *f, const char *id, const json_t *patch, long expect,
                    json_t **member) WARN_UNUSED;

/*
 * The member opens the console's first page: when they were here before
 * ("" for a first visit) and their name. 404 when no such member.
 */
int staffing_visit(const struct flow *f, const char *member_id, char before[32],
                   char name[201]) WARN_UNUSED;

#endif
