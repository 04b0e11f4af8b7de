/*
 * sessions: sign-in links and applicant sessions. See sessions.h. The code
 * of a link and the token of a session are wiped once used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "domain/letters.h"
#include "flows/flow.h"
#include "flows/sessions.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/outbox.h"

#define NO_SUCH_CODE                                                                               \
	"no sign-in link has this code: it was used, or it expired after 15 minutes; ask for a "   \
	"new one"

/* Keep the code's hash and queue the link to email, in the open transaction: 0, or -1. */
static int
queue_link(const struct flow *f, const char *applicant, const char *email)
{
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1];
	struct letter letter;
	int rc;

	if (code_new(code, code_sha) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	char *link = xasprintf("%s/me?code=%s", f->cfg->public_url, code);
	explicit_bzero(code, sizeof(code));
	letter_sign_in(&letter, f->cfg->company_name, link);
	struct outbox_mail m = {.kind = "sign_in",
	                        .applicant_id = applicant,
	                        .to = email,
	                        .subject = letter.subject,
	                        .body = letter.body};
	rc = auth_code_store(f->db, applicant, code_sha) != 0 ||
	             outbox_enqueue(f->db, &m, f->request_id) != 0
	         ? flow_fail_db(f)
	         : 0;
	letter_fini(&letter);
	explicit_bzero(link, strlen(link));
	free(link);
	return rc;
}

static int
sessions_link_now(const struct flow *f, const char *email)
{
	char applicant[37];
	int rc = applicants_find_mailbox(f->db, email, applicant);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0) /* not on record: nothing to send, and nothing told */
		return 0;
	if (flow_begin(f) != 0)
		return -1;
	if (queue_link(f, applicant, email) != 0)
		return flow_rollback(f);
	return flow_commit(f);
}

int
sessions_link(const struct flow *f, const char *email)
{
	return flow_link_paced(f, email, sessions_link_now);
}

int
sessions_open(const struct flow *f, const char *applicant_id, struct sessions_opened *s)
{
	struct session opened;
	int rc = auth_session_open(f->db, applicant_id, f->cfg->applicant_token_hours,
	                           f->request_id, &opened);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	memcpy(s->token, opened.token, sizeof(s->token));
	memcpy(s->expires_at, opened.expires_at, sizeof(s->expires_at));
	memcpy(s->signed_in_at, opened.signed_in_at, sizeof(s->signed_in_at));
	explicit_bzero(&opened, sizeof(opened));
	return 0;
}

int
sessions_exchange(const struct flow *f, const char *code_sha256, struct sessions_opened *s)
{
	char applicant[37];
	int rc;

	if (code_sha256 == NULL)
		return flow_fail(f, 404, NULL, NO_SUCH_CODE);
	if (flow_begin(f) != 0)
		return -1;
	/* the code is deleted as it is used: single use, whatever happens next */
	if ((rc = auth_code_use(f->db, code_sha256, applicant)) != 0) {
		if (rc < 0)
			flow_fail_db(f);
		else
			flow_fail(f, 404, NULL, NO_SUCH_CODE);
		return flow_rollback(f);
	}
	if (sessions_open(f, applicant, s) != 0)
		return flow_rollback(f);
	if (flow_commit(f) != 0) {
		explicit_bzero(s, sizeof(*s));
		return -1;
	}
	return 0;
}

int
sessions_close(const struct flow *f)
{
	return auth_session_close(f->db, f->who, f->request_id) < 0 ? flow_fail_db(f) : 0;
}
