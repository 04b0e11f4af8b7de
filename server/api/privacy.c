/*
 * privacy: privacy requests (DESIGN "Privacy requests"). Intake three ways:
 * anyone with an address (202, the same body for every address; the link
 * e-mailed proves control of it), the applicant signed in (201; the session
 * is the verification, a recent sign-in for a copy or a deletion), and HR
 * for requests that came another way (201; the subject is sent the link).
 * Verification by the link, with two data points and a declaration for a
 * copy of the data. Deadlines in business days and days; one extension.
 * What can be done at once is done at once: know_categories, opt_out, the
 * contact fields of correct. A copy and a deletion wait, verified and
 * listed, for the export and erasure (issue 16); HR can complete any
 * request by hand. Every receipt, extension and outcome is an e-mail
 * through the outbox, in the transaction of the change it reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/exports.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "core/zone.h"
#include "domain/letters.h"
#include "domain/privacy.h"
#include "domain/profile.h"
#include "domain/retention.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/applications.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/outbox.h"
#include "store/privacy.h"

#define DETAILS_MAX_CHARS 2000
#define REASON_MAX_CHARS 1000

/* What an intake asks for, whoever takes it in. */
struct intake {
	const char *type, *channel, *email, *applicant_id;
	time_t received;     /* 0: now */
	const char *details; /* may be NULL */
	json_t *corrections; /* borrowed; may be NULL */
	json_t *agent;       /* borrowed; may be NULL */
	const char *actor;   /* requester, applicant, hr */
	bool session;        /* the applicant's session is the verification */
};

/* A date for a letter: YYYY-MM-DD, in the company's zone. */
static void
day_text(const struct zone *zone, time_t t, char out[11])
{
	zone_date(zone, t, out);
}

/* Queue a letter to `to` about the request. */
static int
send_letter(struct req *r, struct db *db, const char *kind, const char *to,
            const char *applicant_id, struct letter *l)
{
	struct outbox_mail m = {.kind = kind,
	                        .applicant_id = applicant_id,
	                        .to = to,
	                        .subject = l->subject,
	                        .body = l->body};
	int rc = outbox_enqueue(db, &m, req_id(r));

	letter_fini(l);
	return rc;
}

/* ------------------------------------------------------------------ */
/* validation                                                           */

/* corrections: [{field, value}], each field once; for type correct, at least one. */
static void
check_corrections(const json_t *body, const char *type, struct problem *p)
{
	json_t *c = json_object_get(body, "corrections"), *item;
	size_t i;

	if (c == NULL || json_is_null(c)) {
		if (type != NULL && strcmp(type, "correct") == 0)
			problem_field(p, "corrections", "is required: [{field, value}]");
		return;
	}
	if (type != NULL && strcmp(type, "correct") != 0) {
		problem_field(p, "corrections", "is only for a correct request");
		return;
	}
	if (!json_is_array(c) || json_array_size(c) == 0 || json_array_size(c) > 20) {
		problem_field(p, "corrections", "must be a list of 1 to 20 {field, value}");
		return;
	}
	json_array_foreach(c, i, item)
	{
		static const char *const keys[] = {"field", "value", NULL};
		char path[48];
		snprintf(path, sizeof(path), "corrections[%zu]", i);
		const char *field = json_string_value(json_object_get(item, "field"));
		json_t *value = json_object_get(item, "value");
		if (!json_is_object(item) || !check_known_keys(item, keys, NULL, path, p) ||
		    field == NULL || *field == '\0' || strlen(field) > 64 ||
		    has_control_chars(field) || value == NULL)
			problem_field(p, path, "must be {field, value}");
		else if (json_is_string(value) && utf8_chars(json_string_value(value)) > 2000)
			problem_field(p, path, "value must be at most 2000 characters");
	}
}

static void
check_type(const json_t *body, struct problem *p)
{
	const char *type = json_string_value(json_object_get(body, "type"));

	if (type == NULL || !is_one_of(type, privacy_types))
		problem_field(p, "type",
		              "must be know_categories, know_specific, delete, correct or opt_out");
}

static void
check_details(const json_t *body, struct problem *p)
{
	json_t *d = json_object_get(body, "details");

	if (d != NULL && !json_is_null(d) &&
	    (!json_is_string(d) || utf8_chars(json_string_value(d)) > DETAILS_MAX_CHARS))
		problem_field(p, "details", "must be text of at most %d characters",
		              DETAILS_MAX_CHARS);
}

/* ------------------------------------------------------------------ */
/* execution: what is done as soon as the request is verified           */

static const char *
outcome_text(const char *outcome)
{
	if (strcmp(outcome, "fulfilled") == 0)
		return "done.";
	if (strcmp(outcome, "partially_fulfilled") == 0)
		return "done in part.";
	if (strcmp(outcome, "no_record") == 0)
		return "we hold no record with this e-mail address.";
	return "we could not carry it out.";
}

