/* html: the console's pages written and sent. See html.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/assets.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "pages/html.h"

#define PAGE_POLICY                                                                                \
	"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src "    \
	"'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

#define PAGE_MAX (8u << 20)

void
html_init(struct html *h)
{
	buf_init(&h->b, PAGE_MAX);
}

void
html_fini(struct html *h)
{
	buf_fini(&h->b);
}

void
html_lit(struct html *h, const char *s)
{
	(void)!buf_append(&h->b, s, strlen(s)); /* past 8 MiB a page is cut short, never unsafe */
}

void
html_text(struct html *h, const char *s)
{
	(void)!buf_append_html(&h->b, s);
}

void
html_long(struct html *h, long n)
{
	(void)!buf_printf(&h->b, "%ld", n);
}

void
html_hidden(struct html *h, const char *name, const char *value)
{
	html_lit(h, "<input type=\"hidden\" name=\"");
	html_text(h, name);
	html_lit(h, "\" value=\"");
	html_text(h, value);
	html_lit(h, "\">");
}

static void
nav_item(struct html *h, const struct html_frame *fr, const char *key, const char *href,
         const char *label)
{
	html_lit(h, "<li><a href=\"");
	html_lit(h, href);
	html_lit(h, "\"");
	if (fr->nav != NULL && strcmp(fr->nav, key) == 0)
		html_lit(h, " aria-current=\"page\"");
	html_lit(h, ">");
	html_lit(h, label);
	html_lit(h, "</a></li>");
}

/* The header's navigation and sign-out form, when signed in. */
static void
header(struct html *h, const struct html_frame *fr)
{
	if (fr->csrf == NULL)
		return;
	html_lit(h, "<nav aria-label=\"Console\"><ul class=\"console-nav\">");
	nav_item(h, fr, "home", "/staff", "Home");
	nav_item(h, fr, "openings", "/staff/openings", "Openings");
	nav_item(h, fr, "applicants", "/staff/applicants", "Applicants");
	html_lit(h,
	         "</ul></nav><form class=\"sign-out\" method=\"post\" action=\"/staff/sign-out\">");
	html_hidden(h, "csrf", fr->csrf);
	html_lit(h, "<span class=\"note\">");
	html_text(h, fr->role);
	html_lit(h, "</span><button type=\"submit\" class=\"secondary\">Sign out</button></form>");
}

int
html_send(struct req *r, unsigned status, const struct html_frame *fr, struct html *body)
{
	size_t tlen;
	const char *tpl = assets_get("staff.html", &tlen), *p = tpl, *open, *close;
	struct html out;

	html_init(&out);
	while ((open = strstr(p, "{{")) != NULL && (close = strstr(open + 2, "}}")) != NULL) {
		(void)!buf_append(&out.b, p, (size_t)(open - p));
		size_t n = (size_t)(close - open - 2);
		if (n == 5 && memcmp(open + 2, "title", 5) == 0)
			html_text(&out, fr->title);
		else if (n == 6 && memcmp(open + 2, "header", 6) == 0)
			header(&out, fr);
		else if (n == 4 && memcmp(open + 2, "main", 4) == 0 && body->b.data)
			(void)!buf_append(&out.b, body->b.data, body->b.len);
		p = close + 2;
	}
	html_lit(&out, p);
	html_fini(body);
	reply_header(r, "Content-Security-Policy", PAGE_POLICY);
	/* same-origin, not no-referrer: under no-referrer a browser posts a form with
	   "Origin: null", and the Origin check would refuse every post; no referrer still
	   leaves for another site */
	reply_header(r, "Referrer-Policy", "same-origin");
	reply_header(r, "X-Content-Type-Options", "nosniff");
	reply_header(r, "Cache-Control", "no-store");
	size_t len = out.b.len;
	char *data = buf_steal(&out.b);
	return reply_owned(r, status, "text/html; charset=utf-8", data ? data : "", len,
	                   data ? free : NULL, data);
}

int
html_redirect(struct req *r, const char *location)
{
	reply_header(r, "Location", location);
	reply_header(r, "Cache-Control", "no-store");
	return reply_empty(r, 303);
}

int
html_message(struct req *r, unsigned status, const struct html_frame *fr, const char *title,
             const char *text, const char *back, const char *back_label)
{
	struct html h;
	struct html_frame f = *fr;

	f.title = title;
	html_init(&h);
	html_lit(&h, "<section class=\"panel\" aria-labelledby=\"message-title\">"
	             "<h1 id=\"message-title\">");
	html_text(&h, title);
	html_lit(&h, "</h1><p>");
	html_text(&h, text);
	html_lit(&h, "</p>");
	if (back != NULL) {
		html_lit(&h, "<p><a href=\"");
		html_text(&h, back);
		html_lit(&h, "\">");
		html_text(&h, back_label);
		html_lit(&h, "</a></p>");
	}
	html_lit(&h, "</section>");
	return html_send(r, status, &f, &h);
}
