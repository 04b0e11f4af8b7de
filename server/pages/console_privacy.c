/*
 * console_privacy: HR's privacy requests in the browser. /staff/privacy is
 * the queue (open ones first, soonest due first, overdue ones marked;
 * filters; a request found by the requester's address, compared by the
 * record's keyed hash, never by listing addresses) and the form that
 * records a request received by e-mail, phone, mail, in person or through
 * an agent; /staff/privacy/{id} is a request with its events, its
 * verification and its actions (extend with a reason, complete with an
 * outcome and detail). The same flows as /v1/privacy-requests
 * (flows/requests.h, flows/intake.h); HR only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "core/xalloc.h"
#include "domain/privacy.h"
#include "edge/request.h"
#include "flows/intake.h"
#include "flows/requests.h"
#include "pages/console.h"
#include "pages/console_view.h"

#define LISTED 100

/* A value and its words. */
struct choice {
	const char *value, *label;
};

static const struct choice types[] = {
    {"know_categories", "Know: categories"},
    {"know_specific", "Know: a copy of the data"},
    {"delete", "Delete"},
    {"correct", "Correct"},
    {"opt_out", "Opt out"},
};
static const struct choice statuses[] = {
    {"awaiting_verification", "Awaiting verification"},
    {"in_progress", "In progress"},
    {"completed", "Completed"},
    {"denied", "Denied"},
};
static const struct choice channels[] = {
    {"email", "E-mail"},           {"phone", "Phone"}, {"mail", "Mail"}, {"in_person", "In person"},
    {"agent", "Through an agent"},
};
static const struct choice outcomes[] = {
    {"fulfilled", "Fulfilled"},
    {"partially_fulfilled", "Partially fulfilled"},
    {"denied", "Denied"},
    {"no_record", "No record"},
};

#define LABEL_OF(table, v) label_of((v), (table), sizeof(table) / sizeof((table)[0]))

static const char *
label_of(const char *v, const struct choice *t, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		if (strcmp(t[i].value, v) == 0)
			return t[i].label;
	return v ? v : "";
}

/* A <select> of table's values, selected the one equal to current; any: a first "Any" entry. */
#define SELECT(h, id, name, label, table, current, any)                                            \
	select_of((h), (id), (name), (label), (table), sizeof(table) / sizeof((table)[0]),         \
	          (current), (any))

static void
select_of(struct html *h, const char *id, const char *name, const char *label,
          const struct choice *t, size_t n, const char *current, bool any)
{
	html_lit(h, "<div class=\"field\"><label for=\"");
	html_text(h, id);
	html_lit(h, "\">");
	html_text(h, label);
	html_lit(h, "</label><select id=\"");
	html_text(h, id);
	html_lit(h, "\" name=\"");
	html_text(h, name);
	html_lit(h, "\">");
	if (any)
		html_lit(h, "<option value=\"\">Any</option>");
	for (size_t i = 0; i < n; i++) {
		html_lit(h, "<option value=\"");
		html_text(h, t[i].value);
		html_lit(h, current && strcmp(current, t[i].value) == 0 ? "\" selected>" : "\">");
		html_text(h, t[i].label);
		html_lit(h, "</option>");
	}
	html_lit(h, "</select></div>");
}

static bool
is_open(const json_t *r)
{
	const char *s = view_str(r, "status");
	return strcmp(s, "awaiting_verification") == 0 || strcmp(s, "in_progress") == 0;
}

static long
days_left(const json_t *r)
{
	return (long)json_integer_value(json_object_get(r, "days_left"));
}

/* "12 days left", "due today", "overdue by 3 days", or "" for a finished request. */
static void
deadline(struct html *h, const json_t *r)
{
	long d = days_left(r);

	if (!is_open(r))
		return;
	if (d < 0) {
		html_lit(h, "<strong>overdue by ");
		html_long(h, -d);
		html_lit(h, d == -1 ? " day</strong>" : " days</strong>");
	} else if (d == 0) {
		html_lit(h, "due today");
	} else {
		html_long(h, d);
		html_lit(h, d == 1 ? " day left" : " days left");
	}
}

