/*
 * email_change: a new e-mail address takes effect only once the link sent
 * to it is followed. PATCH /v1/me and a verified privacy correction start a
 * change (flows/recording.h's recording_email_start; email_change_start for
 * a handler that holds the request's connection); POST
 * /v1/me/email-confirmations {code}, the page /me?email_code=CODE, finishes
 * it (me_email_confirm in handlers.h). Until then the record keeps its old
 * address, so nobody can move a record to an address they cannot read mail
 * for.
 */
#ifndef RECRUITD_API_EMAIL_CHANGE_H
#define RECRUITD_API_EMAIL_CHANGE_H

#include <stdbool.h>

#include "core/xalloc.h"

struct req;
struct db;

/*
 * In the caller's transaction: keep a pending change of applicant's
 * address to email (replacing any before it) and queue the link to email.
 * request_id (may be NULL) is the privacy correction it belongs to, ended
 * as fulfilled when the link is followed if finishes. 0, or -1 with the
 * problem set. (recording_email_start on the request's flow.)
 */
int email_change_start(struct req *r, struct db *db, const char *applicant, const char *email,
                       const char *request_id, bool finishes) WARN_UNUSED;

#endif
