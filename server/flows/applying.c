/*
 * applying: holding a submission and confirming it. See applying.h. When
 * the privacy notice is not accepted or the 16-or-over attestation is
 * missing, nothing reaches here: every check of the form comes before the
 * database (api/apply.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/problem.h"
#include "domain/letters.h"
#include "domain/upload.h"
#include "flows/applying.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/openings.h"
#include "store/outbox.h"
#include "store/pending.h"
#include "store/privacy.h"

#define NO_SUCH_CODE                                                                               \
	"no pending application has this code: it was used, or it expired after 24 hours"

/*
 * Queue the confirmation link to the submission's address, naming the
 * position (the opening is open: the submission was just held for it), in
 * the open transaction. 0 or -1.
 */
static int
queue_link(const struct flow *f, const char *to, const char *opening_id, const char *code)
{
	struct letter letter;
	json_t *opening = NULL;

	if (openings_find(f->db, opening_id, false, &opening) < 0)
		return -1;
	const char *title = json_string_value(json_object_get(opening, "title"));
	char *link = xasprintf("%s/apply/confirm?code=%s", f->cfg->public_url, code);
	letter_confirm_application(&letter, f->cfg->company_name, title ? title : "you chose",
	                           link);
	json_decref(opening);
	struct outbox_mail m = {.kind = "application_confirmation",
	                        .to = to,
	                        .subject = letter.subject,
	                        .body = letter.body};
	int rc = outbox_enqueue(f->db, &m, f->request_id);
	letter_fini(&letter);
	explicit_bzero(link, strlen(link));
	free(link);
	return rc;
}

