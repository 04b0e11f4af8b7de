/*
 * apply: the public way in. POST /v1/apply takes a person's contact data,
 * their consent and their resume, and holds them as a pending submission
 * (store/pending.h) with an e-mail carrying a confirmation link, in one
 * transaction; it answers 202 the same way whether or not the address is on
 * record, so the endpoint tells nobody who has applied. POST
 * /v1/apply/confirmations turns the submission into an application: of a new
 * applicant, or of the record on file with that address (whose other data
 * does not change), and opens a session for it. When the privacy notice is
 * not accepted or the 16-or-over attestation is missing, nothing at all is
 * stored: every check comes before the database. A browser posting the form
 * without JavaScript gets a page, not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/documents.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/pages.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/app.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/letters.h"
#include "domain/profile.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/pending.h"
#include "store/privacy.h"

static const char *const parts[] = {"full_name",
                                    "email",
                                    "phone",
                                    "opening_id",
                                    "privacy_notice_accepted",
                                    "age_16_or_over",
                                    "marketing_opt_in",
                                    "resume",
                                    NULL};

/* Form fields as an applicant document; "" counts as absent (browsers send empty fields). */
static json_t *
applicant_doc(json_t *text, struct problem *p)
{
	json_t *doc = json_object();
	static const char *const copied[] = {"full_name", "email", "phone", NULL};
	const char *m = json_string_value(json_object_get(text, "marketing_opt_in"));

	for (const char *const *k = copied; *k; k++) {
		const char *v = json_string_value(json_object_get(text, *k));
		if (v != NULL && *v != '\0')
			json_object_set_new(doc, *k, json_string(v));
	}
	if (m != NULL && *m != '\0' && strcmp(m, "true") != 0 && strcmp(m, "false") != 0)
		problem_field(p, "marketing_opt_in", "must be true or false");
	json_object_set_new(doc, "marketing_opt_in",
	                    json_boolean(m != NULL && strcmp(m, "true") == 0));
	json_object_set_new(doc, "source", json_pack("{s:s, s:n}", "type", "direct", "detail"));
	return doc;
}

static void
require_true(json_t *text, const char *field, const char *why, struct problem *p)
{
	const char *v = json_string_value(json_object_get(text, field));

	if (v == NULL || strcmp(v, "true") != 0)
		problem_field(p, field, "must be true: %s", why);
}

/* Every check of the form; the applicant document (new) when all pass, else NULL with the problem
 * set. */
