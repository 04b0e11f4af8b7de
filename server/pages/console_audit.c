/*
 * console_audit: HR's /staff/audit, the audit log filtered by record, actor
 * and date, newest first, a page at a time, and /staff/audit.csv, the same
 * filters as a CSV download (at most CSV_MAX entries). Each view and each
 * download is itself an entry of the log (audit.read, audit.export: the
 * member as actor). The entries hold no personal data; a CSV cell that a
 * spreadsheet would run as a formula is written as text. HR only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/page.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/auditing.h"
#include "pages/console.h"
#include "pages/console_view.h"

#define LISTED 100
#define CSV_MAX 10000
#define FIRST "9223372036854775807"

struct audit_query {
	const char *applicant_id, *actor;
	char since[32]; /* "" or YYYY-MM-DDT00:00:00Z */
	char since_date[11];
	const char *before; /* a sequence number, or NULL: the newest */
	bool bad;
};

/* The filters of the query; bad ones are dropped and said. */
static void
query_of(struct req *r, struct audit_query *q)
{
	const char *a = req_query(r, "applicant_id"), *actor = req_query(r, "actor"),
	           *since = req_query(r, "since"), *before = req_query(r, "before");

	memset(q, 0, sizeof(*q));
	if (a && *a && is_uuid(a))
		q->applicant_id = a;
	else if (a && *a)
		q->bad = true;
	if (actor && *actor && strlen(actor) <= 64 && !has_control_chars(actor))
		q->actor = actor;
	else if (actor && *actor)
		q->bad = true;
	if (since && *since) {
		snprintf(q->since, sizeof(q->since), "%.10sT00:00:00Z", since);
		if (strlen(since) == 10 && is_rfc3339(q->since))
			snprintf(q->since_date, sizeof(q->since_date), "%s", since);
		else {
			q->since[0] = '\0';
			q->bad = true;
		}
	}
	if (before && *before && strlen(before) <= 18 &&
	    strspn(before, "0123456789") == strlen(before))
		q->before = before;
}

/* The filters as a query string (new string): "applicant_id=...&actor=...&since=...". */
static char *
query_string(const struct audit_query *q)
{
	char *a = view_url_encode(q->applicant_id ? q->applicant_id : ""),
	     *b = view_url_encode(q->actor ? q->actor : ""), *s = view_url_encode(q->since_date);
	char *out = xasprintf("applicant_id=%s&actor=%s&since=%s", a, b, s);
	free(a);
	free(b);
	free(s);
	return out;
}

static void
entries_table(struct html *h, const json_t *items)
{
	size_t i;
	json_t *e;

	if (json_array_size(items) == 0) {
		html_lit(h, "<p class=\"note\">No entry matches.</p>");
		return;
	}
	html_lit(h,
	         "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"The "
	         "entries\"><table class=\"data\"><thead><tr><th scope=\"col\">At</th>"
	         "<th scope=\"col\">Actor</th><th scope=\"col\">Action</th>"
	         "<th scope=\"col\">Record</th><th scope=\"col\">Target</th></tr></thead><tbody>");
	json_array_foreach(items, i, e)
	{
		const char *who = view_str(e, "applicant_id");
		html_lit(h, "<tr><td>");
		html_text(h, view_str(e, "at"));
		html_lit(h, "</td><td>");
		html_text(h, view_str(e, "actor"));
		html_lit(h, "</td><td>");
		html_text(h, view_str(e, "action"));
		html_lit(h, "</td><td>");
		if (*who) {
			html_lit(h, "<a href=\"/staff/audit?applicant_id=");
			html_text(h, who);
			html_lit(h, "\">");
			html_text(h, who);
			html_lit(h, "</a>");
		}
		html_lit(h, "</td><td>");
		html_text(h, view_str(e, "target"));
		html_lit(h, "</td></tr>");
	}
	html_lit(h, "</tbody></table></div>");
}

static void
filters(struct html *h, const struct audit_query *q)
{
	html_lit(h,
	         "<form method=\"get\" action=\"/staff/audit\" class=\"filters\" role=\"search\" "
	         "aria-label=\"Filter the log\">");
	view_input(h, "a-applicant", "applicant_id", "Record (an applicant's id)",
	           q->applicant_id ? q->applicant_id : "", NULL, false);
	view_input(h, "a-actor", "actor", "Actor (a key's name, member:id, a role)",
	           q->actor ? q->actor : "", NULL, false);
	view_input(h, "a-since", "since", "Since", q->since_date, "date", false);
	html_lit(h, "<button type=\"submit\" class=\"secondary\">Show</button></form>");
}

