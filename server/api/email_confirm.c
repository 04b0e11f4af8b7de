/*
 * email_confirm: POST /v1/me/email-confirmations {code}, the link sent to a
 * new address (flows/recording.h, recording_email_start). It answers only to whoever holds the
 * code, who reads mail at the new address: 200, 404 for an unknown, used or
 * expired code, 409 duplicate-email when the address has meanwhile become
 * another record's (they control it, so they may learn it). A privacy
 * correction waiting only on the link is completed. The work is
 * flows/recording_self.c's.
 */
#include "api/handlers.h"
#include "api/rest.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/recording.h"

/* POST /v1/me/email-confirmations {code}: the link sent to the new address. */
int
me_email_confirm(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	const char *code = NULL;
	struct flow f;
	int rc;

	if ((rc = rest_code_body(r, code_sha, &code)) < 0 || rest_flow(r, &f) != 0 ||
	    recording_email_confirm(&f, rc == 0 ? code : NULL, code_sha) != 0)
		return -1;
	return reply_json(r, 200, json_pack("{s:s}", "status", "email-changed"));
}
