/*
 * console_openings: /staff/openings (the list and the create form) and
 * /staff/openings/{id} (the board: one column per stage, each application
 * with its applicant's name and days in stage, a move for each, several
 * selected and rejected with an e-mail template; the opening edited or
 * closed). Through flows/posting.c and flows/screening*.c, as the API.
 */
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/opening.h"
#include "domain/stages.h"
#include "edge/form.h"
#include "edge/request.h"
#include "flows/idempotency.h"
#include "flows/posting.h"
#include "flows/screening.h"
#include "flows/screening_board.h"
#include "pages/console.h"
#include "pages/console_view.h"

/* The opening form's text fields: name and label. */
static const struct {
	const char *name, *label;
	bool required;
} fields[] = {
    {"title", "Title", true},
    {"department", "Department", false},
    {"location", "Location", false},
    {"country", "Country (two letters, e.g. US)", false},
    {"region", "Region (e.g. CA)", false},
};

static void
opening_form(struct html *h, const struct console *c, const json_t *o, const char *prefix)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *id = xasprintf("%s-%s", prefix, fields[i].name);
		view_input(h, id, fields[i].name, fields[i].label,
		           o ? view_str(o, fields[i].name) : "", NULL, fields[i].required);
		free(id);
	}
	char *id = xasprintf("%s-description", prefix);
	view_textarea(h, id, "description", "Description", o ? view_str(o, "description") : "");
	free(id);
	view_csrf(h, c);
}

int
console_openings(struct req *r)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", 200};
	struct page_of page = {0};
	struct console c;
	struct html h;
	size_t i;
	json_t *o;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (posting_list(&c.f, NULL, &want, &page) != 0)
		return console_fail(&c, "/staff", "Back to the console");
	c.frame.title = "Openings";
	c.frame.nav = "openings";
	html_init(&h);
	html_lit(&h, "<h1>Openings</h1><section class=\"panel\" aria-labelledby=\"list-title\">"
	             "<h2 id=\"list-title\">All openings</h2>");
	if (json_array_size(page.items) == 0)
		html_lit(&h, "<p class=\"note\">No opening yet.</p>");
	html_lit(&h, "<ul class=\"items\">");
	json_array_foreach(page.items, i, o)
	{
		html_lit(&h, "<li><a href=\"/staff/openings/");
		html_text(&h, view_str(o, "id"));
		html_lit(&h, "\">");
		html_text(&h, view_str(o, "title"));
		html_lit(&h, "</a><span class=\"note\">");
		html_text(&h, strcmp(view_str(o, "status"), "open") == 0 ? "open" : "closed");
		html_lit(&h, " · since ");
		view_date(&h, view_str(o, "created_at"));
		html_lit(&h, "</span></li>");
	}
	page_fini(&page);
	html_lit(&h, "</ul></section><section class=\"panel\" aria-labelledby=\"create-heading\">"
	             "<h2 id=\"create-heading\">Create an opening</h2>"
	             "<form method=\"post\" action=\"/staff/openings\">");
	opening_form(&h, &c, NULL, "new");
	console_idem_field(&h);
	html_lit(&h, "<button type=\"submit\">Create the opening</button></form></section>");
	return html_send(r, 200, &c.frame, &h);
}

/* The opening the form describes: each field given (empty: null when patching, absent else). */
static json_t *
doc_of(const struct console *c, bool patch)
{
	static const char *const names[] = {"title",  "department",  "location", "country",
	                                    "region", "description", "status",   NULL};
	const struct form *f = req_form(c->r);
	json_t *doc = json_object();

	for (const char *const *n = names; *n; n++) {
		const char *v = f ? form_text_at(f, *n, 0) : NULL;
		if (v == NULL)
			continue;
		if (*v)
			json_object_set_new(doc, *n, json_string(v));
		else if (patch)
			json_object_set_new(doc, *n, json_null());
	}
	return doc;
}

int
console_opening_create(struct req *r)
{
	json_t *doc, *opening;
	struct console c;
	struct idem k;
	bool replayed;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	doc = doc_of(&c, false);
	if (!opening_validate(doc, req_problem(r))) {
		json_decref(doc);
		problem_set(req_problem(r), 422, "the opening has invalid fields");
		return console_fail(&c, "/staff/openings", "Back to the form");
	}
	int keyed = console_idem(&c, "openings.create", &k);
	rc = posting_create(&c.f, doc, keyed ? &k : NULL, &opening, &replayed);
	json_decref(doc);
	if (rc != 0)
		return console_fail(&c, "/staff/openings", "Back to the openings");
	char *to = xasprintf("/staff/openings/%s", view_str(opening, "id"));
	json_decref(opening);
	rc = html_redirect(r, to);
	free(to);
	return rc;
}

