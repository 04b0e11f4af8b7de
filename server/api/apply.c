/*
 * apply: the public way in. POST /v1/apply takes a person's contact data,
 * their consent and their resume, checks them all, and hands them to
 * flows/applying.c, which holds them as a pending submission with an e-mail
 * carrying a confirmation link; it answers 202 the same way whether or not
 * the address is on record, so the endpoint tells nobody who has applied.
 * POST /v1/apply/confirmations turns the submission into an application and
 * opens a session for it (applying_confirm). When the privacy notice is not
 * accepted or the 16-or-over attestation is missing, nothing at all is
 * stored: every check comes before the flow. A browser posting the form
 * without JavaScript gets a page, not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/documents.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/pages.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/profile.h"
#include "domain/upload.h"
#include "edge/form.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/applying.h"
#include "flows/flow.h"

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
check_form(struct req *r, const struct form *form, json_t *text, const char *job)
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
	else if (job != NULL && strcasecmp(opening, job) != 0)
		problem_field(p, "opening_id", "must be the id of this page's position");
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

/* The checked form as the flow takes it (borrowed from doc, text and the resume). */
static struct applying_form
form_of(struct req *r, const json_t *doc, const json_t *text, const struct form_file *resume,
        enum doc_type type)
{
	return (struct applying_form){
	    .full_name = json_string_value(json_object_get(doc, "full_name")),
	    .email = json_string_value(json_object_get(doc, "email")),
	    .phone = json_string_value(json_object_get(doc, "phone")),
	    .marketing_opt_in = json_is_true(json_object_get(doc, "marketing_opt_in")),
	    .sharing_opt_out = req_gpc(r),
	    .opening_id = json_string_value(json_object_get(text, "opening_id")),
	    .filename = resume->filename,
	    .content_type = upload_content_type(type),
	    .data = resume->data,
	    .len = resume->len};
}

/*
 * POST /v1/apply as JSON: 202, or the problem (apply_submit may turn either
 * into a page). job: the position of the page the form is on (POST
 * /jobs/{id}), or NULL.
 */
static int
submit(struct req *r, const char *job)
{
	const struct form *form = req_form(r);
	json_t *text = form_text_json(form), *doc = NULL;
	const struct form_file *resume = form_file(form, "resume");
	enum doc_type type;
	struct idem key;
	struct flow f;
	bool replayed = false;
	int rc = -1, keyed = 0;

	if (text == NULL)
		return req_fail(r, 400, "a form field is not valid UTF-8");
	/* Every request from an address counts, valid or not; the e-mail address once it is one. */
	if (rest_flow(r, &f) == 0 && throttle_client(r, f.db, "apply") == 0 &&
	    (doc = check_form(r, form, text, job)) != NULL &&
	    (type = documents_check(r, resume, "resume")) != DOC_UNKNOWN &&
	    throttle_email(r, f.db, "apply", json_string_value(json_object_get(doc, "email"))) ==
	        0 &&
	    (keyed = idem_of(r, "apply", &key)) >= 0) {
		struct applying_form in = form_of(r, doc, text, resume, type);
		rc = applying_hold(&f, IDEM_OR_NULL(keyed, &key), &in, &replayed);
	}
	if (rc == 0) {
		if (replayed)
			idem_replayed(r);
		rc = reply_json(r, 202, json_pack("{s:s}", "status", "confirmation-sent"));
	}
	json_decref(text);
	json_decref(doc);
	return rc;
}

int
apply_submit(struct req *r)
{
	int rc = submit(r, NULL);

	return req_wants_html(r) ? pages_answer(r, rc, 202) : rc;
}

/* The form on a job's own page, posted without JavaScript: always answered with a page. */
int
apply_submit_job(struct req *r)
{
	return pages_job_answer(r, submit(r, req_param(r, 0)), 202);
}

/* ------------------------------------------------------------------ */
/* confirming                                                           */

#define NO_SUCH_CODE                                                                               \
	"no pending application has this code: it was used, or it expired after 24 hours"

int
apply_confirm(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	struct applying_confirmed c = {0};
	const char *code;
	struct flow f;
	int rc;

	if ((rc = rest_code_body(r, code_sha, &code)) != 0)
		return rc < 0 ? -1 : req_fail(r, 404, NO_SUCH_CODE);
	if (rest_flow(r, &f) != 0 || applying_confirm(&f, code, code_sha, req_gpc(r), &c) != 0)
		return -1;
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "applicant_id", c.applicant_id,
	                        "application_id", c.application_id, "applicant_token", c.token,
	                        "token_expires_at", c.expires_at, "signed_in_at", c.signed_in_at);
	reply_header(r, "Location", "/v1/me");
	rc = reply_json(r, 201, out);
	explicit_bzero(c.token, sizeof(c.token));
	return rc;
}
