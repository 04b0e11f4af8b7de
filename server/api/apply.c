/*
 * apply: the public way in. The careers page (GET /apply) and POST
 * /v1/apply, which takes a person's contact data, their consent and their
 * resume, and creates in one statement the applicant, the application, its
 * first history entry and de-identified stage event, the resume, the
 * applicant's token (only its hash is kept) and the audit entries. When the
 * privacy notice is not accepted or the 16-or-over attestation is missing,
 * nothing at all is stored: every check comes before the database.
 *
 * An e-mail address already on record is refused (409): attaching the new
 * application to that record would hand whoever typed the address a token
 * to someone else's data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/documents.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/profile.h"
#include "edge/assets.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/db.h"

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

/* 409 for an address on record: the same opening again, or any other. */
static int
fail_on_record(struct req *r, struct db *db, const char *email, const char *opening)
{
	int again;

	db_rollback(db);
	if ((again = applicants_applied_before(db, email, opening)) < 0)
		return rest_fail_db(r, db);
	problem_field(req_problem(r), "email",
	              "an application with this e-mail address is on record");
	if (again) {
		req_problem(r)->slug = "duplicate-application";
		return req_fail(r, 409, "this e-mail address has applied to this opening already");
	}
	req_problem(r)->slug = "email-on-record";
	return req_fail(r, 409,
	                "this e-mail address is on record; to apply again, use the applicant token "
	                "you were given");
}

struct made {
	char token[TOKEN_MAX_LEN];
	char key_id[TOKEN_KEY_ID_LEN + 1];
	char hash[2 * SHA256_LEN + 1];
	char file_hash[2 * SHA256_LEN + 1];
	char *name;
};

/* Whether the browser sent Global Privacy Control (Sec-GPC: 1): a sharing opt-out, recorded. */
static bool
gpc(struct req *r)
{
	const char *v = req_header(r, "Sec-GPC");

	return v != NULL && strcmp(v, "1") == 0;
}

/* Run the insert; 0 with the reply set, -1 with the problem set. */
static int
store(struct req *r, struct db *db, const json_t *doc, const char *opening,
      const struct form_file *resume, enum doc_type type, struct made *m)
{
	const char *email = json_string_value(json_object_get(doc, "email"));
	struct application_new a = {
	    .full_name = json_string_value(json_object_get(doc, "full_name")),
	    .email = email,
	    .phone = json_string_value(json_object_get(doc, "phone")),
	    .marketing_opt_in = json_is_true(json_object_get(doc, "marketing_opt_in")),
	    .sharing_opt_out = gpc(r),
	    .notice_version = req_app(r)->cfg->notice_version,
	    .opening_id = opening,
	    .filename = m->name,
	    .content_type = upload_content_type(type),
	    .sha256 = m->file_hash,
	    .data = resume->data,
	    .len = resume->len,
	    .token_key_id = m->key_id,
	    .token_hash = m->hash};
	char applicant_id[37], application_id[37];
	bool keyed = idem_wanted(r);
	int rc;

	if (keyed && db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((rc = applicants_apply(db, &a, req_id(r), applicant_id, application_id)) < 0) {
		if (db_failure(db) == DB_UNIQUE &&
		    strcmp(db_constraint(db), APPLICANTS_EMAIL_KEY) == 0)
			return fail_on_record(r, db, email, opening);
		return rest_fail_db(r, db);
	}
	if (rc == 2)
		return fail_on_record(r, db, email, opening);
	if (rc > 0) {
		problem_field(req_problem(r), "opening_id", "must be the id of an open opening");
		return req_fail_fields(r);
	}
	json_t *body = json_pack("{s:s, s:s, s:s}", "applicant_id", applicant_id, "application_id",
	                         application_id, "applicant_token", m->token);
	char *text = jsonx_dump(body);
	if (keyed && idem_commit(r, db, "apply", 201, text, "/v1/me", applicant_id) != 0) {
		rc = idem_lost_race(r, db, "apply");
	} else {
		reply_header(r, "Location", "/v1/me");
		rc = reply_bytes(r, 201, "application/json", text, strlen(text));
	}
	free(text);
	json_decref(body);
	return rc;
}

int
apply_submit(struct req *r)
{
	const struct form *form = req_form(r);
	json_t *text = form_text_json(form), *doc;
	const struct form_file *resume = form_file(form, "resume");
	unsigned char hash[SHA256_LEN];
	struct made m = {0};
	enum doc_type type;
	struct db *db;
	int rc;

	if (text == NULL)
		return req_fail(r, 400, "a form field is not valid UTF-8");
	if ((doc = check_form(r, form, text)) == NULL ||
	    (type = documents_check(r, resume, "resume")) == DOC_UNKNOWN ||
	    (db = req_db(r)) == NULL || (rc = idem_replay(r, db, "apply")) != 0) {
		json_decref(text);
		json_decref(doc);
		return req_problem(r)->status ? -1 : 0;
	}
	if (token_new(TOKEN_APPLICANT_PREFIX, m.token, m.key_id, hash) != 0) {
		rc = req_fail(r, 503, "no randomness available; retry");
	} else {
		hex_encode(hash, SHA256_LEN, m.hash);
		sha256(resume->data, resume->len, hash);
		hex_encode(hash, SHA256_LEN, m.file_hash);
		m.name = upload_safe_name(resume->filename);
		rc = store(r, db, doc, json_string_value(json_object_get(text, "opening_id")),
		           resume, type, &m);
		free(m.name);
	}
	json_decref(text);
	json_decref(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* the careers page                                                     */

#define PAGE_POLICY                                                                                \
	"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src "    \
	"'self' data:; "                                                                           \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

static int
asset(struct req *r, const char *name, const char *type)
{
	size_t len;
	const char *data = assets_get(name, &len);

	reply_header(r, "Content-Security-Policy", PAGE_POLICY);
	reply_header(r, "Referrer-Policy", "no-referrer");
	return reply_owned(r, 200, type, data, len, NULL, NULL);
}

int
apply_page(struct req *r)
{
	return asset(r, "apply.html", "text/html; charset=utf-8");
}

int
apply_script(struct req *r)
{
	return asset(r, "apply.js", "text/javascript; charset=utf-8");
}

int
apply_style(struct req *r)
{
	return asset(r, "apply.css", "text/css; charset=utf-8");
}