/* One application's card: select it, its name (to the record), days in stage, a move. */
static void
card(struct html *h, const struct console *c, const char *opening_id, const json_t *a,
     enum stage at)
{
	const char *id = view_str(a, "id");

	html_lit(h, "<li class=\"card\">");
	if (!stage_is_final(at)) {
		html_lit(h, "<div class=\"pick\"><input type=\"checkbox\" form=\"bulk\" "
		            "name=\"application_id\" id=\"pick-");
		html_text(h, id);
		html_lit(h, "\" value=\"");
		html_text(h, id);
		html_lit(h, "\"><label for=\"pick-");
		html_text(h, id);
		html_lit(h, "\">");
		html_text(h, view_str(a, "name"));
		html_lit(h, "</label></div>");
	} else {
		html_lit(h, "<div class=\"name\">");
		html_text(h, view_str(a, "name"));
		html_lit(h, "</div>");
	}
	html_lit(h, "<p class=\"note\">");
	view_days(h, (long)json_integer_value(json_object_get(a, "days")));
	html_lit(h, " in this stage · <a href=\"/staff/applicants/");
	html_text(h, view_str(a, "applicant_id"));
	html_lit(h, "\">Record<span class=\"visually-hidden\"> of ");
	html_text(h, view_str(a, "name"));
	html_lit(h, "</span></a></p>");
	if (stage_is_final(at)) {
		html_lit(h, "</li>");
		return;
	}
	html_lit(h, "<form method=\"post\" class=\"move\" action=\"/staff/applications/");
	html_text(h, id);
	html_lit(h, "/move\">");
	view_csrf(h, c);
	html_hidden(h, "opening_id", opening_id);
	char version[24];
	snprintf(version, sizeof(version), "%lld",
	         (long long)json_integer_value(json_object_get(a, "version")));
	html_hidden(h, "version", version);
	html_lit(h, "<label for=\"to-");
	html_text(h, id);
	html_lit(h, "\">Move to</label><select name=\"to\" id=\"to-");
	html_text(h, id);
	html_lit(h, "\">");
	for (int s = at + 1; s < ST_COUNT; s++) {
		if (s == ST_HIRED || s == ST_REJECTED)
			continue; /* a hire is HR's (the API); a rejection takes its reason below */
		html_lit(h, "<option value=\"");
		html_lit(h, stage_name((enum stage)s));
		html_lit(h, "\">");
		html_text(h, view_stage(stage_name((enum stage)s)));
		html_lit(h, "</option>");
	}
	html_lit(h,
	         "</select><button type=\"submit\" class=\"secondary\">Move</button></form></li>");
}

static void
board(struct html *h, const struct console *c, const char *opening_id, const json_t *columns)
{
	size_t i, k;
	json_t *col, *a;

	/* it scrolls sideways on a wide screen: a region the keyboard can reach and scroll */
	html_lit(h, "<div class=\"board\" role=\"region\" aria-label=\"Board\" tabindex=\"0\">");
	json_array_foreach(columns, i, col)
	{
		const char *stage = view_str(col, "stage");
		json_t *items = json_object_get(col, "items");
		html_lit(h, "<section class=\"column\" aria-labelledby=\"col-");
		html_lit(h, stage);
		html_lit(h, "\"><h3 id=\"col-");
		html_lit(h, stage);
		html_lit(h, "\">");
		html_text(h, view_stage(stage));
		html_lit(h, " <span class=\"count\">");
		html_long(h, (long)json_array_size(items));
		html_lit(h, "</span></h3><ul class=\"cards\">");
		json_array_foreach(items, k, a)
		    card(h, c, opening_id, a, (enum stage)stage_parse(stage));
		html_lit(h, "</ul></section>");
	}
	html_lit(h, "</div>");
}

static void
bulk_form(struct html *h, const struct console *c, const char *id)
{
	html_lit(h, "<form id=\"bulk\" method=\"post\" class=\"panel\" action=\"/staff/openings/");
	html_text(h, id);
	html_lit(h, "/rejections\"><h2>Reject the selected applications</h2><p class=\"note\">"
	            "Select applications on the board, then preview the e-mail each person will "
	            "get. Nothing is sent before you confirm.</p>");
	view_csrf(h, c);
	html_lit(h, "<div class=\"field\"><label for=\"bulk-language\">E-mail language</label>"
	            "<select id=\"bulk-language\" name=\"language\"><option value=\"en\">English"
	            "</option><option value=\"de\">German</option><option value=\"fr\">French"
	            "</option><option value=\"es\">Spanish</option></select></div>"
	            "<button type=\"submit\" class=\"secondary\">Preview the rejection</button>"
	            "</form>");
}

