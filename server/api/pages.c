/* pages: what a browser is shown. See pages.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/pages.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/problem.h"
#include "edge/assets.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/posting.h"

#define PAGE_POLICY                                                                                \
	"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src "    \
	"'self' data: blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

#define PAGE_MAX (4u << 20)

static void
page_headers(struct req *r)
{
	reply_header(r, "Content-Security-Policy", PAGE_POLICY);
	reply_header(r, "Referrer-Policy", "no-referrer");
	reply_header(r, "X-Content-Type-Options", "nosniff");
}

static void
put(struct buf *b, const char *s, size_t n)
{
	(void)!buf_append(b, s, n); /* a page is far below its cap */
}

#define put_lit(b, s) put((b), (s), sizeof(s) - 1)

/* Text made safe for HTML (a page is far below its cap). */
static void
put_escaped(struct buf *b, const char *s)
{
	(void)!buf_append_html(b, s);
}

/* Fill a template: every {{name}} is replaced by what fill writes for it. */
typedef void (*fill_fn)(struct buf *out, const char *name, size_t len, const void *ctx);

static void
render(struct buf *out, const char *tpl, fill_fn fill, const void *ctx)
{
	const char *p = tpl, *open, *close;

	while ((open = strstr(p, "{{")) != NULL && (close = strstr(open + 2, "}}")) != NULL) {
		put(out, p, (size_t)(open - p));
		fill(out, open + 2, (size_t)(close - open - 2), ctx);
		p = close + 2;
	}
	put(out, p, strlen(p));
}

static bool
is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

static int
send_page(struct req *r, unsigned status, struct buf *b)
{
	size_t len = b->len;
	char *data = buf_steal(b);

	page_headers(r);
	return reply_owned(r, status, "text/html; charset=utf-8", data ? data : "", len,
	                   data ? free : NULL, data);
}

/* ------------------------------------------------------------------ */
/* the careers page                                                     */

struct careers {
	const struct config *cfg;
	json_t *openings;              /* [{id, title, department, where}] */
	const struct problem *problem; /* a form post's field errors, or NULL */
	const char *first_invalid;     /* the field to focus */
};

/* The message of the first error naming field, or NULL. */
static const char *
field_error(const struct problem *p, const char *field, size_t len)
{
	size_t i;
	json_t *e;

	if (p == NULL || p->errors == NULL)
		return NULL;
	json_array_foreach(p->errors, i, e)
	{
		const char *f = json_string_value(json_object_get(e, "field"));
		if (f != NULL && strlen(f) == len && memcmp(f, field, len) == 0)
			return json_string_value(json_object_get(e, "message"));
	}
	return NULL;
}

static void
fill_careers(struct buf *out, const char *name, size_t len, const void *ctx)
{
	const struct careers *c = ctx;
	size_t n = json_array_size(c->openings);

	if (is(name, len, "notice_url")) {
		put_escaped(out, c->cfg->notice_url);
	} else if (is(name, len, "openings")) {
		if (n == 0) {
			put_escaped(out, "There are no open positions right now.");
			return;
		}
		put_lit(out, "<ul id=\"openings\" class=\"openings\">");
		for (size_t i = 0; i < n; i++) {
			const json_t *o = json_array_get(c->openings, i);
			const char *dept = json_string_value(json_object_get(o, "department")),
			           *where = json_string_value(json_object_get(o, "where"));
			put_lit(out, "<li><div class=\"title\">");
			put_escaped(out, json_string_value(json_object_get(o, "title")));
			put_lit(out, "</div><div class=\"where\">");
			put_escaped(out, dept);
			if (*dept && *where)
				put_lit(out, " · ");
			put_escaped(out, where);
			put_lit(out, "</div></li>");
		}
		put_lit(out, "</ul>");
	} else if (is(name, len, "options")) {
		for (size_t i = 0; i < n; i++) {
			const json_t *o = json_array_get(c->openings, i);
			const char *where = json_string_value(json_object_get(o, "where"));
			put_lit(out, "<option value=\"");
			put_escaped(out, json_string_value(json_object_get(o, "id")));
			put_lit(out, "\">");
			put_escaped(out, json_string_value(json_object_get(o, "title")));
			if (*where) {
				put_lit(out, " (");
				put_escaped(out, where);
				put_lit(out, ")");
			}
			put_lit(out, "</option>");
		}
	} else if (is(name, len, "summary")) {
		if (c->problem == NULL)
			return;
		put_lit(out, "<div class=\"form-error\" role=\"alert\"><p>");
		put_escaped(out, "The application was not sent: please correct the fields marked "
		                 "below, and attach the resume again.");
		put_lit(out, "</p></div>");
	} else if (len > 2 && name[0] == 'e' && name[1] == ':') {
		const char *msg = field_error(c->problem, name + 2, len - 2);
		if (msg != NULL)
			put_escaped(out, msg);
	} else if (len > 2 && name[0] == 'c' && name[1] == ':') {
		if (field_error(c->problem, name + 2, len - 2) != NULL)
			put_lit(out, " invalid");
	} else if (len > 2 && name[0] == 'a' && name[1] == ':') {
		if (field_error(c->problem, name + 2, len - 2) == NULL)
			return;
		put_lit(out, " aria-invalid=\"true\" aria-describedby=\"");
		put(out, name + 2, len - 2);
		put_lit(out, "-error\"");
		if (c->first_invalid != NULL && strlen(c->first_invalid) == len - 2 &&
		    memcmp(c->first_invalid, name + 2, len - 2) == 0)
			put_lit(out, " autofocus");
	}
}

