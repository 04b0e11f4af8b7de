/*
 * email_change: starting a change of address, confirmed by a link to the new
 * address (email_confirm.c follows it). See include/api/email_change.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/email_change.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/config.h"
#include "core/token.h"
#include "domain/letters.h"
#include "domain/privacy.h"
#include "edge/request.h"
#include "store/db.h"
#include "store/email_changes.h"
#include "store/outbox.h"

int
email_change_start(struct req *r, struct db *db, const char *applicant, const char *email,
                   const char *request_id, bool finishes)
{
	const struct config *cfg = req_app(r)->cfg;
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1], masked[320];
	struct letter l;
	int rc;

	if (code_new(code, code_sha) != 0)
		return req_fail(r, 503, "no randomness available; retry");
	privacy_mask_email(email, masked, sizeof(masked));
	if (email_changes_insert(db, applicant, code, code_sha, email, masked, request_id,
	                         finishes) != 0) {
		explicit_bzero(code, sizeof(code));
		return rest_fail_db(r, db);
	}
	char *link = xasprintf("%s/me?email_code=%s", cfg->public_url, code);
	explicit_bzero(code, sizeof(code));
	letter_email_confirm(&l, cfg->company_name, link);
	struct outbox_mail m = {.kind = "email_confirmation",
	                        .applicant_id = applicant,
	                        .to = email,
	                        .subject = l.subject,
	                        .body = l.body};
	rc = outbox_enqueue(db, &m, req_id(r)) != 0 ? rest_fail_db(r, db) : 0;
	letter_fini(&l);
	explicit_bzero(link, strlen(link));
	free(link);
	return rc;
}
