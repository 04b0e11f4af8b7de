/*
 * console_applicants: /staff/applicants?q= (a search of the records) and
 * /staff/applicants/{id} (the record: contact, source, consent, documents
 * to download, each application with its history and evaluations, an
 * evaluation added, legal hold and retention, and whether a background
 * check is allowed and why). The record's page is an audited read, the
 * same as GET /v1/applicants/{id} (flows/recording.c); a restricted record
 * is 404 to a recruiter here as there. Documents download through
 * flows/filing.c, audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/stages.h"
#include "domain/upload.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/filing.h"
#include "flows/record.h"
#include "flows/recording.h"
#include "flows/screening.h"
#include "flows/screening_rules.h"
#include "pages/console.h"
#include "pages/console_view.h"

#define SEARCH_LIMIT 50

static void
search_form(struct html *h, const char *q)
{
	html_lit(h, "<form method=\"get\" action=\"/staff/applicants\" class=\"search\" "
	            "role=\"search\"><div class=\"field\"><label for=\"q\">Name or e-mail "
	            "address</label><input id=\"q\" name=\"q\" type=\"search\" value=\"");
	html_text(h, q);
	html_lit(h, "\"></div><button type=\"submit\">Search</button></form>");
}

int
console_applicants(struct req *r)
{
	const char *q = req_query(r, "q"), *cursor = req_query(r, "cursor");
	char k1[PAGING_KEY_MAX] = "infinity",
	     k2[PAGING_KEY_MAX] = "ffffffff-ffff-ffff-ffff-ffffffffffff";
	struct page_of page = {0};
	struct console c;
	struct html h;
	size_t i;
	json_t *a;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (q != NULL && *q == '\0')
		q = NULL;
	if (cursor != NULL && paging_cursor_decode(cursor, k1, k2) != 0) {
		strcpy(k1, "infinity"); /* a page ignores what it cannot use: the first page */
		strcpy(k2, "ffffffff-ffff-ffff-ffff-ffffffffffff");
	}
	struct recording_query rq = {.q = q};
	struct page_want want = {k1, k2, SEARCH_LIMIT};
	if (recording_list(&c.f, &rq, &want, &page) != 0)
		return console_fail(&c, "/staff/applicants", "Back to the search");
	c.frame.title = "Applicants";
	c.frame.nav = "applicants";
	html_init(&h);
	html_lit(&h, "<h1>Applicants</h1>");
	search_form(&h, q);
	html_lit(
	    &h, "<section class=\"panel\" aria-labelledby=\"found-title\"><h2 id=\"found-title\">");
	html_text(&h, q ? "Found" : "Newest records");
	html_lit(&h, "</h2>");
	if (json_array_size(page.items) == 0)
		html_lit(&h, "<p class=\"note\">No record matches.</p>");
	html_lit(&h, "<ul class=\"items\">");
	json_array_foreach(page.items, i, a)
	{
		html_lit(&h, "<li><a href=\"/staff/applicants/");
		html_text(&h, view_str(a, "id"));
		html_lit(&h, "\">");
		html_text(&h, view_str(a, "full_name"));
		html_lit(&h, "</a><span class=\"note\">");
		html_text(&h, view_str(a, "email"));
		html_lit(&h, "</span></li>");
	}
	html_lit(&h, "</ul>");
	if (page.more) {
		char *next = paging_cursor_encode(page.k1, page.k2);
		html_lit(&h, "<p><a href=\"/staff/applicants?");
		if (q) {
			html_lit(&h, "q=");
			char *enc = view_url_encode(q);
			html_text(&h, enc);
			free(enc);
			html_lit(&h, "&amp;");
		}
		html_lit(&h, "cursor=");
		html_text(&h, next);
		html_lit(&h, "\">More</a></p>");
		free(next);
	}
	html_lit(&h, "</section>");
	page_fini(&page);
	return html_send(r, 200, &c.frame, &h);
}

/* A row of a definition list, when value is not empty. */
static void
row(struct html *h, const char *term, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	html_lit(h, "<dt>");
	html_text(h, term);
	html_lit(h, "</dt><dd>");
	html_text(h, value);
	html_lit(h, "</dd>");
}

