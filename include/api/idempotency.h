/*
 * idempotency: an Idempotency-Key read off a request, for the create's flow
 * (flows/idempotency.h), which keeps or finds its answer.
 */
#ifndef RECRUITD_IDEMPOTENCY_H
#define RECRUITD_IDEMPOTENCY_H

#include "core/xalloc.h"
#include "flows/idempotency.h"

struct req;

/*
 * The request's key under scope: 0 when it carries none, 1 with *k filled,
 * -1 after a 400 (not 1 to 200 visible ASCII characters).
 */
int idem_of(struct req *r, const char *scope, struct idem *k) WARN_UNUSED;

/* The request's key as the flow takes it: k when idem_of said 1, else NULL. */
#define IDEM_OR_NULL(rc, k) ((rc) == 1 ? (k) : NULL)

/* Mark an answer given again to a retried request: Idempotent-Replayed: true. */
void idem_replayed(struct req *r);

#endif