static json_t *
check_form(struct req *r, const struct form *form, json_t *text)
{
	struct problem *p = req_problem(r);
	const char *unknown = form_unknown(form, parts);
	const char *opening = json_string_value(json_object_get(text, "opening_id"));
	const struct form_file *resume = form_file(form, "resume");
	json_t *doc = applicant_doc(text, p);

	if (unknown != NULL)
		problem_field(p, has_control_chars(unknown) ? "?" : unknown,
		              "is not a known field");
	for (const char *const *k = parts; *k; k++)
		if (form_count(form, *k) > 1)
			problem_field(p, *k, "must be given once");
	profile_validate(doc, true, p);
	if (opening == NULL || *opening == '\0')
		problem_field(p, "opening_id", "is required");
	else if (!is_uuid(opening))
		problem_field(p, "opening_id", "must be the id of an open opening");
	require_true(text, "privacy_notice_accepted", "the privacy notice has to be accepted", p);
	require_true(text, "age_16_or_over", "applicants must be 16 or over", p);
	if (resume == NULL)
		problem_field(p, "resume", "is required: attach your resume");
	else if (resume->len == 0)
		problem_field(p, "resume", "is empty");
	if (req_fail_fields(r) != 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* Hold the submission and queue its confirmation e-mail, in the keyed transaction f opened; 202. */
static int
hold(struct req *r, const struct flow *f, const struct idem *k, const json_t *doc,
     const char *opening, const struct form_file *resume, enum doc_type type)
{
	struct db *db = f->db;
	const struct config *cfg = req_app(r)->cfg;
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1], file_sha[2 * SHA256_LEN + 1];
	unsigned char hash[SHA256_LEN];
	char *name, *link, *text;
	struct letter letter;
	int rc;

	if (code_new(code, code_sha) != 0)
		return req_fail(r, 503, "no randomness available; retry");
	sha256(resume->data, resume->len, hash);
	hex_encode(hash, SHA256_LEN, file_sha);
	name = upload_safe_name(resume->filename);
	struct pending_new p = {.full_name = json_string_value(json_object_get(doc, "full_name")),
	                        .email = json_string_value(json_object_get(doc, "email")),
	                        .phone = json_string_value(json_object_get(doc, "phone")),
	                        .marketing_opt_in =
	                            json_is_true(json_object_get(doc, "marketing_opt_in")),
	                        .sharing_opt_out = req_gpc(r),
	                        .notice_version = cfg->notice_version,
	                        .opening_id = opening,
	                        .filename = name,
	                        .content_type = upload_content_type(type),
	                        .sha256 = file_sha,
	                        .data = resume->data,
	                        .len = resume->len,
	                        .code = code,
	                        .code_sha256 = code_sha};
	link = xasprintf("%s/apply/confirm?code=%s", cfg->public_url, code);
	letter_confirm_application(&letter, cfg->company_name, link);
	struct outbox_mail m = {.kind = "application_confirmation",
	                        .to = p.email,
	                        .subject = letter.subject,
	                        .body = letter.body};
	json_t *body = json_pack("{s:s}", "status", "confirmation-sent");
	text = jsonx_dump(body);
	if ((rc = pending_insert(db, &p)) < 0 ||
	    (rc == 0 && outbox_enqueue(db, &m, req_id(r)) != 0)) {
		rc = rest_fail_db(r, db);
	} else if (rc == 1) {
		db_rollback(db);
		problem_field(req_problem(r), "opening_id", "must be the id of an open opening");
		rc = req_fail_fields(r);
	} else if (idem_commit(f, k, 202, NULL, NULL) != 0) {
		rc = -1;
	} else {
		rc = reply_bytes(r, 202, "application/json", text, strlen(text));
	}
	free(text);
	json_decref(body);
	letter_fini(&letter);
	explicit_bzero(link, strlen(link));
	free(link);
	free(name);
	return rc;
}

static int
submit(struct req *r)
{
	const struct form *form = req_form(r);
	json_t *text = form_text_json(form), *doc = NULL;
	const struct form_file *resume = form_file(form, "resume");
	enum doc_type type;
	struct idem key;
	struct idem_answer first;
	struct flow f;
	struct db *db;
	int rc = -1, keyed = 0;

	if (text == NULL)
		return req_fail(r, 400, "a form field is not valid UTF-8");
	/* Every request from an address counts, valid or not; the e-mail address once it is one. */
	if ((db = req_db(r)) != NULL && throttle_client(r, db, "apply") == 0 &&
	    (doc = check_form(r, form, text)) != NULL &&
	    (type = documents_check(r, resume, "resume")) != DOC_UNKNOWN &&
	    throttle_email(r, db, "apply", json_string_value(json_object_get(doc, "email"))) == 0 &&
	    (keyed = idem_of(r, "apply", &key)) >= 0 && rest_flow(r, &f) == 0 &&
	    (rc = idem_begin(&f, IDEM_OR_NULL(keyed, &key), &first)) == 0) {
		rc = hold(r, &f, IDEM_OR_NULL(keyed, &key), doc,
		          json_string_value(json_object_get(text, "opening_id")), resume, type);
	} else if (rc > 0) { /* a retry: the first answer again, and no second e-mail */
		idem_replayed(r);
		rc = reply_json(r, first.status, json_pack("{s:s}", "status", "confirmation-sent"));
	}
	json_decref(text);
	json_decref(doc);
	return rc;
}

int
apply_submit(struct req *r)
{
	int rc = submit(r);

	return req_wants_html(r) ? pages_answer(r, rc, 202) : rc;
}

/* ------------------------------------------------------------------ */
/* confirming                                                           */

#define NO_SUCH_CODE                                                                               \
	"no pending application has this code: it was used, or it expired after 24 hours"

struct confirmed {
	char applicant[37], application[37];
	struct session session;
};

/* The person's own new application lifts the suppression their erasure left. */
static int
lift_suppression(struct req *r, struct db *db, const char *applicant)
{
	json_t *record = NULL;
	long version;
	int rc = applicants_current(db, applicant, &record, &version);

	if (rc == 0 && privacy_unsuppress(db, json_string_value(json_object_get(record, "email")),
	                                  "erased") != 0)
		rc = -1;
	json_decref(record);
	return rc < 0 ? rest_fail_db(r, db) : 0;
}

/* In the caller's transaction: the submission to an application, and a session. */
static int
confirm(struct req *r, struct db *db, const char *code, const char *code_sha, struct confirmed *c)
{
	struct pending_open pending;
	bool created;
	int rc;

	if ((rc = pending_take(db, code, code_sha, &pending)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, NO_SUCH_CODE);
	const char *contact[3] = {pending.full_name, pending.email, pending.phone};
	int adopted = applicants_adopt(db, pending.id, contact, req_gpc(r), req_id(r), c->applicant,
	                               &created);
	bool lifted = adopted != 0 || !created || lift_suppression(r, db, c->applicant) == 0;
	if (adopted == 0 && lifted)
		rc = pending_attach(db, &pending, c->applicant, req_id(r), c->application);
	pending_open_free(&pending);
	if (adopted != 0)
		return adopted < 0 ? rest_fail_db(r, db) : req_retry(r);
	if (!lifted)
		return -1;
	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc == 1)
		return req_fail(r, 409, "the opening is no longer open");
	if (rc == 2) {
		req_problem(r)->slug = "already-applied";
		problem_extra(req_problem(r), "application_id", json_string(c->application));
		return req_fail(r, 409, "you have applied to this opening already");
	}
	if ((rc = auth_session_open(db, c->applicant, req_app(r)->cfg->applicant_token_hours,
	                            req_id(r), &c->session)) != 0)
		return rc < 0 ? rest_fail_db(r, db)
		              : req_fail(r, 503, "no randomness available; retry");
	return 0;
}

int
apply_confirm(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	struct confirmed c = {0};
	const char *code;
	struct db *db;
	int rc;

	if ((rc = rest_code_body(r, code_sha, &code)) != 0)
		return rc < 0 ? -1 : req_fail(r, 404, NO_SUCH_CODE);
	if ((db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if (confirm(r, db, code, code_sha, &c) != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	json_t *out =
	    json_pack("{s:s, s:s, s:s, s:s, s:s}", "applicant_id", c.applicant, "application_id",
	              c.application, "applicant_token", c.session.token, "token_expires_at",
	              c.session.expires_at, "signed_in_at", c.session.signed_in_at);
	reply_header(r, "Location", "/v1/me");
	rc = reply_json(r, 201, out);
	explicit_bzero(c.session.token, sizeof(c.session.token));
	return rc;
}
