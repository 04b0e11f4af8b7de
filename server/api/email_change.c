/*
 * email_change: starting a change of address, confirmed by a link to the new
 * address (email_confirm.c follows it), for a caller that holds a request's
 * connection (a verified privacy correction). The work is
 * flows/recording_self.c's (recording_email_start). See
 * include/api/email_change.h.
 */
#include "api/email_change.h"
#include "api/rest.h"
#include "flows/flow.h"
#include "flows/recording.h"

int
email_change_start(struct req *r, struct db *db, const char *applicant, const char *email,
                   const char *request_id, bool finishes)
{
	struct flow f;

	rest_flow_on(r, db, &f);
	return recording_email_start(&f, applicant, email, request_id, finishes);
}
