/* throttle: rate limits of the public endpoints. See throttle.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/rest.h"
#include "api/throttle.h"
#include "core/app.h"
#include "core/config.h"
#include "core/fold.h"
#include "core/xalloc.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/rate.h"

static int
hit(struct req *r, struct db *db, const char *endpoint, const char *key, unsigned window_s,
    unsigned limit)
{
	unsigned retry_after = 0;
	int rc = rate_hit(db, endpoint, key, window_s, limit, &retry_after);
	char secs[16];

	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc == 0)
		return 0;
	snprintf(secs, sizeof(secs), "%u", retry_after);
	reply_header(r, "Retry-After", secs);
	/* in words a person reads: the page shows this detail as it is */
	if (retry_after < 90)
		return req_fail(r, 429, "Too many attempts. Please try again in %u seconds.",
		                retry_after < 1 ? 1 : retry_after);
	if (retry_after < 90 * 60)
		return req_fail(r, 429, "Too many attempts. Please try again in about %u minutes.",
		                (retry_after + 59) / 60);
	return req_fail(r, 429, "Too many attempts. Please try again in about %u hours.",
	                (retry_after + 3599) / 3600);
}

int
throttle_client(struct req *r, struct db *db, const char *endpoint)
{
	char addr[REQ_CLIENT_LEN], key[REQ_CLIENT_LEN + 8];

	snprintf(key, sizeof(key), "addr:%s", req_client(r, addr));
	return hit(r, db, endpoint, key, 60, req_app(r)->cfg->rate_per_address_minute);
}

/*
 * Counted per address AND requester (the client address): strangers asking
 * for links to someone's address use up their own count, never the owner's,
 * so nobody can lock a person out of signing in, applying or making a
 * request. The address is folded as every lookup folds it (core/fold.h).
 */
int
throttle_email(struct req *r, struct db *db, const char *endpoint, const char *email)
{
	char addr[REQ_CLIENT_LEN];
	char *folded = fold_email(email);
	char *key = xasprintf("email:%s addr:%s", folded, req_client(r, addr));
	int rc;

	rc = hit(r, db, endpoint, key, 3600, req_app(r)->cfg->rate_per_email_hour);
	explicit_bzero(folded, strlen(folded));
	explicit_bzero(key, strlen(key));
	free(folded);
	free(key);
	return rc;
}

int
throttle_applicant(struct req *r, struct db *db, const char *endpoint)
{
	char key[64];

	snprintf(key, sizeof(key), "applicant:%s", req_actor(r)->applicant_id);
	return hit(r, db, endpoint, key, 3600, req_app(r)->cfg->rate_per_email_hour);
}
