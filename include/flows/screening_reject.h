/*
 * screening_reject: several applications of one opening rejected at once,
 * each person told by an e-mail made from HR's rejection template in the
 * language chosen (domain/templates.h), previewed first. All or nothing:
 * the moves (each judged as one move is, with its history and audit entry,
 * at the version the preview showed) and the messages (the outbox) are one
 * transaction. Each function follows flows/flow.h: 0 with its outputs (new
 * references), or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_SCREENING_REJECT_H
#define RECRUITD_FLOWS_SCREENING_REJECT_H

#include <jansson.h>
#include <stddef.h>

#include "core/xalloc.h"

struct flow;

/* An application picked, at the version the page showed (0: any). */
struct reject_pick {
	const char *id;
	long version;
};

/* At most this many at once. */
#define REJECT_MAX 25

/*
 * What each picked application's person would receive: [{application_id,
 * version (as it now is), name, subject, body}]. 404 for an application not of opening_id
 * (or not to be seen), 409 for one already in a final stage, 422 for none
 * picked or too many.
 */
int screening_reject_preview(const struct flow *f, const char *opening_id,
                             const struct reject_pick *picks, size_t n, const char *language,
                             json_t **previews) WARN_UNUSED;

/* Reject them with reason (required: 422) and queue each e-mail, in one transaction. */
int screening_reject_many(const struct flow *f, const char *opening_id,
                          const struct reject_pick *picks, size_t n, const char *language,
                          const char *reason) WARN_UNUSED;

#endif
