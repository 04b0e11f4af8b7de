/*
 * throttle: rate limits of the public endpoints, counted by flows/limits.c;
 * here only what HTTP adds (Retry-After). See throttle.h.
 */
#include <stdio.h>

#include "api/rest.h"
#include "api/throttle.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/limits.h"

void
throttle_answer(struct req *r, unsigned retry_after)
{
	char secs[16];

	if (retry_after == 0)
		return;
	snprintf(secs, sizeof(secs), "%u", retry_after);
	reply_header(r, "Retry-After", secs);
}

/* A flow's limit answered: 0 go on, or -1 with Retry-After when it was the limit. */
static int
answer(struct req *r, int rc, unsigned retry_after)
{
	if (rc == 0)
		return 0;
	throttle_answer(r, retry_after);
	return -1;
}

int
throttle_client(struct req *r, struct db *db, const char *endpoint)
{
	char addr[REQ_CLIENT_LEN];
	unsigned wait;
	struct flow f;

	rest_flow_on(r, db, &f);
	int rc = limits_client(&f, endpoint, req_client(r, addr), &wait);
	return answer(r, rc, wait);
}

int
throttle_email(struct req *r, struct db *db, const char *endpoint, const char *email)
{
	char addr[REQ_CLIENT_LEN];
	unsigned wait;
	struct flow f;

	rest_flow_on(r, db, &f);
	int rc = limits_email(&f, endpoint, email, req_client(r, addr), &wait);
	return answer(r, rc, wait);
}

int
throttle_applicant(struct req *r, struct db *db, const char *endpoint)
{
	unsigned wait;
	struct flow f;

	rest_flow_on(r, db, &f);
	int rc = limits_applicant(&f, endpoint, req_actor(r)->applicant_id, &wait);
	return answer(r, rc, wait);
}
