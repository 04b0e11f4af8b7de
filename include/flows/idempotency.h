/*
 * idempotency: Idempotency-Key on POST creates, inside the create's own
 * transaction. The key is taken first (an advisory lock: a twin in flight
 * waits for it), then a stored answer is looked for: none, and the create
 * goes on in that transaction and keeps its answer there before it commits;
 * one, and the flow answers it again, reading what it made anew under the
 * caller's own authorization (the answer holds no body, so no personal
 * data). The same key with a different request is refused (422).
 */
#ifndef RECRUITD_FLOWS_IDEMPOTENCY_H
#define RECRUITD_FLOWS_IDEMPOTENCY_H

#include "core/digest.h"
#include "core/xalloc.h"

struct flow;

/* A keyed request, as the handler reads it (api/idempotency.c). */
struct idem {
	const char *scope;                       /* "applicants.create", "hire", ... */
	char actor[65];                          /* the caller: a staff key's name, or "public" */
	char key_sha256[2 * SHA256_LEN + 1];     /* of the Idempotency-Key */
	char request_sha256[2 * SHA256_LEN + 1]; /* of the endpoint, its parameter and body */
};

/* What a keyed create answered the first time. */
struct idem_answer {
	unsigned status;
	char resource_id[37]; /* "" when it made no resource */
	char location[160];   /* "" when none */
};

/*
 * Begin the create's transaction and take k (NULL: no key, just begin).
 * 0: nothing stored, the transaction is open for the create; 1: answered
 * before (*first filled, the transaction rolled back); -1 with the problem
 * set (422 when the key was used for another request).
 */
int idem_begin(const struct flow *f, const struct idem *k, struct idem_answer *first) WARN_UNUSED;

/*
 * Keep the answer in the open transaction (k NULL: nothing to keep), then
 * commit: 0, or -1 with the problem set (rolled back).
 */
int idem_commit(const struct flow *f, const struct idem *k, unsigned status,
                const char *resource_id, const char *location) WARN_UNUSED;

#endif
