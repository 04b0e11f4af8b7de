/*
 * pages: what a browser is shown, and what every page shares (see
 * pages_render.h): the template filler, the footer, the headers, the
 * message page, the pages that are files (the confirmation page, the
 * applicant's page, the request page and their scripts) and the privacy
 * notice. The careers site (the openings, one job, the feed, the form's
 * answers) is pages_jobs.c.
 *
 * Pages ignore query parameters they do not use (utm_*, fbclid, gclid: a
 * link shared on social media carries them): never a JSON 400 on a page.
 * The API stays strict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/handlers.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/zone.h"
#include "edge/assets.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "pages_render.h"

#define PAGE_POLICY                                                                                \
	"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src "    \
	"'self' data: blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

void
pages_headers(struct req *r)
{
	reply_header(r, "Content-Security-Policy", PAGE_POLICY);
	reply_header(r, "Referrer-Policy", "no-referrer");
	reply_header(r, "X-Content-Type-Options", "nosniff");
}

void
pages_put(struct buf *b, const char *s, size_t n)
{
	(void)!buf_append(b, s, n); /* a page is far below its cap */
}

void
pages_put_escaped(struct buf *b, const char *s)
{
	(void)!buf_append_html(b, s);
}

bool
pages_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

void
pages_put_paragraphs(struct buf *b, const char *text)
{
	const char *p = text ? text : "";

	while (*p) {
		while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			p++; /* blank lines between paragraphs */
		if (*p == '\0')
			break;
		const char *end = strstr(p, "\n\n"), *crlf = strstr(p, "\r\n\r\n");
		if (end == NULL || (crlf != NULL && crlf < end))
			end = crlf;
		if (end == NULL)
			end = p + strlen(p);
		pages_put_lit(b, "<p>");
		for (const char *line = p; line < end;) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			const char *stop = nl ? nl : end;
			size_t n = (size_t)(stop - line);
			if (n > 0 && line[n - 1] == '\r')
				n--;
			char *one = strndup(line, n);
			pages_put_escaped(b, one);
			free(one);
			if (nl != NULL && nl + 1 < end)
				pages_put_lit(b, "<br>");
			line = nl ? nl + 1 : end;
		}
		pages_put_lit(b, "</p>");
		p = end;
	}
}

const char *const pages_months[] = {"January",   "February", "March",    "April",
                                    "May",       "June",     "July",     "August",
                                    "September", "October",  "November", "December"};

