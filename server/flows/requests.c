/*
 * requests: privacy requests once they are in. See requests.h. Every
 * e-mail about a request goes through the outbox in the transaction of the
 * change it reports; a request's address is kept only while it is open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/page.h"
#include "core/token.h"
#include "core/zone.h"
#include "domain/letters.h"
#include "flows/flow.h"
#include "flows/requests.h"
#include "store/outbox.h"
#include "store/privacy.h"
#include "store/privacy_events.h"

#define NO_SUCH_REQUEST "no privacy request with this id"

/*
 * The applicant whose requests the actor may see, or NULL for HR (every
 * one). The routes let no one else in; were someone else to come, the nil
 * id matches no request.
 */
static const char *
only_for(const struct flow *f)
{
	if (flow_is_hr(f))
		return NULL;
	if (f->who->role == ROLE_APPLICANT && f->who->applicant_id[0] != '\0')
		return f->who->applicant_id;
	return "00000000-0000-0000-0000-000000000000";
}

/*
 * A request whose link expired unused is denied as unverifiable when it is
 * read, if the purge run has not done it yet (id NULL: every one).
 */
static int
settle_unverified(const struct flow *f, const char *id)
{
	long n;

	return privacy_deny_unverified(f->db, false, id, &n) == 0 ? 0 : flow_fail_db(f);
}

/* Request id as it stands, as the actor sees it: 0 with *request, or -1. */
static int
read_request(const struct flow *f, const char *id, json_t **request)
{
	int rc = privacy_get(f->db, id, only_for(f), request);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_SUCH_REQUEST) : 0;
}

int
requests_get(const struct flow *f, const char *id, json_t **request)
{
	if (settle_unverified(f, id) != 0)
		return -1;
	return read_request(f, id, request);
}

int
requests_list(const struct flow *f, const struct requests_filter *q, const struct page_want *want,
              struct page_of *out)
{
	struct privacy_query pq = {.applicant_id = only_for(f)};

	if (pq.applicant_id == NULL) /* HR's filters; an applicant's list is all of their own */
		pq = (struct privacy_query){.status = q->status,
		                            .type = q->type,
		                            .overdue = q->overdue,
		                            .due_before = q->due_before};
	if (only_for(f) == NULL)
		pq.requester = q->email;
	if (settle_unverified(f, NULL) != 0)
		return -1;
	return privacy_page(f->db, &pq, want, out) == 0 ? 0 : flow_fail_db(f);
}

int
requests_events(const struct flow *f, const char *id, json_t **events)
{
	int rc = privacy_events_list(f->db, id, events);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no such privacy request") : 0;
}

int
requests_metrics(const struct flow *f, int year, json_t **types)
{
	if (settle_unverified(f, NULL) != 0)
		return -1;
	*types = privacy_metrics(f->db, year);
	return *types != NULL ? 0 : flow_fail_db(f);
}

/* ------------------------------------------------------------------ */
/* letters and the end of a request                                     */

int
requests_letter(const struct flow *f, const char *kind, const char *to, const char *applicant_id,
                struct letter *l)
{
	struct outbox_mail m = {.kind = kind,
	                        .applicant_id = applicant_id,
	                        .to = to,
	                        .subject = l->subject,
	                        .body = l->body};
	int rc = outbox_enqueue(f->db, &m, f->request_id);

	letter_fini(l);
	return rc == 0 ? 0 : flow_fail_db(f);
}

/* The outcome in the letter's words (the log keeps the outcome's name). */
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

/* The outcome e-mail of e to `to`: what the log keeps, and what only the letter says. */
static int
tell_outcome(const struct flow *f, const struct requests_ending *e, const char *to)
{
	struct letter l;
	char *said = e->letter_only == NULL ? NULL
	             : e->detail == NULL    ? xstrdup(e->letter_only)
	                                    : xasprintf("%s\n\n%s", e->detail, e->letter_only);

	letter_privacy_outcome(&l, f->cfg->company_name, letter_privacy_type_label(e->type),
	                       outcome_text(e->outcome), said ? said : e->detail);
	if (said != NULL) {
		explicit_bzero(said, strlen(said));
		free(said);
	}
	return requests_letter(f, "privacy_outcome", to, e->applicant, &l);
}