/* End the request and e-mail its outcome (to the address it waited on, if any). */
static int
finish_telling(struct req *r, struct db *db, const char *id, const char *type,
               const char *applicant, const char *status, const char *outcome, const char *detail,
               const char *categories, const char *actor, const char *letter_only,
               const char *items)
{
	char *email = NULL;
	int rc;

	if (privacy_email_of(db, id, &email) != 0 ||
	    (rc = privacy_finish(db, id, status, outcome, detail, categories, items, actor,
	                         applicant)) < 0) {
		free(email);
		return rest_fail_db(r, db);
	}
	if (rc == 0 && email != NULL) {
		struct letter l;
		char *said = letter_only == NULL ? NULL
		             : detail == NULL    ? xstrdup(letter_only)
		                                 : xasprintf("%s\n\n%s", detail, letter_only);
		letter_privacy_outcome(&l, req_app(r)->cfg->company_name,
		                       letter_privacy_type_label(type), outcome_text(outcome),
		                       said ? said : detail);
		if (said != NULL) {
			explicit_bzero(said, strlen(said));
			free(said);
		}
		rc = send_letter(r, db, "privacy_outcome", email, applicant, &l) != 0
		         ? rest_fail_db(r, db)
		         : 0;
	}
	free(email);
	return rc < 0 ? -1 : 0;
}

/* finish, with nothing the letter says that the log does not keep. */
static int
finish(struct req *r, struct db *db, const char *id, const char *type, const char *applicant,
       const char *status, const char *outcome, const char *detail, const char *categories,
       const char *actor)
{
	return finish_telling(r, db, id, type, applicant, status, outcome, detail, categories,
	                      actor, NULL, NULL);
}

static json_t *
item(const char *category, const char *action, const char *basis, const char *delete_at)
{
	return json_pack("{s:s, s:s, s:s, s:s?}", "category", category, "action", action, "basis",
	                 basis, "delete_at", delete_at);
}

/*
 * delete: open applications withdrawn, then the one erasure path; when a
 * legal hold or a legal floor not yet passed keeps the record, what no floor
 * needs goes now and the rest is restricted until the purge.
 */
static int
do_delete(struct req *r, struct db *db, const char *id, const char *applicant)
{
	const char *params[2] = {applicant, req_id(r)};
	json_t *record = NULL, *items = json_array();
	struct verdict v;
	PGresult *row = NULL;
	long n, version;
	bool erased = false;
	int rc;

	if (db_count(db, &applications_withdraw_open, 2, params, &n) != 0 ||
	    privacy_retention_inputs(db, applicant, &row) != 0 ||
	    applicants_current(db, applicant, &record, &version) != 0) {
		PQclear(row);
		json_decref(items);
		return rest_fail_db(r, db);
	}
	const struct policies *p = retention_policies_cached(PQgetvalue(row, 0, 1));
	double now = atof(PQgetvalue(row, 0, 2));
	bool held = PQgetvalue(row, 0, 4)[0] == 't';
	if (p == NULL || retention_judge_restricted(p, atof(PQgetvalue(row, 0, 3)), held,
	                                            PQgetvalue(row, 0, 0), &v) != 0) {
		PQclear(row);
		json_decref(record);
		json_decref(items);
		return req_fail(r, 503, "the retention rules could not be read; retry");
	}
	PQclear(row);
	char *email = xstrdup(json_string_value(json_object_get(record, "email")));
	json_decref(record);
	if (!held && v.expires_at <= now) {
		json_array_append_new(
		    items, item("everything held about you", "deleted", "your request", NULL));
		char *text = jsonx_dump(items);
		rc = erasure_delete(db, applicant, NULL, "applicant", req_id(r), &erased) != 0 ||
		             !erased || privacy_suppress(db, email, "erased") != 0
		         ? rest_fail_db(r, db)
		         : finish_telling(r, db, id, "delete", NULL, "completed", "fulfilled",
		                          "Everything we held about you is deleted.", NULL,
		                          "system", NULL, text);
		free(text);
	} else {
		char until[32] = "", basis[400];
		if (held) {
			snprintf(basis, sizeof(basis), "a legal hold");
		} else {
			time_t t = (time_t)v.expires_at;
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
			snprintf(basis, sizeof(basis), "legal floor %s%s%s (%s)",
			         v.floor ? v.floor->country : "",
			         v.floor && v.floor->region[0] ? "/" : "",
			         v.floor ? v.floor->region : "", v.floor ? v.floor->basis : "");
		}
		json_array_append_new(items,
		                      item("marketing consent", "deleted", "your request", NULL));
		json_array_append_new(items,
		                      item("social profiles", "deleted", "your request", NULL));
		json_array_append_new(
		    items, item("documents other than resumes", "deleted", "your request", NULL));
		json_array_append_new(
		    items, item("identifiers and contact details, resumes, applications and their "
		                "history, evaluations",
		                "restricted", basis, held ? NULL : until));
		char *text = jsonx_dump(items);
		char *said = xasprintf(
		    "We deleted what no law makes us keep. The rest (your contact details, "
		    "resumes, "
		    "applications and evaluations) must be kept because of %s; until then only HR "
		    "can see it, it is used for nothing else, and it is deleted %s.",
		    basis, held ? "when the hold ends" : until);
		long docs;
		rc = applicants_restrict(db, applicant, req_id(r), &docs) != 0
		         ? rest_fail_db(r, db)
		         : finish_telling(r, db, id, "delete", applicant, "completed",
		                          "partially_fulfilled", said, NULL, "system", NULL, text);
		free(said);
		free(text);
	}
	free(email);
	json_decref(items);
	return rc;
}

