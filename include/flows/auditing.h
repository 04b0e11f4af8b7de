/*
 * auditing: reading the append-only audit log (hr). Entries are written by
 * the statements that read or change records, in the same statement;
 * here they are only listed. Follows flows/flow.h.
 */
#ifndef RECRUITD_FLOWS_AUDITING_H
#define RECRUITD_FLOWS_AUDITING_H

#include <stdbool.h>

#include "core/xalloc.h"

struct flow;
struct page_of;
struct page_want;

/*
 * A page of entries, newest first, keyset-paginated on their sequence
 * (want's k1), filtered by applicant, actor and since (each NULL for any,
 * each already checked): *out's items {at, actor, action, applicant_id,
 * target, request_id}.
 */
int auditing_list(const struct flow *f, const char *applicant_id, const char *actor,
                  const char *since, const struct page_want *want, struct page_of *out) WARN_UNUSED;

/*
 * auditing_list for HR's console, the read itself audited: an entry
 * {actor: the member, action: audit.read, or audit.export for the CSV
 * download, target "audit"} committed before the page is answered.
 */
int auditing_read(const struct flow *f, const char *applicant_id, const char *actor,
                  const char *since, bool export, const struct page_want *want,
                  struct page_of *out) WARN_UNUSED;

#endif
