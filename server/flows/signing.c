/*
 * signing: staff sign-in by link, and console sessions. See signing.h.
 * Codes and tokens are wiped once used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/fold.h"
#include "domain/letters.h"
#include "flows/flow.h"
#include "flows/signing.h"
#include "store/outbox.h"
#include "store/staff.h"
#include "store/staff_sessions.h"

#define NO_SUCH_CODE                                                                               \
	"no sign-in link has this code: it was used, or it expired after 15 minutes; ask for a "   \
	"new one"

/* Keep a code for member and queue its link to email, in the open transaction: 0, or -1. */
static int
queue_link(const struct flow *f, const char *member, const char *email)
{
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1];
	struct letter letter;
	int rc;

	if (code_new(code, code_sha) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	char *link = xasprintf("%s/staff/sign-in?code=%s", f->cfg->public_url, code);
	explicit_bzero(code, sizeof(code));
	letter_staff_sign_in(&letter, f->cfg->company_name, link);
	struct outbox_mail m = {
	    .kind = "staff_sign_in", .to = email, .subject = letter.subject, .body = letter.body};
	rc = staff_code_store(f->db, member, code_sha) != 0 ||
	             outbox_enqueue(f->db, &m, f->request_id) != 0
	         ? flow_fail_db(f)
	         : 0;
	letter_fini(&letter);
	explicit_bzero(link, strlen(link));
	free(link);
	return rc;
}

static int
signing_link_now(const struct flow *f, const char *email)
{
	struct staff_who who;
	char *folded = fold_email(email);
	int rc = staff_find_email(f->db, folded, &who);

	free(folded);
	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0 || !who.active) /* nobody to send to, and nothing told */
		return 0;
	/* the member's own mailbox, not one that only folds like it ("ß" for "ss") */
	json_t *member = NULL;
	long version;
	if ((rc = staff_current(f->db, who.id, &member, &version)) < 0)
		return flow_fail_db(f);
	bool same = rc == 0 &&
	            fold_same_mailbox(email, json_string_value(json_object_get(member, "email")));
	json_decref(member);
	if (!same)
		return 0;
	if (flow_begin(f) != 0)
		return -1;
	if (queue_link(f, who.id, email) != 0)
		return flow_rollback(f);
	return flow_commit(f);
}

int
signing_link(const struct flow *f, const char *email)
{
	return flow_link_paced(f, email, signing_link_now);
}

int
signing_open(const struct flow *f, const char *member_id, const char *method, char *token)
{
	int rc = staff_session_open(f->db, member_id, method, f->request_id, token);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, NO_SUCH_CODE); /* deactivated meanwhile */
	return 0;
}

int
signing_exchange(const struct flow *f, const char *code_sha256, char *token)
{
	char member[37];
	int rc;

	if (code_sha256 == NULL)
		return flow_fail(f, 404, NULL, NO_SUCH_CODE);
	if (flow_begin(f) != 0)
		return -1;
	/* the code is deleted as it is used: single use, whatever happens next */
	if ((rc = staff_code_use(f->db, code_sha256, member)) != 0) {
		if (rc < 0)
			flow_fail_db(f);
		else
			flow_fail(f, 404, NULL, NO_SUCH_CODE);
		return flow_rollback(f);
	}
	if (signing_open(f, member, "link", token) != 0)
		return flow_rollback(f);
	if (flow_commit(f) != 0) {
		explicit_bzero(token, TOKEN_MAX_LEN);
		return -1;
	}
	return 0;
}

int
signing_check(const struct flow *f, const char *token, struct actor *who, char member_id[37])
{
	struct staff_session s;
	int rc = staff_session_check(f->db, token, &s);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0 || s.role == ROLE_NONE)
		return 1;
	memset(who, 0, sizeof(*who));
	who->role = s.role;
	snprintf(who->name, sizeof(who->name), "member:%s", s.member_id);
	snprintf(member_id, 37, "%s", s.member_id);
	return 0;
}

int
signing_close(const struct flow *f, const char *token)
{
	char key_id[TOKEN_KEY_ID_LEN + 1];
	unsigned char hash[SHA256_LEN];

	if (token_parse(token, STAFF_COOKIE_PREFIX, key_id, hash) != 0)
		return 0;
	return staff_session_close(f->db, key_id, f->who->name, f->request_id) < 0 ? flow_fail_db(f)
	                                                                           : 0;
}
