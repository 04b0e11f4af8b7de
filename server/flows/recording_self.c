/*
 * recording_self: the applicant's own page (/v1/me) and the change of their
 * address, which takes effect only once the link sent to the new address is
 * followed, so nobody can move a record to an address they cannot read mail
 * for. See recording.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/problem.h"
#include "core/token.h"
#include "domain/letters.h"
#include "domain/privacy.h"
#include "domain/profile.h"
#include "flows/flow.h"
#include "flows/record.h"
#include "flows/recording.h"
#include "flows/requests.h"
#include "store/applicants.h"
#include "store/email_changes.h"
#include "store/outbox.h"
#include "store/privacy.h"

#define NO_SUCH_CODE "no change of address has this code: it was used, or it expired after 24 hours"

/* What the record's page adds to the record: applications, documents, a pending address. */
static int
add_own(const struct flow *f, json_t *doc)
{
	const char *self = f->who->applicant_id;
	json_t *pending = NULL;
	struct record rec;

	if (record_gather(f, self, NULL, false, &rec) != 0) {
		record_fini(&rec);
		return -1;
	}
	if (email_changes_pending(f->db, self, &pending) != 0) {
		record_fini(&rec);
		return flow_fail_db(f);
	}
	json_object_set_new(doc, "applications", record_own_applications(&rec));
	json_object_set_new(doc, "documents", record_own_documents(&rec));
	record_fini(&rec);
	/* a new address waiting for its link: the record keeps the old one until then */
	json_object_set_new(doc, "pending_email", pending);
	return 0;
}

int
recording_self_read(const struct flow *f, json_t **doc, long *version)
{
	if (recording_read(f, f->who->applicant_id, doc, version) != 0)
		return -1;
	if (add_own(f, *doc) != 0) {
		json_decref(*doc);
		*doc = NULL;
		return -1;
	}
	json_object_set_new(*doc, "session",
	                    json_pack("{s:s, s:s}", "signed_in_at", f->who->signed_in_at,
	                              "expires_at", f->who->expires_at));
	return 0;
}

/* Queue letter l (finished here) of kind to `to`: 0, or -1 with the problem set. */
static int
queue_letter(const struct flow *f, const char *kind, const char *to, const char *applicant,
             struct letter *l)
{
	struct outbox_mail m = {.kind = kind,
	                        .applicant_id = applicant,
	                        .to = to,
	                        .subject = l->subject,
	                        .body = l->body};
	int rc = outbox_enqueue(f->db, &m, f->request_id);

	letter_fini(l);
	return rc != 0 ? flow_fail_db(f) : 0;
}

int
recording_email_start(const struct flow *f, const char *applicant, const char *email,
                      const char *request_id, bool finishes)
{
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1], masked[320];
	struct letter l;

	if (code_new(code, code_sha) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	privacy_mask_email(email, masked, sizeof(masked));
	if (email_changes_insert(f->db, applicant, code, code_sha, email, masked, request_id,
	                         finishes) != 0) {
		explicit_bzero(code, sizeof(code));
		return flow_fail_db(f);
	}
	char *link = xasprintf("%s/me?email_code=%s", f->cfg->public_url, code);
	explicit_bzero(code, sizeof(code));
	letter_email_confirm(&l, f->cfg->company_name, link);
	explicit_bzero(link, strlen(link));
	free(link);
	return queue_letter(f, "email_confirmation", email, applicant, &l);
}

/* The privacy correction c belongs to (if any): noted, and ended when the link finishes it. */
static int
note_correction(const struct flow *f, const struct email_change *c)
{
	json_t *q = NULL;
	int rc;

	if (c->request_id[0] == '\0')
		return 0;
	if (privacy_event(f->db, c->request_id, "email_corrected", "requester") != 0)
		return flow_fail_db(f);
	if (!c->finishes)
		return 0;
	if ((rc = privacy_get(f->db, c->request_id, NULL, &q)) != 0)
		return rc < 0 ? flow_fail_db(f) : 0; /* the request was purged meanwhile */
	rc = strcmp(json_string_value(json_object_get(q, "status")), "in_progress") != 0
	         ? 0
	         : requests_end(f, &(struct requests_ending){.id = c->request_id,
	                                                     .type = "correct",
	                                                     .applicant = c->applicant_id,
	                                                     .status = "completed",
	                                                     .outcome = "fulfilled",
	                                                     .detail = "Your contact details are "
	                                                               "corrected.",
	                                                     .actor = "system"});
	json_decref(q);
	return rc;
}

/* Write c's address over the record's, audited: 0 with the old address (new string), or -1. */
static int
write_address(const struct flow *f, const struct email_change *c, char **old)
{
	json_t *cur = NULL, *record = NULL;
	long have, version;
	int rc;

	if ((rc = applicants_current(f->db, c->applicant_id, &cur, &have)) != 0)
		return rc < 0 ? flow_fail_db(f) : flow_fail(f, 404, NULL, "the record is gone");
	*old = xstrdup(json_string_value(json_object_get(cur, "email")));
	json_t *doc = json_object();
	for (int k = 0; profile_editable[k]; k++)
		json_object_set(doc, profile_editable[k],
		                json_object_get(cur, profile_editable[k]));
	json_object_set_new(doc, "email", json_string(c->email));
	profile_normalize(doc);
	rc = applicants_update(f->db, c->applicant_id, have, doc, "applicant", f->request_id,
	                       "applicant:email", &record, &version);
	json_decref(record);
	json_decref(doc);
	json_decref(cur);
	if (rc == 0)
		return 0;
	explicit_bzero(*old, strlen(*old));
	free(*old);
	return rc < 0 ? flow_fail_db(f) : flow_retry(f); /* changed under us: the request again */
}

/* The record's address becomes c->email, the old one is told, a privacy correction noted. */
static int
apply_change(const struct flow *f, const struct email_change *c)
{
	struct letter l;
	char other[37], *old = NULL;
	int rc;

	if ((rc = applicants_find_email(f->db, c->email, other)) < 0)
		return flow_fail_db(f);
	if (rc == 0 && strcmp(other, c->applicant_id) != 0)
		return flow_fail(f, 409, "duplicate-email",
		                 "another applicant's record has this address");
	if (write_address(f, c, &old) != 0)
		return -1;
	letter_email_changed(&l, f->cfg->company_name);
	rc = queue_letter(f, "email_changed", old, c->applicant_id, &l);
	explicit_bzero(old, strlen(old));
	free(old);
	return rc != 0 ? -1 : note_correction(f, c);
}

int
recording_email_confirm(const struct flow *f, const char *code, const char *code_sha256)
{
	struct email_change c;
	int rc;

	if (code == NULL)
		return flow_fail(f, 404, NULL, NO_SUCH_CODE);
	if (flow_begin(f) != 0)
		return -1;
	if ((rc = email_changes_take(f->db, code, code_sha256, &c)) != 0) {
		if (rc < 0)
			flow_fail_db(f);
		else
			flow_fail(f, 404, NULL, NO_SUCH_CODE);
		return flow_rollback(f);
	}
	rc = apply_change(f, &c);
	email_change_fini(&c);
	if (rc != 0)
		return flow_rollback(f);
	return flow_commit(f);
}