static void
contact(struct html *h, const json_t *rec)
{
	const json_t *addr = json_object_get(rec, "address"),
	             *source = json_object_get(rec, "source");
	size_t i;
	json_t *s;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"contact-title\"><h2 "
	            "id=\"contact-title\">Contact</h2><dl class=\"held\">");
	row(h, "E-mail", view_str(rec, "email"));
	row(h, "Phone", view_str(rec, "phone"));
	row(h, "Job title", view_str(rec, "job_title"));
	row(h, "Title", view_str(rec, "title"));
	if (json_is_object(addr)) {
		char *line = xasprintf("%s %s, %s %s %s %s", view_str(addr, "line1"),
		                       view_str(addr, "line2"), view_str(addr, "postal_code"),
		                       view_str(addr, "city"), view_str(addr, "region"),
		                       view_str(addr, "country"));
		row(h, "Address", line);
		free(line);
	}
	json_array_foreach(json_object_get(rec, "social_handles"), i, s)
	{
		char *v = xasprintf("%s: %s", view_str(s, "network"), view_str(s, "handle"));
		row(h, "Social", v);
		free(v);
	}
	html_lit(h, "</dl><h3>Source and consent</h3><dl class=\"held\">");
	row(h, "Came from", view_str(source, "type"));
	row(h, "Detail", view_str(source, "detail"));
	const json_t *consent = json_object_get(rec, "consent");
	if (json_is_object(consent)) {
		char *v = xasprintf("accepted %.10s (version %s)",
		                    view_str(consent, "privacy_notice_accepted_at"),
		                    view_str(consent, "privacy_notice_version"));
		row(h, "Privacy notice", v);
		free(v);
		row(h, "Aged 16 or over",
		    json_is_true(json_object_get(consent, "age_16_or_over")) ? "attested" : "");
	} else {
		row(h, "Privacy notice", "entered by staff (no consent recorded)");
	}
	row(h, "Marketing e-mail",
	    json_is_true(json_object_get(rec, "marketing_opt_in")) ? "agreed" : "not agreed");
	row(h, "Sharing",
	    json_is_true(json_object_get(rec, "sharing_opt_out"))
	        ? "opted out (no sharing with third parties)"
	        : "not opted out");
	html_lit(h, "</dl></section>");
}

/* What a reason a record is kept reads as. */
static const char *
blocked_words(const char *b)
{
	if (strcmp(b, "open_application") == 0)
		return "an open application";
	if (strcmp(b, "legal_hold") == 0)
		return "a legal hold";
	if (strcmp(b, "no_retention_rule") == 0)
		return "no retention rule covers it";
	if (strncmp(b, "legal_floor:", 12) == 0)
		return "a legal record-keeping floor";
	return b;
}

static void
retention(struct html *h, const json_t *rec)
{
	const json_t *ret = json_object_get(rec, "retention"),
	             *hold = json_object_get(rec, "legal_hold");
	size_t i;
	json_t *b;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"retention-title\"><h2 "
	            "id=\"retention-title\">Retention and legal hold</h2><dl class=\"held\">");
	const char *until = view_str(ret, "expires_at");
	html_lit(h, "<dt>Kept until</dt><dd>");
	if (*until)
		view_date(h, until);
	else
		html_text(h, "no date yet");
	html_lit(h, "</dd>");
	if (json_array_size(json_object_get(ret, "blocked_by")) > 0) {
		html_lit(h, "<dt>Blocked by</dt><dd><ul class=\"plain\">");
		json_array_foreach(json_object_get(ret, "blocked_by"), i, b)
		{
			html_lit(h, "<li>");
			html_text(h, blocked_words(json_string_value(b)));
			html_lit(h, "</li>");
		}
		html_lit(h, "</ul></dd>");
	}
	row(h, "Rule", view_str(ret, "rule"));
	if (json_is_object(hold)) {
		char *v = xasprintf("since %.10s: %s", view_str(hold, "set_at"),
		                    view_str(hold, "reason"));
		row(h, "Legal hold", v);
		free(v);
	} else {
		row(h, "Legal hold", "none");
	}
	html_lit(h, "</dl></section>");
}

static void
documents(struct html *h, const json_t *docs)
{
	size_t i;
	json_t *d;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"docs-title\"><h2 "
	            "id=\"docs-title\">Documents</h2>");
	if (json_array_size(docs) == 0)
		html_lit(h, "<p class=\"note\">No document.</p>");
	html_lit(h, "<ul class=\"items\">");
	json_array_foreach(docs, i, d)
	{
		html_lit(h, "<li><a href=\"/staff/documents/");
		html_text(h, view_str(d, "id"));
		html_lit(h, "\" download>");
		html_text(h, view_str(d, "filename"));
		html_lit(h, "</a><span class=\"note\">");
		html_text(h, view_str(d, "kind"));
		html_lit(h, " · ");
		view_date(h, view_str(d, "created_at"));
		html_lit(h, "</span></li>");
	}
	html_lit(h, "</ul></section>");
}

