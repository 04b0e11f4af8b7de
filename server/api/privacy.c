/*
 * privacy: privacy requests taken in (DESIGN "Privacy requests"). Intake
 * three ways: anyone with an address (202, the same body for every address;
 * the link e-mailed proves control of it), the applicant signed in (201; the
 * session is the verification, a recent sign-in for a copy or a deletion),
 * and HR for requests that came another way (201; the subject is sent the
 * link). Deadlines in business days and days. Verification is in
 * privacy_verify.c, what is done at once in privacy_execute.c, HR's queue in
 * privacy_queue.c (include/api/privacy.h joins them). Every receipt is an
 * e-mail through the outbox, in the transaction of the change it reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/exports.h"
#include "api/handlers.h"
#include "api/privacy.h"
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

/* ------------------------------------------------------------------ */
/* validation                                                           */

/*
 * corrections: [{field, value}], only for a correct request (type NULL: not
 * known yet), and never required: a correction in the person's own words
 * (details) goes to HR.
 */
void
privacy_check_corrections(const json_t *body, const char *type, struct problem *p)
{
	json_t *c = json_object_get(body, "corrections"), *item;
	size_t i;

	if (c == NULL || json_is_null(c))
		return;
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
	    (!json_is_string(d) || utf8_chars(json_string_value(d)) > PRIVACY_DETAILS_MAX_CHARS))
		problem_field(p, "details", "must be text of at most %d characters",
		              PRIVACY_DETAILS_MAX_CHARS);
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
	privacy_day_text(cfg->zone, (time_t)p.due_at, due);
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
	if (privacy_letter(r, db, "privacy_receipt", in->email, in->applicant_id, &l) != 0) {
		rc = rest_fail_db(r, db);
		goto out;
	}
	if (strcmp(in->type, "opt_out") == 0)
		rc = privacy_opt_out_now(r, db, id, in->email);
	else if (in->session &&
	         (rc = privacy_verified(db, id, in->applicant_id, "session", 0, NULL)) == 0)
		rc = privacy_execute(r, db, id, in->type, in->applicant_id, in->corrections);
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
	return privacy_reply(r, db, 201, id, applicant_only);
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
	/* What is to change is given on the page the link opens, after the address is proven,
	 * never by whoever knows it: an anonymous correction could otherwise take a record. */
	json_t *c = json_object_get(body, "corrections");
	if (c != NULL && !json_is_null(c))
		problem_field(p, "corrections",
		              "are given on the page the e-mailed link opens, not here; describe "
		              "the correction in details");
	if (req_fail_fields(r) != 0 || throttle_email(r, db, "privacy-request", email) != 0)
		return -1;
	struct intake in = {.type = type,
	                    .channel = "web",
	                    .email = email,
	                    .details = json_string_value(json_object_get(body, "details")),
	                    .actor = "requester"};
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
	privacy_check_corrections(body, type, p);
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
	/* every caller but HR is counted, whatever token it sends (an applicant's is no pass) */
	if (req_actor(r)->role != ROLE_HR && throttle_client(r, db, "privacy-request") != 0)
		return -1;
	if ((body = req_json(r)) == NULL)
		return -1;
	return req_actor(r)->role == ROLE_HR ? create_staff(r, db, body)
	                                     : create_public(r, db, body);
}

/* Whether corrections (may be NULL) name the e-mail address. */
static bool
names_email(const json_t *corrections)
{
	size_t i;
	json_t *item;

	json_array_foreach(corrections, i, item)
	{
		const char *field = json_string_value(json_object_get(item, "field"));
		if (field != NULL && strcmp(field, "email") == 0)
			return true;
	}
	return false;
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
	privacy_check_corrections(body, type, p);
	if (req_fail_fields(r) != 0)
		return -1;
	if (privacy_needs_fresh_sign_in(type) &&
	    rest_fresh_sign_in(r, PRIVACY_FRESH_SIGN_IN_S) != 0)
		return -1;
	if ((db = req_db(r)) == NULL)
		return -1;
	/* a new address is sent a link: counted like PATCH /v1/me's, so no session mails or
	 * probes addresses without end */
	if (names_email(json_object_get(body, "corrections")) &&
	    throttle_applicant(r, db, "email-change") != 0)
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