static int
careers(struct req *r, unsigned status, const struct problem *problem)
{
	struct careers c = {.cfg = req_app(r)->cfg, .problem = problem};
	struct buf out;
	size_t len;
	const char *tpl = assets_get("apply.html", &len);
	struct flow f;
	int rc;

	if (rest_flow(r, &f) != 0 || posting_open_list(&f, &c.openings) != 0)
		return -1;
	if (problem != NULL && problem->errors != NULL && json_array_size(problem->errors) > 0)
		c.first_invalid =
		    json_string_value(json_object_get(json_array_get(problem->errors, 0), "field"));
	buf_init(&out, PAGE_MAX);
	render(&out, tpl, fill_careers, &c);
	json_decref(c.openings);
	rc = send_page(r, status, &out);
	buf_fini(&out);
	return rc;
}

/*
 * Pages ignore query parameters they do not use (utm_*, fbclid, gclid: a
 * link shared on social media carries them): never a JSON 400 on a page.
 * The API stays strict.
 */
int
pages_apply(struct req *r)
{
	return careers(r, 200, NULL);
}

/* ------------------------------------------------------------------ */
/* answering a form post                                                */

struct message {
	const char *title, *text, *back, *back_label;
};

static void
fill_message(struct buf *out, const char *name, size_t len, const void *ctx)
{
	const struct message *m = ctx;

	if (is(name, len, "title"))
		put_escaped(out, m->title);
	else if (is(name, len, "text"))
		put_escaped(out, m->text);
	else if (is(name, len, "back"))
		put_escaped(out, m->back);
	else if (is(name, len, "back_label"))
		put_escaped(out, m->back_label);
}

static int
message(struct req *r, unsigned status, const struct message *m)
{
	struct buf out;
	size_t len;
	const char *tpl = assets_get("message.html", &len);
	int rc;

	buf_init(&out, PAGE_MAX);
	render(&out, tpl, fill_message, m);
	rc = send_page(r, status, &out);
	buf_fini(&out);
	return rc;
}

int
pages_answer(struct req *r, int rc, unsigned ok_status)
{
	struct problem *p = req_problem(r), kept;
	unsigned status = p->status ? p->status : (p->errors != NULL ? 422 : 0);

	if (status == 0 && rc == 0) {
		struct message m = {
		    "Check your inbox",
		    "We have sent a confirmation link to the address you gave. Open it "
		    "within 24 hours to confirm your application; until then nothing is "
		    "kept, and after that the application and its resume are deleted.",
		    "/apply", "Back to the open positions"};
		return message(r, ok_status, &m);
	}
	if (status == 0 || status == 503 || status >= 500)
		return rc; /* the edge's own answer (and retries) stand */
	/* Take the problem over: the page replaces it. */
	kept = *p;
	problem_init(p);
	if (status == 422 && kept.errors != NULL) {
		rc = careers(r, 422, &kept);
	} else {
		struct message m = {status == 429 ? "Too many attempts"
		                                  : "The application was not sent",
		                    kept.detail, "/apply", "Back to the application form"};
		rc = message(r, status, &m);
	}
	problem_fini(&kept);
	return rc;
}

/* ------------------------------------------------------------------ */
/* files                                                                */

static int
file(struct req *r, const char *name, const char *type)
{
	size_t len;
	const char *data = assets_get(name, &len);

	if (data == NULL)
		return req_fail(r, 404, "no such page");
	page_headers(r);
	return reply_owned(r, 200, type, data, len, NULL, NULL);
}

/*
 * A page whose script reads ?code= (an e-mailed link's), and on /me
 * ?email_code= (the link sent to a new address); other parameters are ignored.
 */
static int
page_with_code(struct req *r, const char *name)
{
	size_t len;
	const char *data = assets_get(name, &len);

	page_headers(r);
	return reply_owned(r, 200, "text/html; charset=utf-8", data, len, NULL, NULL);
}

int
pages_confirm(struct req *r)
{
	return page_with_code(r, "confirm.html");
}

int
pages_me(struct req *r)
{
	return page_with_code(r, "me.html");
}

int
pages_privacy(struct req *r)
{
	return page_with_code(r, "privacy.html");
}

int
pages_notice(struct req *r)
{
	const char *path = req_app(r)->cfg->notice_file;
	size_t n = path ? strlen(path) : 0;
	bool html = path == NULL || (n > 5 && strcmp(path + n - 5, ".html") == 0) ||
	            (n > 4 && strcmp(path + n - 4, ".htm") == 0);

	return file(r, "privacy-notice",
	            html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
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

	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		if (strcmp(served[i].name, name) == 0) {
			reply_header(r, "Cache-Control", "no-cache");
			return file(r, served[i].name, served[i].type);
		}
	return req_fail(r, 404, "no such file");
}