/* know_specific: the package, and its link in the outcome e-mail only (never in the log). */
static int
do_export(struct req *r, struct db *db, const char *id, const char *applicant)
{
	char *link = NULL, *letter_only;
	int rc;

	if (exports_build(r, db, id, applicant, &link) != 0)
		return -1;
	letter_only =
	    xasprintf("Download your data (a ZIP file) within 24 hours, at most 3 times:\n"
	              "\n%s\n\nSigned in on your page, you can also download it for 7 days.",
	              link);
	rc = finish_telling(r, db, id, "know_specific", applicant, "completed", "fulfilled",
	                    "Your copy is ready.", NULL, "system", letter_only, NULL);
	explicit_bzero(letter_only, strlen(letter_only));
	explicit_bzero(link, strlen(link));
	free(letter_only);
	free(link);
	return rc;
}

static int
do_categories(struct req *r, struct db *db, const char *id, const char *applicant)
{
	bool docs, apps, evals;
	int rc = privacy_holdings(db, applicant, &docs, &apps, &evals);

	if (rc < 0)
		return rest_fail_db(r, db);
	json_t *cats = privacy_categories(docs, apps, evals);
	char *text = jsonx_dump(cats), *detail = NULL;
	size_t i;
	json_t *c;
	struct buf names;
	buf_init(&names, 4096);
	(void)!buf_printf(&names, "We hold these categories of data about you:");
	json_array_foreach(cats, i, c)(void) !buf_printf(
	    &names, "\n- %s (from %s; kept %s)", json_string_value(json_object_get(c, "category")),
	    json_string_value(json_object_get(c, "sources")),
	    json_string_value(json_object_get(c, "retention")));
	detail = buf_steal(&names);
	rc = finish(r, db, id, "know_categories", applicant, "completed", "fulfilled", detail, text,
	            "system");
	free(detail);
	free(text);
	json_decref(cats);
	return rc;
}

/* correct: contact fields at once (when they are valid), the rest to HR. */
static int
do_correct(struct req *r, struct db *db, const char *id, const char *applicant, json_t *corrections)
{
	json_t *cur = NULL, *item;
	long have;
	size_t i;
	bool others = false, contact = false;
	int rc = applicants_current(db, applicant, &cur, &have);

	if (rc != 0)
		return rc < 0 ? rest_fail_db(r, db) : 0;
	json_t *doc = json_object();
	for (int k = 0; profile_editable[k]; k++)
		json_object_set(doc, profile_editable[k],
		                json_object_get(cur, profile_editable[k]));
	json_array_foreach(corrections, i, item)
	{
		const char *field = json_string_value(json_object_get(item, "field"));
		if (privacy_is_contact_field(field)) {
			json_object_set(doc, field, json_object_get(item, "value"));
			contact = true;
		} else {
			others = true;
		}
	}
	struct problem quiet;
	problem_init(&quiet);
	bool valid = profile_validate(doc, false, &quiet);
	problem_fini(&quiet);
	char other[37];
	const char *email = json_string_value(json_object_get(doc, "email"));
	if (valid && email != NULL && applicants_find_email(db, email, other) == 0 &&
	    strcmp(other, applicant) != 0)
		valid = false; /* another record's address: HR looks at it */
	rc = 0;
	if (contact && valid) {
		json_t *record = NULL;
		long version;
		profile_normalize(doc);
		rc = applicants_update(db, applicant, have, doc, "applicant", req_id(r),
		                       "applicant:corrected", &record, &version);
		json_decref(record);
		if (rc < 0)
			rc = rest_fail_db(r, db);
		else if (rc > 0)
			rc = req_retry(r); /* changed meanwhile: the whole request again */
	}
	if (rc == 0 && (others || !valid)) {
		/* the rest is HR's: the request stays in progress */
		if (privacy_event(db, id, contact && valid ? "contact_corrected" : "for_hr",
		                  "system") != 0)
			rc = rest_fail_db(r, db);
	} else if (rc == 0) {
		rc = finish(r, db, id, "correct", applicant, "completed", "fulfilled",
		            "Your contact details are corrected.", NULL, "system");
	}
	json_decref(doc);
	json_decref(cur);
	return rc;
}

