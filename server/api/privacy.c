/*
 * privacy: privacy requests taken in (DESIGN "Privacy requests"), three
 * ways, each through flows/intake.h: anyone with an address (202, the same
 * body for every address), the applicant signed in (201; a recent sign-in
 * for a copy or a deletion), and HR for requests that came another way
 * (201). The handlers check the body (every field error collected) and the
 * rate limits; the flow takes the request in. Verification is in
 * privacy_verify.c, HR's queue and the applicant's list in
 * privacy_queue.c (include/api/privacy.h joins them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/handlers.h"
#include "api/privacy.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/clock.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/privacy.h"
#include "domain/profile.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/intake.h"

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

/* A request that the taker sees (HR, the applicant): 201 with it, at location + its id. */
static int
created(struct req *r, const char *location, json_t *request)
{
	char *where =
	    xasprintf("%s%s", location, json_string_value(json_object_get(request, "id")));
	reply_header(r, "Location", where);
	free(where);
	reply_etag_version(r, json_integer_value(json_object_get(request, "version")));
	return reply_json(r, 201, request);
}

/* A body's corrections as the flow takes them: NULL when absent or null. */
static const json_t *
corrections_of(const json_t *body)
{
	const json_t *c = json_object_get(body, "corrections");
	return json_is_null(c) ? NULL : c;
}

/* POST /v1/privacy-requests without a token: 202, the same for every address. */
static int
create_public(struct req *r, const struct flow *f, json_t *body)
{
	static const char *const keys[] = {"type",    "email",       "full_name", "phone",
	                                   "details", "corrections", NULL};
	struct problem *p = req_problem(r);
	const char *email = json_string_value(json_object_get(body, "email"));

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
	if (req_fail_fields(r) != 0 || throttle_email(r, f->db, "privacy-request", email) != 0)
		return -1;
	struct intake_request in = {.type = json_string_value(json_object_get(body, "type")),
	                            .channel = "web",
	                            .email = email,
	                            .details = json_string_value(json_object_get(body, "details")),
	                            .gpc = req_gpc(r)};
	if (intake_public(f, &in) != 0)
		return -1;
	return reply_json(r, 202, json_pack("{s:s}", "status", "verification-sent"));
}

/* HR's body: every field error into p; *when the time it came in (0: none given). */
static void
check_staff(const json_t *body, time_t *when, struct problem *p)
{
	static const char *const keys[] = {"type",         "channel",     "email",
	                                   "applicant_id", "received_at", "details",
	                                   "corrections",  "agent",       NULL};
	static const char *const agent_keys[] = {"name", "authorization_document", NULL};
	const char *type = json_string_value(json_object_get(body, "type"));
	const char *channel = json_string_value(json_object_get(body, "channel"));
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *applicant = json_string_value(json_object_get(body, "applicant_id"));
	const char *received = json_string_value(json_object_get(body, "received_at"));
	json_t *agent = json_object_get(body, "agent");

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
	if (received != NULL && clock_parse_rfc3339(received, when) != 0)
		problem_field(p, "received_at", "must be an RFC 3339 time");
	else if (received != NULL && *when > time(NULL) + 60)
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
}

/* POST /v1/privacy-requests with an hr token: a request that came another way. */
static int
create_staff(struct req *r, const struct flow *f, json_t *body)
{
	json_t *agent = json_object_get(body, "agent"), *request;
	time_t when = 0;

	check_staff(body, &when, req_problem(r));
	if (req_fail_fields(r) != 0)
		return -1;
	struct intake_request in = {.type = json_string_value(json_object_get(body, "type")),
	                            .channel = json_string_value(json_object_get(body, "channel")),
	                            .email = json_string_value(json_object_get(body, "email")),
	                            .applicant_id =
	                                json_string_value(json_object_get(body, "applicant_id")),
	                            .received = when,
	                            .details = json_string_value(json_object_get(body, "details")),
	                            .corrections = corrections_of(body),
	                            .agent = json_is_object(agent) ? agent : NULL,
	                            .gpc = req_gpc(r)};
	if (intake_staff(f, &in, &request) != 0)
		return -1;
	return created(r, "/v1/privacy-requests/", request);
}

int
privacy_create(struct req *r)
{
	struct flow f;
	json_t *body;

	if (req_actor(r)->role == ROLE_RECRUITER)
		return req_fail(r, 403, "privacy requests are HR's");
	if (rest_flow(r, &f) != 0)
		return -1;
	/* every caller but HR is counted, whatever token it sends (an applicant's is no pass) */
	if (req_actor(r)->role != ROLE_HR && throttle_client(r, f.db, "privacy-request") != 0)
		return -1;
	if ((body = req_json(r)) == NULL)
		return -1;
	return req_actor(r)->role == ROLE_HR ? create_staff(r, &f, body)
	                                     : create_public(r, &f, body);
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
	struct problem *p = req_problem(r);
	json_t *body, *request;
	struct flow f;

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
	if (rest_flow(r, &f) != 0)
		return -1;
	/* a new address is sent a link: counted like PATCH /v1/me's, so no session mails or
	 * probes addresses without end */
	if (names_email(json_object_get(body, "corrections")) &&
	    throttle_applicant(r, f.db, "email-change") != 0)
		return -1;
	struct intake_request in = {.type = type,
	                            .channel = "web",
	                            .details = json_string_value(json_object_get(body, "details")),
	                            .corrections = corrections_of(body),
	                            .gpc = req_gpc(r)};
	if (intake_own(&f, &in, &request) != 0)
		return -1;
	return created(r, "/v1/me/privacy-requests/", request);
}
