/*
 * erasing: the one place that decides whether an applicant's record is
 * erased or restricted (DESIGN "Privacy requests", "Retention").
 *
 * This half is the privacy deletion's (a verified delete request): the
 * person's open applications are withdrawn; then, when no legal hold and no
 * legal floor not yet passed keeps the record, it is erased through
 * store/erasure.h and its address suppressed; otherwise what no floor
 * needs goes now and the rest is restricted (only HR sees it, it takes
 * nothing new) until the purge. Either way the outcome lists each category
 * with what was done and why. Each function follows flows/flow.h: 0 with
 * its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_ERASING_H
#define RECRUITD_FLOWS_ERASING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;

/* What a privacy deletion did. */
struct erasing_outcome {
	bool erased;     /* everything is deleted (else the rest is restricted) */
	bool held;       /* restricted because of a legal hold */
	char until[32];  /* restricted by a floor: when it ends (RFC 3339); "" otherwise */
	char basis[400]; /* restricted: what keeps the rest, in words ("a legal hold", a floor) */
	json_t *items;   /* [{category, action: deleted|restricted, basis, delete_at?}] (owned) */
};

/*
 * In the flow's open transaction: carry out a privacy deletion of
 * applicant, locked first of all (a legal hold set meanwhile waits for it,
 * one set before is seen). 0 with *out (erasing_outcome_fini frees it); 503
 * when the retention rules cannot be read, a retry when the record changed
 * under the lock.
 */
int erasing_on_request(const struct flow *f, const char *applicant,
                       struct erasing_outcome *out) WARN_UNUSED;

/* Free an outcome's items (safe on a zeroed one). */
void erasing_outcome_fini(struct erasing_outcome *o);

#endif