static void
queue_table(struct html *h, const json_t *items)
{
	size_t i;
	json_t *r;

	if (json_array_size(items) == 0) {
		html_lit(h, "<p class=\"note\">No request matches.</p>");
		return;
	}
	html_lit(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"The "
	            "queue\"><table class=\"data\"><thead><tr><th scope=\"col\">Type</th>"
	            "<th scope=\"col\">Channel</th><th scope=\"col\">Received</th>"
	            "<th scope=\"col\">Status</th><th scope=\"col\">Days left</th></tr></thead>"
	            "<tbody>");
	json_array_foreach(items, i, r)
	{
		bool late = is_open(r) && days_left(r) < 0;
		html_lit(h, late ? "<tr class=\"overdue\"><td><a href=\"/staff/privacy/"
		                 : "<tr><td><a href=\"/staff/privacy/");
		html_text(h, view_str(r, "id"));
		html_lit(h, "\">");
		html_text(h, LABEL_OF(types, view_str(r, "type")));
		html_lit(h, "</a></td><td>");
		html_text(h, view_str(r, "channel"));
		html_lit(h, "</td><td>");
		view_date(h, view_str(r, "received_at"));
		html_lit(h, "</td><td>");
		html_text(h, LABEL_OF(statuses, view_str(r, "status")));
		html_lit(h, "</td><td>");
		deadline(h, r);
		html_lit(h, "</td></tr>");
	}
	html_lit(h, "</tbody></table></div>");
}

/* The queue's filters, as a GET form. */
static void
filters(struct html *h, const struct requests_filter *q)
{
	html_lit(h, "<form method=\"get\" action=\"/staff/privacy\" class=\"filters\" "
	            "role=\"search\" aria-label=\"Filter the queue\">");
	SELECT(h, "f-status", "status", "Status", statuses, q->status, true);
	SELECT(h, "f-type", "type", "Type", types, q->type, true);
	html_lit(h, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-overdue\" "
	            "name=\"overdue\" value=\"true\"");
	html_lit(h, q->overdue ? " checked>" : ">");
	html_lit(h, "<label for=\"f-overdue\">Overdue only</label></div>");
	/* the address is not shown back: the page never lists one */
	view_input(h, "f-email", "email", "The requester's e-mail address (found by its hash)", "",
	           "email", false);
	html_lit(h, "<button type=\"submit\" class=\"secondary\">Show</button></form>");
	if (q->email != NULL)
		html_lit(h, "<p class=\"note\" role=\"status\">The requests made with the address "
		            "you gave. <a href=\"/staff/privacy\">All requests</a></p>");
}

/* The form that records a request received another way. */
static void
record_form(struct html *h, const struct console *c)
{
	html_lit(h, "<form method=\"post\" action=\"/staff/privacy\">");
	SELECT(h, "n-type", "type", "Type", types, NULL, false);
	SELECT(h, "n-channel", "channel", "Received by", channels, NULL, false);
	view_input(h, "n-email", "email", "The requester's e-mail address (the link goes there)",
	           "", "email", true);
	view_input(h, "n-received", "received_at", "Received on", "", "date", false);
	view_input(h, "n-agent", "agent_name", "The agent's name (through an agent)", "", NULL,
	           false);
	view_input(h, "n-agent-doc", "agent_authorization",
	           "The agent's authorization (a reference)", "", NULL, false);
	view_textarea(h, "n-details", "details", "What was asked", "");
	view_csrf(h, c);
	html_lit(h, "<button type=\"submit\">Record the request</button></form>");
}

static int
hr_page(struct req *r, struct console *c, bool post)
{
	int rc = console_enter(r, c, post);

	if (rc == 0)
		rc = console_hr_only(c);
	return rc;
}