/* In the open transaction: the submission held under a new code, its link queued. */
static int
hold(const struct flow *f, const struct applying_form *in)
{
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1], file_sha[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	int rc;

	if (code_new(code, code_sha) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	sha256(in->data, in->len, hash);
	hex_encode(hash, SHA256_LEN, file_sha);
	char *name = upload_safe_name(in->filename);
	struct pending_new p = {.full_name = in->full_name,
	                        .email = in->email,
	                        .phone = in->phone,
	                        .marketing_opt_in = in->marketing_opt_in,
	                        .sharing_opt_out = in->sharing_opt_out,
	                        .notice_version = f->cfg->notice_version,
	                        .opening_id = in->opening_id,
	                        .filename = name,
	                        .content_type = in->content_type,
	                        .sha256 = file_sha,
	                        .data = in->data,
	                        .len = in->len,
	                        .code = code,
	                        .code_sha256 = code_sha};
	if ((rc = pending_insert(f->db, &p)) < 0 ||
	    (rc == 0 && queue_link(f, in->email, in->opening_id, code) != 0))
		rc = flow_fail_db(f);
	else if (rc == 1) {
		problem_field(f->problem, "opening_id", "must be the id of an open opening");
		rc = flow_fail_fields(f);
	}
	explicit_bzero(code, sizeof(code));
	free(name);
	return rc;
}

int
applying_hold(const struct flow *f, const struct idem *k, const struct applying_form *in,
              bool *replayed)
{
	struct idem_answer first;
	int rc;

	*replayed = false;
	if ((rc = idem_begin(f, k, &first)) != 0) {
		*replayed = rc > 0; /* a retry: the first answer again, and no second e-mail */
		return rc > 0 ? 0 : -1;
	}
	if (hold(f, in) != 0)
		return flow_rollback(f);
	return idem_commit(f, k, 202, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* confirming                                                           */

/* The person's own new application lifts the suppression their erasure left. */
static int
lift_suppression(const struct flow *f, const char *applicant)
{
	json_t *record = NULL;
	long version;
	int rc = applicants_current(f->db, applicant, &record, &version);

	if (rc == 0 &&
	    privacy_unsuppress(f->db, json_string_value(json_object_get(record, "email")),
	                       "erased") != 0)
		rc = -1;
	json_decref(record);
	return rc < 0 ? flow_fail_db(f) : 0;
}

/* pending_attach's outcome as the person is told it: 0 made, or -1 with the problem set. */
static int
attached(const struct flow *f, int rc, const char *application)
{
	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 1)
		return flow_fail(f, 409, NULL, "the opening is no longer open");
	if (rc == 2) {
		problem_extra(f->problem, "application_id", json_string(application));
		return flow_fail(f, 409, "already-applied",
		                 "you have applied to this opening already");
	}
	return 0;
}

/* A session for the new applicant: 0 with its token and times in out, or -1. */
static int
open_session(const struct flow *f, struct applying_confirmed *out)
{
	struct session s;
	int rc = auth_session_open(f->db, out->applicant_id, f->cfg->applicant_token_hours,
	                           f->request_id, &s);

	if (rc != 0)
		return rc < 0 ? flow_fail_db(f)
		              : flow_fail(f, 503, NULL, "no randomness available; retry");
	snprintf(out->token, sizeof(out->token), "%s", s.token);
	snprintf(out->expires_at, sizeof(out->expires_at), "%s", s.expires_at);
	snprintf(out->signed_in_at, sizeof(out->signed_in_at), "%s", s.signed_in_at);
	explicit_bzero(s.token, sizeof(s.token));
	return 0;
}

/*
 * Whether the record found for the submission's address is that mailbox
 * (fold_same_mailbox): an address that only folds like the record's ("ß"
 * for "ss") gets neither an application on it nor a session for it, and
 * cannot have a record of its own beside it (one key for both): -1 with 409.
 */
static bool
same_mailbox(const struct flow *f, const char *email, const char *applicant)
{
	json_t *record = NULL;
	long version;
	int rc = applicants_current(f->db, applicant, &record, &version);
	bool same = rc == 0 &&
	            fold_same_mailbox(email, json_string_value(json_object_get(record, "email")));

	json_decref(record);
	if (rc < 0)
		flow_fail_db(f);
	else if (!same)
		flow_fail(f, 409, "duplicate-email",
		          "another address that differs from this one only in how its letters fold "
		          "is on record; apply with that address, or with another one");
	return same;
}

/* In the open transaction: the submission to an application, and a session. */
static int
confirm(const struct flow *f, const char *code, const char *code_sha, bool gpc,
        struct applying_confirmed *out)
{
	struct pending_open pending;
	bool created;
	int rc;

	if ((rc = pending_take(f->db, code, code_sha, &pending)) != 0)
		return rc < 0 ? flow_fail_db(f) : flow_fail(f, 404, NULL, NO_SUCH_CODE);
	const char *contact[3] = {pending.full_name, pending.email, pending.phone};
	int adopted = applicants_adopt(f->db, pending.id, contact, gpc, f->request_id,
	                               out->applicant_id, &created);
	if (adopted == 0 && !created && !same_mailbox(f, pending.email, out->applicant_id)) {
		pending_open_free(&pending);
		return -1;
	}
	bool lifted = adopted != 0 || !created || lift_suppression(f, out->applicant_id) == 0;
	if (adopted == 0 && lifted)
		rc = pending_attach(f->db, &pending, out->applicant_id, f->request_id,
		                    out->application_id);
	pending_open_free(&pending);
	if (adopted != 0)
		return adopted < 0 ? flow_fail_db(f) : flow_retry(f);
	if (!lifted || attached(f, rc, out->application_id) != 0)
		return -1;
	return open_session(f, out);
}

int
applying_confirm(const struct flow *f, const char *code, const char *code_sha256, bool gpc,
                 struct applying_confirmed *out)
{
	if (flow_begin(f) != 0)
		return -1;
	if (confirm(f, code, code_sha256, gpc, out) != 0 || flow_commit(f) != 0) {
		explicit_bzero(out->token, sizeof(out->token));
		return flow_rollback(f);
	}
	return 0;
}
