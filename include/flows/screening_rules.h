/*
 * screening_rules: the background-check rules, as staff read them and hr
 * writes them. The rules are one set with one version (the ETag of every
 * read, bumped by every write in the same transaction); a write naming an
 * older version is 412 and changes nothing. Each function follows
 * flows/flow.h: 0 with its outputs (new references), or -1 with the
 * problem set.
 */
#ifndef RECRUITD_FLOWS_SCREENING_RULES_H
#define RECRUITD_FLOWS_SCREENING_RULES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;

/* Every rule (*items, new) and the set's version. */
int screening_rules_list(const struct flow *f, json_t **items, long *version) WARN_UNUSED;

/* One rule (region "": the country's) and the set's version; 404 when there is none. */
int screening_rules_get(const struct flow *f, const char *country, const char *region,
                        json_t **rule, long *version) WARN_UNUSED;

/*
 * Make or replace the rule of country/region (region "": the country's)
 * at the set's version expect (0: any): *rule (new), whether it was made
 * (*created) and the set's new version. order: before_offer or
 * after_offer; NULL keeps a replaced rule's own (a new one's is
 * before_offer). Audited.
 */
int screening_rules_put(const struct flow *f, const char *country, const char *region, bool allowed,
                        const char *note, const char *order, long expect, json_t **rule,
                        bool *created, long *version) WARN_UNUSED;

/* Delete a rule at the set's version expect (0: any): the new version; 404 when none. Audited. */
int screening_rules_delete(const struct flow *f, const char *country, const char *region,
                           long expect, long *version) WARN_UNUSED;

#endif