int
requests_end(const struct flow *f, const struct requests_ending *e)
{
	char *email = NULL;
	int rc;

	if (privacy_email_of(f->db, e->id, &email) != 0 ||
	    (rc = privacy_finish(f->db, e->id, e->status, e->outcome, e->detail, e->categories,
	                         e->items, e->actor, e->applicant)) < 0) {
		free(email);
		return flow_fail_db(f);
	}
	if (rc == 0 && email != NULL)
		rc = tell_outcome(f, e, email);
	free(email);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* HR's actions                                                         */

/* The extension e-mail to the address request id waits on (none: nobody to tell). */
static int
tell_extension(const struct flow *f, const char *id, const char *reason)
{
	json_t *now = NULL;
	char *email = NULL, due[11];
	time_t t = 0;
	int rc;

	if (privacy_get(f->db, id, NULL, &now) != 0 || privacy_email_of(f->db, id, &email) != 0) {
		json_decref(now);
		return flow_fail_db(f);
	}
	const char *due_text = json_string_value(json_object_get(now, "extended_due_at"));
	if (email == NULL) {
		rc = 0;
	} else if (due_text == NULL || clock_parse_rfc3339(due_text, &t) != 0) {
		rc = flow_fail(f, 503, NULL, "the extended request could not be read back; retry");
	} else {
		struct letter l;
		zone_date(f->cfg->zone, t, due);
		letter_privacy_extension(
		    &l, f->cfg->company_name,
		    letter_privacy_type_label(json_string_value(json_object_get(now, "type"))),
		    reason, due);
		rc = requests_letter(f, "privacy_extension", email,
		                     json_string_value(json_object_get(
		                         json_object_get(now, "subject"), "applicant_id")),
		                     &l);
	}
	free(email);
	json_decref(now);
	return rc;
}

/* In the open transaction: the extension written and told. */
static int
extend(const struct flow *f, const char *id, const char *reason)
{
	int rc = privacy_extend(f->db, f->cfg->zone, id, reason, "hr");

	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 1)
		return flow_fail(f, 404, NULL, NO_SUCH_REQUEST);
	if (rc == 2)
		return flow_fail(f, 409, "already-extended",
		                 "the request has been extended once already");
	if (rc == 3)
		return flow_fail(f, 409, "not-extendable",
		                 "the request has ended, or its due date has passed");
	return tell_extension(f, id, reason);
}

int
requests_extend(const struct flow *f, const char *id, const char *reason, json_t **request)
{
	if (flow_begin(f) != 0)
		return -1;
	if (extend(f, id, reason) != 0 || flow_commit(f) != 0)
		return flow_rollback(f);
	return read_request(f, id, request);
}

/* In the open transaction: the request, in progress (or awaiting, to deny it), ended. */
static int
complete(const struct flow *f, const char *id, const char *outcome, const char *detail)
{
	json_t *now = NULL;
	int rc = privacy_get(f->db, id, NULL, &now);

	if (rc != 0)
		return rc < 0 ? flow_fail_db(f) : flow_fail(f, 404, NULL, NO_SUCH_REQUEST);
	/* a request still awaiting verification can be denied (it cannot be verified), no more */
	const char *status = json_string_value(json_object_get(now, "status"));
	bool denied = strcmp(outcome, "denied") == 0;
	if (strcmp(status, "in_progress") != 0 &&
	    (strcmp(status, "awaiting_verification") != 0 || !denied)) {
		json_decref(now);
		return flow_fail(
		    f, 409, "not-in-progress",
		    "only a verified request in progress can be completed (one awaiting "
		    "verification can be denied)");
	}
	struct requests_ending e = {.id = id,
	                            .type = json_string_value(json_object_get(now, "type")),
	                            .applicant = json_string_value(json_object_get(
	                                json_object_get(now, "subject"), "applicant_id")),
	                            .status = denied ? "denied" : "completed",
	                            .outcome = outcome,
	                            .detail = detail,
	                            .actor = "hr"};
	rc = requests_end(f, &e);
	json_decref(now);
	return rc;
}

int
requests_complete(const struct flow *f, const char *id, const char *outcome, const char *detail,
                  json_t **request)
{
	if (flow_begin(f) != 0)
		return -1;
	if (complete(f, id, outcome, detail) != 0 || flow_commit(f) != 0)
		return flow_rollback(f);
	return read_request(f, id, request);
}