/* An RFC 3339 time as an instant: 0, or -1 when it is not one. */
int
pages_instant(const char *rfc3339, time_t *t)
{
	struct tm tm = {0};

	if (rfc3339 == NULL || sscanf(rfc3339, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	                              &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return 0;
}

/* The day of an RFC 3339 time in the company's zone, in words: "6 December 2026". */
void
pages_put_day(struct buf *b, const struct config *cfg, const char *rfc3339)
{
	char date[11], text[40];
	int y, m, d;
	time_t t;

	if (pages_instant(rfc3339, &t) != 0)
		return;
	zone_date(cfg->zone, t, date);
	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return;
	snprintf(text, sizeof(text), "%d %s %d", d, pages_months[m - 1], y);
	pages_put_escaped(b, text);
}

/* The footer every page has: the privacy notice, the rights, the applicant's page, the jobs. */
static void
footer(struct buf *out, const struct config *cfg)
{
	pages_put_lit(out, "<footer class=\"site-footer\"><nav aria-label=\"About your data\">"
	                   "<ul><li><a href=\"/jobs\">Open positions</a></li>"
	                   "<li><a href=\"");
	pages_put_escaped(out, cfg->notice_url);
	pages_put_lit(out, "\">Privacy notice</a></li>"
	                   "<li><a href=\"/privacy\">Your privacy rights</a></li>"
	                   "<li><a href=\"/me\">Your page</a></li></ul></nav><p>");
	pages_put_escaped(out, cfg->company_name);
	pages_put_lit(out, "</p></footer>");
}

void
pages_render(struct buf *out, const char *tpl, const struct config *cfg, pages_fill_fn fill,
             const void *ctx)
{
	const char *p = tpl, *open, *close;

	while ((open = strstr(p, "{{")) != NULL && (close = strstr(open + 2, "}}")) != NULL) {
		const char *name = open + 2;
		size_t len = (size_t)(close - name);
		pages_put(out, p, (size_t)(open - p));
		if (pages_is(name, len, "footer"))
			footer(out, cfg);
		else if (pages_is(name, len, "notice_url"))
			pages_put_escaped(out, cfg->notice_url);
		else if (pages_is(name, len, "company"))
			pages_put_escaped(out, cfg->company_name);
		else if (fill != NULL)
			fill(out, name, len, ctx);
		p = close + 2;
	}
	pages_put(out, p, strlen(p));
}

int
pages_send(struct req *r, unsigned status, struct buf *b, const char *type)
{
	size_t len = b->len;
	char *data = buf_steal(b);

	pages_headers(r);
	return reply_owned(r, status, type ? type : "text/html; charset=utf-8", data ? data : "",
	                   len, data ? free : NULL, data);
}

/* ------------------------------------------------------------------ */
/* the message page                                                     */

static void
fill_message(struct buf *out, const char *name, size_t len, const void *ctx)
{
	const struct pages_message *m = ctx;

	if (pages_is(name, len, "title"))
		pages_put_escaped(out, m->title);
	else if (pages_is(name, len, "text"))
		pages_put_escaped(out, m->text);
	else if (pages_is(name, len, "back"))
		pages_put_escaped(out, m->back);
	else if (pages_is(name, len, "back_label"))
		pages_put_escaped(out, m->back_label);
}

int
pages_message(struct req *r, unsigned status, const struct pages_message *m)
{
	struct buf out;
	size_t len;
	int rc;

	buf_init(&out, PAGE_MAX);
	pages_render(&out, assets_get("message.html", &len), req_app(r)->cfg, fill_message, m);
	rc = pages_send(r, status, &out, NULL);
	buf_fini(&out);
	return rc;
}

/* ------------------------------------------------------------------ */
/* files                                                                */

int
pages_static(struct req *r, const char *name)
{
	struct buf out;
	size_t len;
	const char *tpl = assets_get(name, &len);
	int rc;

	if (tpl == NULL)
		return req_fail(r, 404, "no such page");
	buf_init(&out, PAGE_MAX);
	pages_render(&out, tpl, req_app(r)->cfg, NULL, NULL);
	rc = pages_send(r, 200, &out, NULL);
	buf_fini(&out);
	return rc;
}

/*
 * The pages whose script reads ?code= (an e-mailed link's), and on /me
 * ?email_code= (the link sent to a new address); other parameters are
 * ignored.
 */
int
pages_confirm(struct req *r)
{
	return pages_static(r, "confirm.html");
}

int
pages_me(struct req *r)
{
	return pages_static(r, "me.html");
}

int
pages_privacy(struct req *r)
{
	return pages_static(r, "privacy.html");
}

/* The last "</body>" of an HTML document, any case, or NULL. */
static const char *
body_end(const char *html, size_t len)
{
	for (size_t i = len; i >= 7; i--)
		if (strncasecmp(html + i - 7, "</body>", 7) == 0)
			return html + i - 7;
	return NULL;
}

/*
 * The notice: RECRUITD_PRIVACY_NOTICE_FILE (or the shipped example) as it
 * is, HTML or plain text. An HTML notice gets the footer every page has,
 * before its </body>; nothing else of the company's own text is changed.
 */
int
pages_notice(struct req *r)
{
	const char *path = req_app(r)->cfg->notice_file;
	size_t n = path ? strlen(path) : 0, len;
	bool html = path == NULL || (n > 5 && strcmp(path + n - 5, ".html") == 0) ||
	            (n > 4 && strcmp(path + n - 4, ".htm") == 0);
	const char *data = assets_get("privacy-notice", &len), *end;
	struct buf out;
	int rc;

	if (data == NULL)
		return req_fail(r, 404, "no such page");
	if (!html || (end = body_end(data, len)) == NULL) {
		pages_headers(r);
		return reply_owned(r, 200,
		                   html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
		                   data, len, NULL, NULL);
	}
	buf_init(&out, (size_t)len + PAGE_MAX);
	pages_put(&out, data, (size_t)(end - data));
	footer(&out, req_app(r)->cfg);
	pages_put(&out, end, len - (size_t)(end - data));
	rc = pages_send(r, 200, &out, NULL);
	buf_fini(&out);
	return rc;
}

int
pages_asset(struct req *r)
{
	static const struct {
		const char *name, *type;
	} served[] = {
	    {"site.css", "text/css; charset=utf-8"},
	    {"apply.js", "text/javascript; charset=utf-8"},
	    {"confirm.js", "text/javascript; charset=utf-8"},
	    {"me.js", "text/javascript; charset=utf-8"},
	    {"forms.js", "text/javascript; charset=utf-8"},
	    {"privacy.js", "text/javascript; charset=utf-8"},
	};
	const char *name = req_param(r, 0);
	size_t len;

	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		if (strcmp(served[i].name, name) == 0) {
			const char *data = assets_get(served[i].name, &len);
			if (data == NULL)
				break;
			reply_header(r, "Cache-Control", "no-cache");
			pages_headers(r);
			return reply_owned(r, 200, served[i].type, data, len, NULL, NULL);
		}
	return req_fail(r, 404, "no such file");
}