/* A verified request of type for applicant (NULL: no record): do what is done at once. */
static int
execute(struct req *r, struct db *db, const char *id, const char *type, const char *applicant,
        json_t *corrections)
{
	if (applicant == NULL)
		return finish(r, db, id, type, NULL, "completed", "no_record", NULL, NULL,
		              "system");
	if (strcmp(type, "know_categories") == 0)
		return do_categories(r, db, id, applicant);
	if (strcmp(type, "correct") == 0)
		return do_correct(r, db, id, applicant, corrections);
	if (strcmp(type, "know_specific") == 0)
		return do_export(r, db, id, applicant);
	if (strcmp(type, "delete") == 0)
		return do_delete(r, db, id, applicant);
	return 0;
}

/* opt_out at intake: the record (if any) and the suppression list, then done. */
static int
do_opt_out(struct req *r, struct db *db, const char *id, const char *email)
{
	char applicant[37];
	int rc = applicants_opt_out(db, email, "applicant", req_id(r), applicant);

	if (rc < 0 || privacy_suppress(db, email, "opt_out") != 0)
		return rest_fail_db(r, db);
	return finish(r, db, id, "opt_out", rc == 0 ? applicant : NULL, "completed", "fulfilled",
	              "You will get no news of openings, and your data is not shared.", NULL,
	              "system");
}

/* ------------------------------------------------------------------ */
/* intake                                                               */

/*
 * Take a request in, in the caller's transaction: the log entry, the
 * receipt (with the verification link when one is needed), and what is done
 * at once. 0 with id.
 */
static int
take_in(struct req *r, struct db *db, const struct intake *in, char id[37])
{
	const struct config *cfg = req_app(r)->cfg;
	time_t received = in->received ? in->received : time(NULL);
	char masked[320], due[11], code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1];
	bool link = !in->session && privacy_needs_link(in->type);
	char *corrections = in->corrections ? jsonx_dump(in->corrections) : NULL;
	char *agent = in->agent ? jsonx_dump(in->agent) : NULL;
	char *url = NULL;
	struct letter l;
	int rc;

	privacy_mask_email(in->email, masked, sizeof(masked));
	struct privacy_new p = {
	    .type = in->type,
	    .channel = in->channel,
	    .status = link ? "awaiting_verification" : "in_progress",
	    .verification_level = in->session ? "session" : "none",
	    .applicant_id = in->applicant_id,
	    .email = in->email,
	    .email_masked = masked,
	    .received_at = NULL,
	    .confirm_by = (long long)privacy_add_business_days(
	        received, PRIVACY_CONFIRM_BUSINESS_DAYS, cfg->zone, cfg->holidays, cfg->nholidays),
	    .due_at = (long long)privacy_add_days(received, PRIVACY_DUE_DAYS, cfg->zone),
	    .details = in->details,
	    .corrections = corrections,
	    .agent = agent,
	    .actor_role = in->actor};
	char received_text[32];
	snprintf(received_text, sizeof(received_text), "%lld", (long long)received);
	p.received_at = received_text;
	day_text(cfg->zone, (time_t)p.due_at, due);
	if ((rc = privacy_insert(db, &p, id)) != 0) {
		rc =
		    rc < 0 ? rest_fail_db(r, db) : req_fail(r, 422, "received_at is in the future");
		goto out;
	}
	if (link) {
		if (code_new(code, code_sha) != 0) {
			rc = req_fail(r, 503, "no randomness available; retry");
			goto out;
		}
		url = xasprintf("%s/privacy?code=%s", cfg->public_url, code);
		if (privacy_code_store(db, id, code_sha) != 0) {
			rc = rest_fail_db(r, db);
			goto out;
		}
	}
	letter_privacy_receipt(&l, cfg->company_name, letter_privacy_type_label(in->type), due,
	                       url);
	if (send_letter(r, db, "privacy_receipt", in->email, in->applicant_id, &l) != 0) {
		rc = rest_fail_db(r, db);
		goto out;
	}
	if (strcmp(in->type, "opt_out") == 0)
		rc = do_opt_out(r, db, id, in->email);
	else if (in->session &&
	         (rc = privacy_verified(db, id, in->applicant_id, "session", 0, NULL)) == 0)
		rc = execute(r, db, id, in->type, in->applicant_id, in->corrections);
	else if (rc != 0)
		rc = rest_fail_db(r, db);
out:
	if (url != NULL) {
		explicit_bzero(url, strlen(url));
		free(url);
	}
	free(corrections);
	free(agent);
	return rc;
}

/* Run take_in in a transaction and commit: 0 with id. Sec-GPC: 1 is honoured on the way. */
static int
intake_commit(struct req *r, struct db *db, const struct intake *in, char id[37])
{
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if (req_gpc(r) && applicants_share_opt_out(db, in->email, "applicant", req_id(r)) != 0) {
		db_rollback(db);
		return rest_fail_db(r, db);
	}
	if (take_in(r, db, in, id) != 0) {
		db_rollback(db);
		return -1;
	}
	return db_exec(db, "COMMIT") == 0 ? 0 : rest_fail_db(r, db);
}