/* HR's rule for country/region (region "": the country's): 0 with *rule, 1 when none. */
static int
rule_of(struct console *c, const char *country, const char *region, json_t **rule)
{
	long version;

	*rule = NULL;
	if (screening_rules_get(&c->f, country, region, rule, &version) == 0)
		return 0;
	if (req_problem(c->r)->status == 404) { /* no rule is an answer here, not a failure */
		problem_fini(req_problem(c->r));
		problem_init(req_problem(c->r));
	} /* else the database's failure stands, and is what the request answers */
	return 1;
}

/* Whether a background check is allowed for an application's opening, and why. */
static void
bgcheck(struct html *h, struct console *c, const json_t *rec, const json_t *opening)
{
	const char *country = view_str(opening, "country"), *region = view_str(opening, "region");
	json_t *rule = NULL;

	html_lit(h, "<p class=\"note\"><strong>Background check:</strong> ");
	if (!*country) {
		html_text(h,
		          "not allowed: the opening names no country, so no rule can allow one.");
	} else if (rule_of(c, country, region, &rule) != 0 &&
	           (!*region || rule_of(c, country, "", &rule) != 0)) {
		html_text(h, "not allowed: HR has no background-check rule for ");
		html_text(h, country);
		if (*region) {
			html_lit(h, "/");
			html_text(h, region);
		}
		html_lit(h, ".");
	} else {
		bool allowed = json_is_true(json_object_get(rule, "allowed"));
		html_text(h,
		          allowed ? "allowed by HR's rule for " : "not allowed by HR's rule for ");
		html_text(h, view_str(rule, "country"));
		if (*view_str(rule, "region")) {
			html_lit(h, "/");
			html_text(h, view_str(rule, "region"));
		}
		if (*view_str(rule, "note")) {
			html_lit(h, " (");
			html_text(h, view_str(rule, "note"));
			html_lit(h, ")");
		}
		html_lit(h, ".");
		if (allowed && json_is_true(json_object_get(rec, "sharing_opt_out")))
			html_text(h, " The applicant opted out of sharing: the check needs HR.");
	}
	json_decref(rule);
	html_lit(h, "</p>");
}

static void
history(struct html *h, const json_t *items)
{
	size_t i;
	json_t *e;

	html_lit(h, "<h4>History</h4><ol class=\"history\">");
	json_array_foreach(items, i, e)
	{
		html_lit(h, "<li>");
		view_date(h, view_str(e, "at"));
		html_lit(h, ": ");
		html_text(h, *view_str(e, "from") ? view_stage(view_str(e, "from")) : "new");
		html_lit(h, " → ");
		html_text(h, view_stage(view_str(e, "to")));
		if (*view_str(e, "reason")) {
			html_lit(h, " (");
			html_text(h, view_str(e, "reason"));
			html_lit(h, ")");
		}
		html_lit(h, "</li>");
	}
	html_lit(h, "</ol>");
}

static void
evaluations(struct html *h, const struct console *c, const json_t *app, const char *applicant)
{
	const char *id = view_str(app, "id");
	size_t i;
	json_t *e;

	html_lit(h, "<h4>Evaluations</h4>");
	if (json_array_size(json_object_get(app, "evaluations")) == 0)
		html_lit(h, "<p class=\"note\">None yet.</p>");
	html_lit(h, "<ul class=\"items\">");
	json_array_foreach(json_object_get(app, "evaluations"), i, e)
	{
		html_lit(h, "<li><span><strong>");
		html_long(h, (long)json_integer_value(json_object_get(e, "score")));
		html_lit(h, "/5</strong> ");
		html_text(h, view_str(e, "summary"));
		html_lit(h, "</span><span class=\"note\">");
		view_date(h, view_str(e, "created_at"));
		html_lit(h, "</span></li>");
	}
	html_lit(h, "</ul><form method=\"post\" class=\"evaluate\" action=\"/staff/applications/");
	html_text(h, id);
	html_lit(h, "/evaluations\">");
	view_csrf(h, c);
	html_hidden(h, "applicant_id", applicant);
	html_lit(h, "<div class=\"field\"><label for=\"score-");
	html_text(h, id);
	html_lit(h, "\">Score</label><select name=\"score\" id=\"score-");
	html_text(h, id);
	html_lit(h, "\"><option value=\"5\">5, excellent</option><option value=\"4\">4, good"
	            "</option><option value=\"3\" selected>3, fair</option><option value=\"2\">2, "
	            "weak</option><option value=\"1\">1, poor</option></select></div>");
	char *sid = xasprintf("summary-%s", id);
	view_textarea(h, sid, "summary", "Summary", "");
	free(sid);
	html_lit(h,
	         "<button type=\"submit\" class=\"secondary\">Add the evaluation</button></form>");
}