int
console_privacy(struct req *r)
{
	struct page_want want = {NULL, NULL, LISTED};
	struct page_of page = {0};
	struct console c;
	struct html h;
	int rc = hr_page(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *status = req_query(r, "status"), *type = req_query(r, "type"),
	           *overdue = req_query(r, "overdue"), *email = req_query(r, "email");
	struct requests_filter q = {
	    .status = status && is_one_of(status, (const char *const[]){"awaiting_verification",
	                                                                "in_progress", "completed",
	                                                                "denied", NULL})
	                  ? status
	                  : NULL,
	    .type = type && is_one_of(type, privacy_types) ? type : NULL,
	    .overdue = overdue && strcmp(overdue, "true") == 0 ? "true" : NULL,
	    .email = email && is_email(email) ? email : NULL};
	if (requests_list(&c.f, &q, &want, &page) != 0)
		return console_fail(&c, "/staff", "Back to the console");
	c.frame.title = "Privacy requests";
	c.frame.nav = "privacy";
	html_init(&h);
	html_lit(&h, "<h1>Privacy requests</h1><p><a href=\"/staff/privacy/metrics\">The year's "
	             "figures</a></p><section class=\"panel\" aria-labelledby=\"q-title\">"
	             "<h2 id=\"q-title\">The queue</h2><p class=\"note\">Open requests first, "
	             "soonest due first.</p>");
	filters(&h, &q);
	if (email && q.email == NULL)
		html_lit(&h, "<p class=\"note-box\" role=\"alert\">That is not an e-mail "
		             "address.</p>");
	queue_table(&h, page.items);
	page_fini(&page);
	html_lit(&h, "</section><section class=\"panel\" aria-labelledby=\"n-title\"><h2 "
	             "id=\"n-title\">Record a request received another way</h2>");
	record_form(&h, &c);
	html_lit(&h, "</section>");
	return html_send(r, 200, &c.frame, &h);
}

/* A date "YYYY-MM-DD" (noon UTC that day), or 0 when empty; -1 when not a date. */
static time_t
date_of(const char *v)
{
	char at[32];
	time_t t;

	if (v == NULL || *v == '\0')
		return 0;
	snprintf(at, sizeof(at), "%.10sT12:00:00Z", v);
	if (strlen(v) != 10 || clock_parse_rfc3339(at, &t) != 0)
		return -1;
	return t;
}

int
console_privacy_record(struct req *r)
{
	struct console c;
	json_t *request, *agent = NULL;
	int rc = hr_page(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *type = console_field(&c, "type"), *channel = console_field(&c, "channel"),
	           *email = console_field(&c, "email"), *name = console_field(&c, "agent_name"),
	           *doc = console_field(&c, "agent_authorization");
	time_t received = date_of(console_field(&c, "received_at"));
	struct problem *p = c.f.problem;
	if (type == NULL || !is_one_of(type, privacy_types))
		problem_field(p, "type", "must be one of the types");
	if (channel == NULL || strcmp(channel, "web") == 0 || !is_one_of(channel, privacy_channels))
		problem_field(p, "channel", "must be e-mail, phone, mail, in person or an agent");
	if (email == NULL || !is_email(email))
		problem_field(p, "email", "must be an e-mail address");
	if (received < 0 || received > time(NULL))
		problem_field(p, "received_at", "must be a date, not in the future");
	if (channel != NULL && strcmp(channel, "agent") == 0 && (name == NULL || doc == NULL))
		problem_field(p, "agent_name", "the agent's name and authorization are required");
	if (flow_fail_fields(&c.f) != 0)
		return console_fail(&c, "/staff/privacy", "Back to the queue");
	if (channel && strcmp(channel, "agent") == 0)
		agent = json_pack("{s:s, s:s}", "name", name, "authorization_document", doc);
	struct intake_request in = {.type = type,
	                            .channel = channel,
	                            .email = email,
	                            .received = received,
	                            .details = console_field(&c, "details"),
	                            .agent = agent};
	rc = intake_staff(&c.f, &in, &request);
	json_decref(agent);
	if (rc != 0)
		return console_fail(&c, "/staff/privacy", "Back to the queue");
	char *to = xasprintf("/staff/privacy/%s", view_str(request, "id"));
	json_decref(request);
	rc = html_redirect(r, to);
	free(to);
	return rc;
}

static void
fact(struct html *h, const char *term, const char *value)
{
	html_lit(h, "<dt>");
	html_text(h, term);
	html_lit(h, "</dt><dd>");
	html_text(h, value && *value ? value : "—");
	html_lit(h, "</dd>");
}

static void
facts(struct html *h, const json_t *q)
{
	const json_t *v = json_object_get(q, "verification");
	html_lit(h, "<dl class=\"facts\">");
	fact(h, "Type", LABEL_OF(types, view_str(q, "type")));
	fact(h, "Status", LABEL_OF(statuses, view_str(q, "status")));
	fact(h, "Channel", view_str(q, "channel"));
	fact(h, "Requester", view_str(json_object_get(q, "subject"), "email_masked"));
	fact(h, "Received", view_str(q, "received_at"));
	fact(h, "Receipt confirmed by", view_str(q, "confirm_by"));
	fact(h, "Due", view_str(q, "due_at"));
	fact(h, "Extended to", view_str(q, "extended_due_at"));
	fact(h, "Why extended", view_str(q, "extension_reason"));
	html_lit(h, "<dt>Days left</dt><dd>");
	deadline(h, q);
	html_lit(h, "</dd>");
	fact(h, "Verification", view_str(v, "level"));
	fact(h, "Verified", view_str(v, "verified_at"));
	fact(h, "Outcome", LABEL_OF(outcomes, view_str(q, "outcome")));
	fact(h, "Completed", view_str(q, "completed_at"));
	html_lit(h, "</dl>");
}

static void
events_list(struct html *h, const json_t *events)
{
	size_t i;
	json_t *e;

	html_lit(h, "<ol class=\"items\">");
	json_array_foreach(events, i, e)
	{
		html_lit(h, "<li>");
		html_text(h, view_str(e, "event"));
		html_lit(h, "<span class=\"note\">");
		html_text(h, view_str(e, "at"));
		html_lit(h, " · ");
		html_text(h, view_str(e, "actor_role"));
		html_lit(h, "</span></li>");
	}
	html_lit(h, "</ol>");
}

static void
actions(struct html *h, const struct console *c, const json_t *q)
{
	const char *id = view_str(q, "id");

	if (!is_open(q))
		return;
	html_lit(h, "<section class=\"panel\" aria-labelledby=\"x-title\"><h2 id=\"x-title\">"
	            "Extend</h2>");
	if (json_is_string(json_object_get(q, "extended_due_at"))) {
		html_lit(h, "<p class=\"note\">Extended once already: it cannot be again.</p>");
	} else {
		html_lit(h, "<form method=\"post\" action=\"/staff/privacy/");
		html_text(h, id);
		html_lit(h, "/extension\">");
		view_textarea(h, "x-reason", "reason",
		              "Why more time is needed (told to the requester)", "");
		view_csrf(h, c);
		html_lit(h, "<button type=\"submit\">Extend to 90 days</button></form>");
	}
	html_lit(h, "</section><section class=\"panel\" aria-labelledby=\"c-title\"><h2 "
	            "id=\"c-title\">Complete</h2><form method=\"post\" action=\"/staff/privacy/");
	html_text(h, id);
	html_lit(h, "/completion\">");
	SELECT(h, "c-outcome", "outcome", "Outcome", outcomes, NULL, false);
	view_textarea(h, "c-detail", "detail", "Detail (told to the requester)", "");
	view_csrf(h, c);
	html_lit(h, "<button type=\"submit\">Complete the request</button></form></section>");
}

int
console_privacy_request(struct req *r)
{
	struct console c;
	json_t *q, *events;
	struct html h;
	int rc = hr_page(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = req_param(r, 0);
	if (!is_uuid(id)) {
		flow_fail(&c.f, 404, NULL, "no such privacy request");
		return console_fail(&c, "/staff/privacy", "Back to the queue");
	}
	if (requests_get(&c.f, id, &q) != 0)
		return console_fail(&c, "/staff/privacy", "Back to the queue");
	if (requests_events(&c.f, id, &events) != 0) {
		json_decref(q);
		return console_fail(&c, "/staff/privacy", "Back to the queue");
	}
	c.frame.title = "A privacy request";
	c.frame.nav = "privacy";
	html_init(&h);
	html_lit(&h, "<h1>");
	html_text(&h, LABEL_OF(types, view_str(q, "type")));
	html_lit(&h, " request</h1><p><a href=\"/staff/privacy\">Back to the queue</a></p>"
	             "<section class=\"panel\" aria-labelledby=\"r-title\"><h2 id=\"r-title\">"
	             "The request</h2>");
	facts(&h, q);
	html_lit(&h, "</section><section class=\"panel\" aria-labelledby=\"e-title\"><h2 "
	             "id=\"e-title\">Events</h2>");
	events_list(&h, events);
	html_lit(&h, "</section>");
	actions(&h, &c, q);
	json_decref(q);
	json_decref(events);
	return html_send(r, 200, &c.frame, &h);
}

int
console_privacy_extend(struct req *r)
{
	struct console c;
	json_t *q;
	int rc = hr_page(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = req_param(r, 0), *reason = console_field(&c, "reason");
	char *back = xasprintf("/staff/privacy/%s", id);
	if (reason == NULL || strlen(reason) > 2000)
		problem_field(c.f.problem, "reason", "is required (at most 2000 characters)");
	if (!is_uuid(id))
		flow_fail(&c.f, 404, NULL, "no such privacy request");
	else if (flow_fail_fields(&c.f) == 0 && requests_extend(&c.f, id, reason, &q) == 0) {
		json_decref(q);
		rc = html_redirect(r, back);
		free(back);
		return rc;
	}
	rc = console_fail(&c, back, "Back to the request");
	free(back);
	return rc;
}

int
console_privacy_complete(struct req *r)
{
	struct console c;
	json_t *q;
	int rc = hr_page(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = req_param(r, 0), *outcome = console_field(&c, "outcome"),
	           *detail = console_field(&c, "detail");
	char *back = xasprintf("/staff/privacy/%s", id);
	if (outcome == NULL || !is_one_of(outcome, privacy_outcomes))
		problem_field(c.f.problem, "outcome", "must be one of the outcomes");
	if (detail != NULL && strlen(detail) > 2000)
		problem_field(c.f.problem, "detail", "must be at most 2000 characters");
	if (!is_uuid(id))
		flow_fail(&c.f, 404, NULL, "no such privacy request");
	else if (flow_fail_fields(&c.f) == 0 &&
	         requests_complete(&c.f, id, outcome, detail, &q) == 0) {
		json_decref(q);
		rc = html_redirect(r, back);
		free(back);
		return rc;
	}
	rc = console_fail(&c, back, "Back to the request");
	free(back);
	return rc;
}
