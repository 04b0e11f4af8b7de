/*
 * limits: rate limits. See limits.h. What is counted is keyed ("addr:",
 * "email: addr:", "applicant:"); the store keeps only a keyed hash of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/fold.h"
#include "core/xalloc.h"
#include "flows/flow.h"
#include "flows/limits.h"
#include "store/rate.h"

/* One hit of key in a window of window_s seconds, at most limit: 0, or -1 with the problem. */
static int
hit(const struct flow *f, const char *endpoint, const char *key, unsigned window_s, unsigned limit,
    unsigned *retry_after)
{
	unsigned wait = 0;
	int rc = rate_hit(f->db, endpoint, key, window_s, limit, &wait);

	*retry_after = 0;
	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 0)
		return 0;
	*retry_after = wait;
	/* in words a person reads: the page shows this detail as it is */
	if (wait < 90)
		return flow_fail(f, 429, NULL, "Too many attempts. Please try again in %u seconds.",
		                 wait < 1 ? 1 : wait);
	if (wait < 90 * 60)
		return flow_fail(f, 429, NULL,
		                 "Too many attempts. Please try again in about %u minutes.",
		                 (wait + 59) / 60);
	return flow_fail(f, 429, NULL, "Too many attempts. Please try again in about %u hours.",
	                 (wait + 3599) / 3600);
}

int
limits_client(const struct flow *f, const char *endpoint, const char *client, unsigned *retry_after)
{
	char *key = xasprintf("addr:%s", client);
	int rc = hit(f, endpoint, key, 60, f->cfg->rate_per_address_minute, retry_after);

	free(key);
	return rc;
}

/*
 * Counted per address AND requester (the client address): strangers asking
 * for links to someone's address use up their own count, never the owner's,
 * so nobody can lock a person out of signing in, applying or making a
 * request. The address is folded as every lookup folds it (core/fold.h).
 */
int
limits_email(const struct flow *f, const char *endpoint, const char *email, const char *client,
             unsigned *retry_after)
{
	char *folded = fold_email(email);
	char *key = xasprintf("email:%s addr:%s", folded, client);
	int rc = hit(f, endpoint, key, 3600, f->cfg->rate_per_email_hour, retry_after);

	explicit_bzero(folded, strlen(folded));
	explicit_bzero(key, strlen(key));
	free(folded);
	free(key);
	return rc;
}

int
limits_applicant(const struct flow *f, const char *endpoint, const char *applicant_id,
                 unsigned *retry_after)
{
	char key[64];

	snprintf(key, sizeof(key), "applicant:%s", applicant_id);
	return hit(f, endpoint, key, 3600, f->cfg->rate_per_email_hour, retry_after);
}