static void
applications(struct html *h, struct console *c, const json_t *rec, const json_t *apps)
{
	const char *applicant = view_str(rec, "id");
	size_t i;
	json_t *a;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"apps-title\"><h2 "
	            "id=\"apps-title\">Applications</h2>");
	if (json_array_size(apps) == 0)
		html_lit(h, "<p class=\"note\">No application.</p>");
	json_array_foreach(apps, i, a)
	{
		const json_t *o = json_object_get(a, "opening");
		html_lit(h, "<article class=\"application\" id=\"application-");
		html_text(h, view_str(a, "id"));
		html_lit(h, "\"><h3><a href=\"/staff/openings/");
		html_text(h, view_str(a, "opening_id"));
		html_lit(h, "\">");
		html_text(h, view_str(o, "title"));
		html_lit(h, "</a>: ");
		html_text(h, view_stage(view_str(a, "stage")));
		html_lit(h, "</h3>");
		if (!stage_is_final((enum stage)stage_parse(view_str(a, "stage"))))
			bgcheck(h, c, rec, o);
		history(h, json_object_get(a, "history"));
		evaluations(h, c, a, applicant);
		html_lit(h, "</article>");
	}
	html_lit(h, "</section>");
}

int
console_applicant(struct req *r)
{
	const char *id = req_param(r, 0);
	struct record rec;
	struct console c;
	json_t *doc;
	struct html h;
	long version;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (!is_uuid(id)) {
		problem_set(req_problem(r), 404, "no applicant with this id");
		return console_fail(&c, "/staff/applicants", "Back to the search");
	}
	/* the audited read, as GET /v1/applicants/{id}; then the rest of the record */
	if (recording_read(&c.f, id, &doc, &version) != 0 ||
	    record_gather(&c.f, id, doc, true, &rec) != 0)
		return console_fail(&c, "/staff/applicants", "Back to the search");
	c.frame.title = view_str(rec.applicant, "full_name");
	c.frame.nav = "applicants";
	html_init(&h);
	html_lit(&h, "<h1>");
	html_text(&h, view_str(rec.applicant, "full_name"));
	html_lit(&h, "</h1><div class=\"console-columns\">");
	contact(&h, rec.applicant);
	retention(&h, rec.applicant);
	documents(&h, rec.documents);
	html_lit(&h, "</div>");
	applications(&h, &c, rec.applicant, rec.applications);
	rc = html_send(r, 200, &c.frame, &h); /* the frame's title is the record's */
	record_fini(&rec);
	return rc;
}

int
console_evaluate(struct req *r)
{
	const char *id = req_param(r, 0);
	struct console c;
	json_t *ev;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *applicant = console_field(&c, "applicant_id"),
	           *score = console_field(&c, "score");
	char *back =
	    xasprintf("/staff/applicants/%s", applicant && is_uuid(applicant) ? applicant : "");
	int n = score && strlen(score) == 1 && *score >= '1' && *score <= '5' ? *score - '0' : 0;
	if (!is_uuid(id))
		problem_set(req_problem(r), 404, "no application with this id");
	else if (n == 0)
		problem_field(req_problem(r), "score", "must be a whole number from 1 to 5");
	if (req_problem(r)->status == 0 && !problem_has_fields(req_problem(r)) &&
	    screening_evaluate(&c.f, id, n, console_field(&c, "summary"), &ev) == 0) {
		json_decref(ev);
		char *to = xasprintf("%s#application-%s", back, id);
		rc = html_redirect(r, to);
		free(to);
		free(back);
		return rc;
	}
	if (req_problem(r)->status == 0)
		problem_set(req_problem(r), 422, "the evaluation has invalid fields");
	rc = console_fail(&c, back, "Back to the record");
	free(back);
	return rc;
}

int
console_document(struct req *r)
{
	const char *id = req_param(r, 0);
	struct filing_bytes d;
	struct console c;
	char etag[2 * SHA256_LEN + 3];
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (!is_uuid(id)) {
		problem_set(req_problem(r), 404, "no document with this id");
		return console_fail(&c, "/staff/applicants", "Back to the search");
	}
	if (filing_download(&c.f, id, NULL, &d) != 0)
		return console_fail(&c, "/staff/applicants", "Back to the search");
	char *disposition = upload_disposition(d.filename);
	reply_header(r, "Content-Disposition", disposition);
	free(disposition);
	snprintf(etag, sizeof(etag), "\"%s\"", d.sha256);
	reply_header(r, "ETag", etag);
	reply_header(r, "X-Content-Type-Options", "nosniff");
	reply_header(r, "Cache-Control", "no-store");
	return reply_owned(r, 200, d.content_type, d.data, d.len, filing_bytes_release, d.owner);
}
