/*
 * pages_feed: GET /jobs.xml, an RSS 2.0 feed of the open openings (newest
 * first, at most 200): each item its title, its page on the careers site,
 * the start of its description, its department and the day it was
 * posted. The text is escaped for XML and stripped of the control
 * characters XML 1.0 cannot hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/config.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/posting.h"
#include "pages_render.h"

/* A member's string, "" when absent or null. */
static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Text for XML: escaped, and without the control characters XML 1.0 cannot hold. */
static void
put_xml(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			continue;
		const char *e = ch == '&'   ? "&amp;"
		                : ch == '<' ? "&lt;"
		                : ch == '>' ? "&gt;"
		                            : NULL;
		if (e != NULL)
			pages_put(b, e, strlen(e));
		else
			pages_put(b, s, 1);
	}
}

/* An RFC 3339 time as RFC 822 (RSS's dates): "Sun, 06 Dec 2026 21:11:25 GMT". */
static void
put_rfc822(struct buf *b, const char *rfc3339)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	struct tm tm;
	char text[40];
	time_t t;

	if (pages_instant(rfc3339, &t) != 0 || gmtime_r(&t, &tm) == NULL)
		return;
	snprintf(text, sizeof(text), "%s, %02d %.3s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
	         tm.tm_mday, pages_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	         tm.tm_sec);
	pages_put(b, text, strlen(text));
}

static void
put_item(struct buf *b, const struct config *cfg, const json_t *o)
{
	char *link = xasprintf("%s/jobs/%s", cfg->public_url, str(o, "id"));

	pages_put_lit(b, "<item><title>");
	put_xml(b, str(o, "title"));
	pages_put_lit(b, "</title><link>");
	put_xml(b, link);
	pages_put_lit(b, "</link><guid isPermaLink=\"true\">");
	put_xml(b, link);
	pages_put_lit(b, "</guid><description>");
	put_xml(b, *str(o, "summary") ? str(o, "summary") : str(o, "title"));
	pages_put_lit(b, "</description>");
	if (*str(o, "department")) {
		pages_put_lit(b, "<category>");
		put_xml(b, str(o, "department"));
		pages_put_lit(b, "</category>");
	}
	pages_put_lit(b, "<pubDate>");
	put_rfc822(b, str(o, "posted_at"));
	pages_put_lit(b, "</pubDate></item>\n");
	free(link);
}

int
pages_jobs_feed(struct req *r)
{
	const struct config *cfg = req_app(r)->cfg;
	json_t *list;
	struct buf b;
	struct flow f;
	int rc;

	if (rest_flow(r, &f) != 0 || posting_open_list(&f, &list) != 0)
		return -1;
	buf_init(&b, PAGE_MAX);
	pages_put_lit(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
	                  "xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n<title>");
	put_xml(&b, cfg->company_name);
	pages_put_lit(&b, ": open positions</title>\n<link>");
	put_xml(&b, cfg->public_url);
	pages_put_lit(&b, "/jobs</link>\n<description>The open positions at ");
	put_xml(&b, cfg->company_name);
	pages_put_lit(&b, ", newest first.</description>\n<language>en</language>\n"
	                  "<atom:link href=\"");
	put_xml(&b, cfg->public_url);
	pages_put_lit(&b, "/jobs.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n");
	for (size_t i = 0; i < json_array_size(list); i++)
		put_item(&b, cfg, json_array_get(list, i));
	pages_put_lit(&b, "</channel>\n</rss>\n");
	json_decref(list);
	rc = pages_send(r, 200, &b, "application/rss+xml; charset=utf-8");
	buf_fini(&b);
	return rc;
}
