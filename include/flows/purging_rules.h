/*
 * purging_rules: the retention policies and the legal floors, as hr reads
 * and replaces them. Each is one set with one version (the ETag of its
 * read, bumped by every write in the same transaction); a write naming an
 * older version is 412 and changes nothing. Each function follows
 * flows/flow.h: 0 with its outputs (new references), or -1 with the
 * problem set.
 */
#ifndef RECRUITD_FLOWS_PURGING_RULES_H
#define RECRUITD_FLOWS_PURGING_RULES_H

#include <jansson.h>

#include "core/xalloc.h"

struct flow;

/* The policies (*list, new: a bare array) and the set's version. */
int purging_rules_policies(const struct flow *f, json_t **list, long *version) WARN_UNUSED;

/* The legal floors (*list, new: a bare array) and the set's version. */
int purging_rules_floors(const struct flow *f, json_t **list, long *version) WARN_UNUSED;

/*
 * Replace the policies with list (an array, its shape already judged by
 * domain/retention.h: any field errors are in f's problem) at the set's
 * version expect (0: any). A rule for a named jurisdiction that keeps for
 * less than its legal floor is one more field error; with any, 422 and
 * nothing changes. *out: the policies as they now stand, and their version.
 */
int purging_rules_put_policies(const struct flow *f, const json_t *list, long expect, json_t **out,
                               long *version) WARN_UNUSED;

/* Replace the floors with a valid list at version expect (0: any), as the policies. */
int purging_rules_put_floors(const struct flow *f, const json_t *list, long expect, json_t **out,
                             long *version) WARN_UNUSED;

#endif