static int
reply_request(struct req *r, struct db *db, unsigned status, const char *id,
              const char *applicant_only)
{
	json_t *out = NULL;
	int rc = privacy_get(db, id, applicant_only, &out);

	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return req_fail(r, 404, "no privacy request with this id");
	reply_etag_version(r, json_integer_value(json_object_get(out, "version")));
	return reply_json(r, status, out);
}

/* Take in a request whose taker sees it (HR, the applicant): 201 with it, at location+id. */
static int
take_in_created(struct req *r, struct db *db, struct intake *in, const char *location,
                const char *applicant_only)
{
	char id[37];

	if (json_is_null(in->corrections))
		in->corrections = NULL;
	if (intake_commit(r, db, in, id) != 0)
		return -1;
	char *where = xasprintf("%s%s", location, id);
	reply_header(r, "Location", where);
	free(where);
	return reply_request(r, db, 201, id, applicant_only);
}

/* POST /v1/privacy-requests without a token: 202, the same for every address. */
static int
create_public(struct req *r, struct db *db, json_t *body)
{
	static const char *const keys[] = {"type",    "email",       "full_name", "phone",
	                                   "details", "corrections", NULL};
	struct problem *p = req_problem(r);
	const char *type = json_string_value(json_object_get(body, "type"));
	const char *email = json_string_value(json_object_get(body, "email"));
	char id[37];

	check_known_keys(body, keys, NULL, NULL, p);
	check_type(body, p);
	if (email == NULL || !is_email(email))
		problem_field(p, "email", PROFILE_EMAIL_INVALID);
	check_text(body, "full_name", NULL, false, 200, p);
	check_text(body, "phone", NULL, false, 40, p);
	check_details(body, p);
	check_corrections(body, type, p);
	if (req_fail_fields(r) != 0 || throttle_email(r, db, "privacy-request", email) != 0)
		return -1;
	struct intake in = {.type = type,
	                    .channel = "web",
	                    .email = email,
	                    .details = json_string_value(json_object_get(body, "details")),
	                    .corrections = json_object_get(body, "corrections"),
	                    .actor = "requester"};
	if (json_is_null(in.corrections))
		in.corrections = NULL;
	if (intake_commit(r, db, &in, id) != 0)
		return -1;
	return reply_json(r, 202, json_pack("{s:s}", "status", "verification-sent"));
}

/* POST /v1/privacy-requests with an hr token: a request that came another way. */
static int
create_staff(struct req *r, struct db *db, json_t *body)
{
	static const char *const keys[] = {"type",         "channel",     "email",
	                                   "applicant_id", "received_at", "details",
	                                   "corrections",  "agent",       NULL};
	static const char *const agent_keys[] = {"name", "authorization_document", NULL};
	struct problem *p = req_problem(r);
	const char *type = json_string_value(json_object_get(body, "type"));
	const char *channel = json_string_value(json_object_get(body, "channel"));
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *applicant = json_string_value(json_object_get(body, "applicant_id"));
	const char *received = json_string_value(json_object_get(body, "received_at"));
	json_t *agent = json_object_get(body, "agent"), *record = NULL;
	time_t when = 0;
	long version;
	int rc;

	check_known_keys(body, keys, NULL, NULL, p);
	check_type(body, p);
	if (channel == NULL || !is_one_of(channel, privacy_channels))
		problem_field(p, "channel", "must be web, email, phone, mail, in_person or agent");
	if (applicant != NULL && !is_uuid(applicant))
		problem_field(p, "applicant_id", "must be an applicant's id");
	if (json_object_get(body, "applicant_id") != NULL && applicant == NULL &&
	    !json_is_null(json_object_get(body, "applicant_id")))
		problem_field(p, "applicant_id", "must be an applicant's id");
	if (email != NULL && !is_email(email))
		problem_field(p, "email", PROFILE_EMAIL_INVALID);
	if (email == NULL && applicant == NULL)
		problem_field(p, "email", "is required unless applicant_id is given");
	if (received != NULL && clock_parse_rfc3339(received, &when) != 0)
		problem_field(p, "received_at", "must be an RFC 3339 time");
	else if (received != NULL && when > time(NULL) + 60)
		problem_field(p, "received_at", "must not be in the future");
	if (agent != NULL && !json_is_null(agent) &&
	    (!json_is_object(agent) || !check_known_keys(agent, agent_keys, NULL, "agent", p) ||
	     !check_text(agent, "name", "agent", true, 200, p) ||
	     !check_text(agent, "authorization_document", "agent", true, 500, p)))
		problem_field(p, "agent", "must be {name, authorization_document}");
	if (channel != NULL && strcmp(channel, "agent") == 0 &&
	    (agent == NULL || json_is_null(agent)))
		problem_field(p, "agent", "is required for the agent channel");
	check_details(body, p);
	check_corrections(body, type, p);
	if (req_fail_fields(r) != 0)
		return -1;
	if (applicant != NULL) {
		if ((rc = applicants_current(db, applicant, &record, &version)) < 0)
			return rest_fail_db(r, db);
		if (rc > 0) {
			problem_field(p, "applicant_id", "is not an applicant on record");
			return req_fail_fields(r);
		}
		if (email == NULL)
			email = json_string_value(json_object_get(record, "email"));
	}
	struct intake in = {.type = type,
	                    .channel = channel,
	                    .email = email,
	                    .applicant_id = applicant,
	                    .received = when,
	                    .details = json_string_value(json_object_get(body, "details")),
	                    .corrections = json_object_get(body, "corrections"),
	                    .agent = json_is_object(agent) ? agent : NULL,
	                    .actor = "hr"};
	rc = take_in_created(r, db, &in, "/v1/privacy-requests/", NULL);
	json_decref(record);
	return rc;
}