static int
enter(struct req *r, struct console *c)
{
	int rc = console_enter(r, c, false);

	if (rc == 0)
		rc = console_hr_only(c);
	return rc;
}

int
console_audit(struct req *r)
{
	struct audit_query q;
	struct page_of page = {0};
	struct console c;
	struct html h;
	int rc = enter(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	query_of(r, &q);
	struct page_want want = {.k1 = q.before ? q.before : FIRST, .limit = LISTED};
	if (auditing_read(&c.f, q.applicant_id, q.actor, q.since[0] ? q.since : NULL, false, &want,
	                  &page) != 0)
		return console_fail(&c, "/staff", "Back to the console");
	char *qs = query_string(&q);
	c.frame.title = "Audit log";
	c.frame.nav = "audit";
	html_init(&h);
	html_lit(&h, "<h1>Audit log</h1><section class=\"panel\" aria-labelledby=\"l-title\">"
	             "<h2 id=\"l-title\">Entries, newest first</h2><p class=\"note\">Reading this "
	             "log is itself logged.</p>");
	filters(&h, &q);
	if (q.bad)
		html_lit(&h, "<p class=\"note-box\" role=\"alert\">A filter was not understood and "
		             "is left out: a record is an id, a date is YYYY-MM-DD.</p>");
	html_lit(&h, "<p><a href=\"/staff/audit.csv?");
	html_text(&h, qs);
	html_lit(&h, "\" download>Download these entries as CSV</a></p>");
	entries_table(&h, page.items);
	if (page.more) {
		html_lit(&h, "<p><a href=\"/staff/audit?");
		html_text(&h, qs);
		html_lit(&h, "&amp;before=");
		html_text(&h, page.k1);
		html_lit(&h, "\">Older entries</a></p>");
	}
	html_lit(&h, "</section>");
	free(qs);
	page_fini(&page);
	return html_send(r, 200, &c.frame, &h);
}

/* One CSV cell: quoted, quotes doubled, and text a spreadsheet would run made plain text. */
static void
csv_cell(struct buf *b, const char *v, bool last)
{
	(void)!buf_append(b, "\"", 1);
	if (v && strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0')
		(void)!buf_append(b, "'", 1);
	for (; v && *v; v++)
		(void)!buf_append(b, *v == '"' ? "\"\"" : v, *v == '"' ? 2 : 1);
	(void)!buf_append(b, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

int
console_audit_csv(struct req *r)
{
	static const char *const cols[] = {"at",           "actor",  "action",
	                                   "applicant_id", "target", "request_id"};
	struct audit_query q;
	struct console c;
	struct buf b;
	size_t n = 0;
	char before[PAGE_KEY_MAX] = FIRST;
	int rc = enter(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	query_of(r, &q);
	buf_init(&b, 64u << 20);
	(void)!buf_printf(&b, "at,actor,action,applicant_id,target,request_id\r\n");
	for (bool first = true; n < CSV_MAX; first = false) {
		struct page_of page = {0};
		struct page_want want = {.k1 = before, .limit = 200};
		const char *since = q.since[0] ? q.since : NULL;
		if ((first ? auditing_read(&c.f, q.applicant_id, q.actor, since, true, &want, &page)
		           : auditing_list(&c.f, q.applicant_id, q.actor, since, &want, &page)) !=
		    0) {
			buf_fini(&b);
			return console_fail(&c, "/staff/audit", "Back to the log");
		}
		size_t i;
		json_t *e;
		json_array_foreach(page.items, i, e)
		{
			for (size_t k = 0; k < 6; k++)
				csv_cell(&b, view_str(e, cols[k]), k == 5);
			n++;
		}
		bool more = page.more;
		snprintf(before, sizeof(before), "%s", page.k1);
		page_fini(&page);
		if (!more)
			break;
	}
	reply_header(r, "Content-Disposition", "attachment; filename=\"audit.csv\"");
	reply_header(r, "Cache-Control", "no-store");
	reply_header(r, "X-Content-Type-Options", "nosniff");
	size_t len = b.len;
	char *data = buf_steal(&b);
	return reply_owned(r, 200, "text/csv; charset=utf-8", data, len, free, data);
}
