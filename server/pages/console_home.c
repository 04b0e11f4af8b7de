/*
 * console_home: /staff, the console's first page: the member's own open
 * openings (recruiter_id: theirs), the applications new since their last
 * visit, and what waits on them (applications still at `applied`, longest
 * waiting first).
 */
#include <string.h>

#include "core/page.h"
#include "edge/request.h"
#include "flows/posting.h"
#include "flows/screening_board.h"
#include "flows/staffing.h"
#include "pages/console.h"
#include "pages/console_view.h"

#define LISTED 50

/* A list of applications: name (to the record), opening (to its board), stage or days. */
static void
application_list(struct html *h, const json_t *items, bool days, const char *empty)
{
	size_t i;
	json_t *a;

	if (json_array_size(items) == 0) {
		html_lit(h, "<p class=\"note\">");
		html_text(h, empty);
		html_lit(h, "</p>");
		return;
	}
	html_lit(h, "<ul class=\"items\">");
	json_array_foreach(items, i, a)
	{
		html_lit(h, "<li><a href=\"/staff/applicants/");
		html_text(h, json_string_value(json_object_get(a, "applicant_id")));
		html_lit(h, "\">");
		html_text(h, json_string_value(json_object_get(a, "name")));
		html_lit(h, "</a><span class=\"note\"><a href=\"/staff/openings/");
		html_text(h, json_string_value(json_object_get(a, "opening_id")));
		html_lit(h, "\">");
		html_text(h, json_string_value(json_object_get(a, "opening_title")));
		html_lit(h, "</a> · ");
		if (days)
			view_days(h, (long)json_integer_value(json_object_get(a, "days")));
		else
			html_text(h, view_stage(json_string_value(json_object_get(a, "stage"))));
		html_lit(h, "</span></li>");
	}
	html_lit(h, "</ul>");
}

/* The member's own open openings, newest first: a list, or where to find the others. */
static void
my_openings(struct html *h, const json_t *items)
{
	size_t i;
	json_t *o;

	if (json_array_size(items) == 0) {
		html_lit(h, "<p class=\"note\">No open opening is yours. <a "
		            "href=\"/staff/openings\">See every opening, or create one</a>.</p>");
		return;
	}
	html_lit(h, "<ul class=\"items\">");
	json_array_foreach(items, i, o)
	{
		html_lit(h, "<li><a href=\"/staff/openings/");
		html_text(h, view_str(o, "id"));
		html_lit(h, "\">");
		html_text(h, view_str(o, "title"));
		html_lit(h, "</a><span class=\"note\">since ");
		view_date(h, view_str(o, "created_at"));
		html_lit(h, "</span></li>");
	}
	html_lit(h, "</ul><p><a href=\"/staff/openings\">Every opening</a></p>");
}

int
console_home(struct req *r)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", LISTED};
	struct page_of mine = {0};
	char before[32], name[201];
	json_t *fresh, *waiting;
	struct console c;
	struct html h;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (staffing_visit(&c.f, c.member_id, before, name) != 0 ||
	    posting_list(&c.f, "open", c.member_id, &want, &mine) != 0)
		return console_fail(&c, "/staff", "Try again");
	if (screening_since(&c.f, before[0] ? before : NULL, LISTED, &fresh) != 0) {
		page_fini(&mine);
		return console_fail(&c, "/staff", "Try again");
	}
	if (screening_waiting(&c.f, LISTED, &waiting) != 0) {
		page_fini(&mine);
		json_decref(fresh);
		return console_fail(&c, "/staff", "Try again");
	}
	c.frame.title = "Home";
	c.frame.nav = "home";
	html_init(&h);
	html_lit(&h, "<h1>Hello, ");
	html_text(&h, name);
	html_lit(&h, "</h1><div class=\"console-columns\"><section class=\"panel\" "
	             "aria-labelledby=\"new-title\"><h2 id=\"new-title\">");
	html_text(&h, before[0] ? "New since your last visit" : "New applications");
	html_lit(&h, "</h2>");
	application_list(&h, fresh, false, "Nothing new since your last visit.");
	html_lit(&h, "</section><section class=\"panel\" aria-labelledby=\"waiting-title\">"
	             "<h2 id=\"waiting-title\">Waiting for screening</h2>");
	application_list(&h, waiting, true, "No application waits at the first stage.");
	html_lit(&h, "</section><section class=\"panel\" aria-labelledby=\"openings-title\">"
	             "<h2 id=\"openings-title\">My openings</h2>");
	my_openings(&h, mine.items);
	html_lit(&h, "</section></div>");
	page_fini(&mine);
	json_decref(fresh);
	json_decref(waiting);
	return html_send(r, 200, &c.frame, &h);
}