int
privacy_create(struct req *r)
{
	struct db *db;
	json_t *body;

	if (req_actor(r)->role == ROLE_RECRUITER)
		return req_fail(r, 403, "privacy requests are HR's");
	if ((db = req_db(r)) == NULL)
		return -1;
	if (req_actor(r)->role == ROLE_NONE && throttle_client(r, db, "privacy-request") != 0)
		return -1;
	if ((body = req_json(r)) == NULL)
		return -1;
	return req_actor(r)->role == ROLE_HR ? create_staff(r, db, body)
	                                     : create_public(r, db, body);
}

/* POST /v1/me/privacy-requests: the session is the verification. */
int
me_privacy_create(struct req *r)
{
	static const char *const keys[] = {"type", "details", "corrections", NULL};
	const struct actor *who = req_actor(r);
	struct problem *p = req_problem(r);
	json_t *body, *record = NULL;
	struct db *db;
	long version;
	int rc;

	if ((body = req_json(r)) == NULL)
		return -1;
	const char *type = json_string_value(json_object_get(body, "type"));
	check_known_keys(body, keys, NULL, NULL, p);
	check_type(body, p);
	check_details(body, p);
	check_corrections(body, type, p);
	if (req_fail_fields(r) != 0)
		return -1;
	if (privacy_needs_fresh_sign_in(type) &&
	    rest_fresh_sign_in(r, PRIVACY_FRESH_SIGN_IN_S) != 0)
		return -1;
	if ((db = req_db(r)) == NULL)
		return -1;
	if ((rc = applicants_current(db, who->applicant_id, &record, &version)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 401, "the record is gone");
	struct intake in = {.type = type,
	                    .channel = "web",
	                    .email = json_string_value(json_object_get(record, "email")),
	                    .applicant_id = who->applicant_id,
	                    .details = json_string_value(json_object_get(body, "details")),
	                    .corrections = json_object_get(body, "corrections"),
	                    .actor = "applicant",
	                    .session = true};
	rc = take_in_created(r, db, &in, "/v1/me/privacy-requests/", who->applicant_id);
	json_decref(record);
	return rc;
}

/* ------------------------------------------------------------------ */
/* verification                                                         */

#define NO_SUCH_CODE "no request awaits this code: it was used, or it expired after 72 hours"

/* know_specific: both data points and the declaration. Returns the points matched. */
static int
data_points(const json_t *body, const json_t *record)
{
	int n = 0;

	n += privacy_same_name(json_string_value(json_object_get(body, "full_name")),
	                       json_string_value(json_object_get(record, "full_name")));
	n += privacy_same_phone(json_string_value(json_object_get(body, "phone")),
	                        json_string_value(json_object_get(record, "phone")));
	return n;
}

static int
verify(struct req *r, struct db *db, const json_t *body, const char *code_sha, char id[37])
{
	char type[32], applicant[37], signed_sha[2 * SHA256_LEN + 1];
	char *email = NULL;
	json_t *record = NULL;
	long version;
	int rc;

	if ((rc = privacy_code_take(db, code_sha, id, type, &email)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, NO_SUCH_CODE);
	if ((rc = applicants_find_email(db, email, applicant)) < 0) {
		rc = rest_fail_db(r, db);
	} else if (rc > 0) { /* told only to whoever proved control of the address */
		rc = privacy_verified(db, id, NULL, "link", 0, NULL) != 0
		         ? rest_fail_db(r, db)
		         : finish(r, db, id, type, NULL, "completed", "no_record", NULL, NULL,
		                  "system");
	} else if (!privacy_needs_data_points(type)) {
		json_t *now = NULL;
		rc = privacy_verified(db, id, applicant, "link", 0, NULL) != 0 ||
		             privacy_get(db, id, NULL, &now) != 0
		         ? rest_fail_db(r, db)
		         : execute(r, db, id, type, applicant, json_object_get(now, "corrections"));
		json_decref(now);
	} else if ((rc = applicants_current(db, applicant, &record, &version)) != 0) {
		rc = rc < 0 ? rest_fail_db(r, db) : req_retry(r);
	} else {
		int matched = data_points(body, record), tries;
		const char *signed_name = json_string_value(
		    json_object_get(json_object_get(body, "declaration"), "signed_name"));
		if (matched == 2) {
			unsigned char h[SHA256_LEN];
			sha256(signed_name, strlen(signed_name), h);
			hex_encode(h, SHA256_LEN, signed_sha);
			rc = privacy_verified(db, id, applicant, "link_and_data_points", matched,
			                      signed_sha) != 0
			         ? rest_fail_db(r, db)
			         : execute(r, db, id, type, applicant, NULL);
		} else if (privacy_failed_try(db, id, &tries) != 0) {
			rc = rest_fail_db(r, db);
		} else if (tries >= PRIVACY_MAX_TRIES) {
			rc = finish(
			    r, db, id, type, applicant, "denied", "denied",
			    "The request could not be verified: the details given did not match "
			    "our record three times.",
			    NULL, "system");
		}
	}
	json_decref(record);
	free(email);
	return rc;
}

int
privacy_verify(struct req *r)
{
	static const char *const keys[] = {"code", "full_name", "phone", "declaration", NULL};
	static const char *const decl_keys[] = {"signed_name", "accepted", NULL};
	struct problem *p = req_problem(r);
	char code_sha[2 * SHA256_LEN + 1], id[37];
	json_t *body, *decl;
	struct db *db;

	if ((body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, p);
	const char *code = json_string_value(json_object_get(body, "code"));
	if (code == NULL)
		problem_field(p, "code", "is required: the code from the e-mailed link");
	check_text(body, "full_name", NULL, false, 200, p);
	check_text(body, "phone", NULL, false, 40, p);
	decl = json_object_get(body, "declaration");
	if (decl != NULL && !json_is_null(decl) &&
	    (!json_is_object(decl) || !check_known_keys(decl, decl_keys, NULL, "declaration", p) ||
	     !check_text(decl, "signed_name", "declaration", true, 200, p) ||
	     !json_is_true(json_object_get(decl, "accepted"))))
		problem_field(
		    p, "declaration",
		    "must be {signed_name, accepted: true}: signed under penalty of perjury");
	if (req_fail_fields(r) != 0)
		return -1;
	if (code_hash(code, code_sha) != 0)
		return req_fail(r, 404, NO_SUCH_CODE);
	if ((db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	/* a copy of the data also needs both data points and the declaration, before a try counts
	 */
	if (verify(r, db, body, code_sha, id) != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return reply_request(r, db, 200, id, NULL);
}

/* ------------------------------------------------------------------ */
/* HR: the queue                                                        */

static int
path_request(struct req *r, const char **id)
{
	*id = req_param(r, 0);
	if (!is_uuid(*id))
		return req_fail(r, 404, "no privacy request with this id");
	return 0;
}

int
privacy_get_one(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id;
	struct db *db;

	if (path_request(r, &id) != 0 || req_query_only(r, none) != 0 || (db = req_db(r)) == NULL)
		return -1;
	return reply_request(r, db, 200, id, NULL);
}

static int
list(struct req *r, const char *applicant)
{
	static const char *const staff_q[] = {"status", "type",   "overdue", "due_before",
	                                      "limit",  "cursor", NULL};
	static const char *const me_q[] = {"limit", "cursor", NULL};
	static const char *const statuses[] = {"awaiting_verification", "in_progress", "completed",
	                                       "denied", NULL};
	struct privacy_query q = {.applicant_id = applicant};
	char k1[PAGING_KEY_MAX], k2[PAGING_KEY_MAX];
	int has_cursor;
	time_t t;
	struct db *db;

	if (req_query_only(r, applicant ? me_q : staff_q) != 0 ||
	    paging_read(r, &q.limit, &has_cursor, k1, k2) != 0)
		return -1;
	q.status = req_query(r, "status");
	q.type = req_query(r, "type");
	q.overdue = req_query(r, "overdue");
	q.due_before = req_query(r, "due_before");
	if (q.status != NULL && !is_one_of(q.status, statuses))
		return req_fail(r, 400,
		                "status must be awaiting_verification, in_progress, completed "
		                "or denied");
	if (q.type != NULL && !is_one_of(q.type, privacy_types))
		return req_fail(r, 400, "type must be a privacy request type");
	if (q.overdue != NULL && strcmp(q.overdue, "true") != 0 && strcmp(q.overdue, "false") != 0)
		return req_fail(r, 400, "overdue must be true or false");
	if (q.due_before != NULL && clock_parse_rfc3339(q.due_before, &t) != 0)
		return req_fail(r, 400, "due_before must be an RFC 3339 time");
	if (has_cursor) {
		if (clock_parse_rfc3339(k1, &t) != 0 || !is_uuid(k2))
			return req_fail(r, 400, "the cursor is not one this list gave");
		q.k1 = k1;
		q.k2 = k2;
	}
	if ((db = req_db(r)) == NULL)
		return -1;
	json_t *items = privacy_page(db, &q);
	if (items == NULL)
		return rest_fail_db(r, db);
	char *next = NULL;
	if ((int)json_array_size(items) > q.limit) {
		json_array_remove(items, (size_t)q.limit);
		json_t *last = json_array_get(items, (size_t)q.limit - 1);
		json_t *due = json_object_get(last, "extended_due_at");
		if (json_is_null(due))
			due = json_object_get(last, "due_at");
		next = paging_cursor_encode(json_string_value(due),
		                            json_string_value(json_object_get(last, "id")));
	}
	json_t *page = json_pack("{s:o, s:s?}", "items", items, "next_cursor", next);
	free(next);
	return reply_json(r, 200, page);
}

int
privacy_list(struct req *r)
{
	return list(r, NULL);
}

int
me_privacy_list(struct req *r)
{
	return list(r, req_actor(r)->applicant_id);
}

int
me_privacy_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id;
	struct db *db;

	if (path_request(r, &id) != 0 || req_query_only(r, none) != 0 || (db = req_db(r)) == NULL)
		return -1;
	return reply_request(r, db, 200, id, req_actor(r)->applicant_id);
}

int
privacy_extension(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	const char *id;
	json_t *body, *req_now = NULL;
	struct db *db;
	char *email = NULL;
	int rc;

	if (path_request(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_text(body, "reason", NULL, true, REASON_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *reason = json_string_value(json_object_get(body, "reason"));
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((rc = privacy_extend(db, req_app(r)->cfg->zone, id, reason, "hr")) != 0) {
		db_rollback(db);
		if (rc < 0)
			return rest_fail_db(r, db);
		if (rc == 1)
			return req_fail(r, 404, "no privacy request with this id");
		req_problem(r)->slug = rc == 2 ? "already-extended" : "not-extendable";
		return req_fail(r, 409,
		                rc == 2 ? "the request has been extended once already"
		                        : "the request has ended, or its due date has passed");
	}
	if (privacy_get(db, id, NULL, &req_now) != 0 || privacy_email_of(db, id, &email) != 0) {
		json_decref(req_now);
		return rest_fail_db(r, db);
	}
	if (email != NULL) {
		struct letter l;
		char due[11];
		time_t t;
		(void)!clock_parse_rfc3339(
		    json_string_value(json_object_get(req_now, "extended_due_at")), &t);
		day_text(req_app(r)->cfg->zone, t, due);
		letter_privacy_extension(
		    &l, req_app(r)->cfg->company_name,
		    letter_privacy_type_label(json_string_value(json_object_get(req_now, "type"))),
		    reason, due);
		rc = send_letter(r, db, "privacy_extension", email,
		                 json_string_value(json_object_get(
		                     json_object_get(req_now, "subject"), "applicant_id")),
		                 &l);
	}
	free(email);
	json_decref(req_now);
	if (rc != 0 || db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return reply_request(r, db, 200, id, NULL);
}

int
privacy_completion(struct req *r)
{
	static const char *const keys[] = {"outcome", "detail", NULL};
	const char *id;
	json_t *body, *now = NULL;
	struct db *db;
	int rc;

	if (path_request(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	const char *outcome = json_string_value(json_object_get(body, "outcome"));
	if (outcome == NULL || !is_one_of(outcome, privacy_outcomes))
		problem_field(req_problem(r), "outcome",
		              "must be fulfilled, partially_fulfilled, denied or no_record");
	check_text(body, "detail", NULL, false, DETAILS_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((rc = privacy_get(db, id, NULL, &now)) != 0) {
		db_rollback(db);
		return rc < 0 ? rest_fail_db(r, db)
		              : req_fail(r, 404, "no privacy request with this id");
	}
	const char *status = json_string_value(json_object_get(now, "status"));
	if (strcmp(status, "in_progress") != 0) {
		db_rollback(db);
		json_decref(now);
		req_problem(r)->slug = "not-in-progress";
		return req_fail(r, 409, "only a verified request in progress can be completed");
	}
	rc = finish(
	    r, db, id, json_string_value(json_object_get(now, "type")),
	    json_string_value(json_object_get(json_object_get(now, "subject"), "applicant_id")),
	    strcmp(outcome, "denied") == 0 ? "denied" : "completed", outcome,
	    json_string_value(json_object_get(body, "detail")), NULL, "hr");
	json_decref(now);
	if (rc != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return reply_request(r, db, 200, id, NULL);
}

int
privacy_metrics_get(struct req *r)
{
	static const char *const q[] = {"year", NULL};
	const char *year = req_query(r, "year");
	struct db *db;
	char *end;
	long y;

	if (req_query_only(r, q) != 0)
		return -1;
	if (year == NULL || (y = strtol(year, &end, 10), *end != '\0') || y < 2000 || y > 9999)
		return req_fail(r, 400, "year=YYYY is required");
	if ((db = req_db(r)) == NULL)
		return -1;
	json_t *m = privacy_metrics(db, (int)y);
	if (m == NULL)
		return rest_fail_db(r, db);
	return reply_json(r, 200, json_pack("{s:i, s:o}", "year", (int)y, "types", m));
}