static void
edit_forms(struct html *h, const struct console *c, const json_t *o)
{
	const char *id = view_str(o, "id");
	char version[24];

	snprintf(version, sizeof(version), "%lld",
	         (long long)json_integer_value(json_object_get(o, "version")));
	html_lit(h, "<section class=\"panel\" aria-labelledby=\"edit-heading\"><h2 "
	            "id=\"edit-heading\">Edit the opening</h2><form method=\"post\" "
	            "action=\"/staff/openings/");
	html_text(h, id);
	html_lit(h, "\">");
	opening_form(h, c, o, "edit");
	html_hidden(h, "version", version);
	html_lit(h, "<button type=\"submit\">Save the changes</button></form>");
	html_lit(h, "<form method=\"post\" class=\"inline\" action=\"/staff/openings/");
	html_text(h, id);
	html_lit(h, "\">");
	view_csrf(h, c);
	html_hidden(h, "version", version);
	bool open = strcmp(view_str(o, "status"), "open") == 0;
	html_hidden(h, "status", open ? "closed" : "open");
	html_lit(h, open ? "<button type=\"submit\" class=\"secondary\">Close the opening</button>"
	                 : "<button type=\"submit\" class=\"secondary\">Open it again</button>");
	html_lit(h, "</form></section>");
}

int
console_opening(struct req *r)
{
	const char *id = req_param(r, 0);
	json_t *opening, *columns;
	struct console c;
	struct html h;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (!is_uuid(id)) {
		problem_set(req_problem(r), 404, "no opening with this id");
		return console_fail(&c, "/staff/openings", "Back to the openings");
	}
	if (posting_get(&c.f, id, &opening) != 0)
		return console_fail(&c, "/staff/openings", "Back to the openings");
	if (screening_board(&c.f, id, &columns) != 0) {
		json_decref(opening);
		return console_fail(&c, "/staff/openings", "Back to the openings");
	}
	c.frame.title = view_str(opening, "title");
	c.frame.nav = "openings";
	html_init(&h);
	html_lit(&h, "<h1>");
	html_text(&h, view_str(opening, "title"));
	html_lit(&h, "</h1><p class=\"note\">");
	html_text(&h, strcmp(view_str(opening, "status"), "open") == 0 ? "Open" : "Closed");
	const char *where[] = {view_str(opening, "location"), view_str(opening, "region"),
	                       view_str(opening, "country")};
	for (int i = 0; i < 3; i++)
		if (*where[i]) {
			html_lit(&h, " · ");
			html_text(&h, where[i]);
		}
	html_lit(&h, "</p>");
	board(&h, &c, id, columns);
	bulk_form(&h, &c, id);
	edit_forms(&h, &c, opening);
	json_decref(columns);
	int out = html_send(r, 200, &c.frame, &h);
	json_decref(opening);
	return out;
}

/* The version a form says it saw (0: none); -1 when it is no version. */
static long
form_version(const struct console *c)
{
	const char *v = console_field(c, "version");
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;

	return v && (*end || n < 1) ? -1 : n;
}

int
console_opening_change(struct req *r)
{
	const char *id = req_param(r, 0);
	json_t *patch, *opening;
	struct console c;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	char *back = xasprintf("/staff/openings/%s", is_uuid(id) ? id : "");
	long expect = form_version(&c);
	if (!is_uuid(id) || expect < 0) {
		problem_set(req_problem(r), !is_uuid(id) ? 404 : 412, "no such opening or version");
		rc = console_fail(&c, "/staff/openings", "Back to the openings");
		free(back);
		return rc;
	}
	patch = doc_of(&c, true);
	if (posting_change(&c.f, id, patch, expect, &opening) != 0)
		rc = console_fail(&c, back, "Back to the opening");
	else {
		json_decref(opening);
		rc = html_redirect(r, back);
	}
	json_decref(patch);
	free(back);
	return rc;
}

int
console_move(struct req *r)
{
	const char *id = req_param(r, 0);
	struct console c;
	json_t *app;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *opening = console_field(&c, "opening_id"), *to = console_field(&c, "to");
	char *back = xasprintf("/staff/openings/%s", opening && is_uuid(opening) ? opening : "");
	int stage = to ? stage_parse(to) : -1;
	long expect = form_version(&c);
	if (!is_uuid(id) || stage < 0 || expect < 0) {
		problem_set(req_problem(r), !is_uuid(id) ? 404 : 422,
		            "the move is not one there is");
		if (stage < 0)
			problem_field(req_problem(r), "to", "must be a stage");
	} else if (screening_move(&c.f, id, NULL, (enum stage)stage, console_field(&c, "reason"),
	                          expect, &app) == 0) {
		json_decref(app);
		rc = html_redirect(r, opening && is_uuid(opening) ? back : "/staff");
		free(back);
		return rc;
	}
	rc = console_fail(&c, opening && is_uuid(opening) ? back : "/staff", "Back to the board");
	free(back);
	return rc;
}
