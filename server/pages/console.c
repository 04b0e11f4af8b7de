/*
 * console: a console request's session, its checks, and its failures as
 * pages. See console.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/problem.h"
#include "edge/form.h"
#include "edge/request.h"
#include "flows/idempotency.h"
#include "flows/signing.h"
#include "pages/console.h"
#include "pages/cookie.h"

bool
console_same_origin(struct req *r)
{
	const char *origin = req_header(r, "Origin");
	const char *url = req_app(r)->cfg->public_url;
	const char *host = strstr(url, "://");
	size_t n = host ? (size_t)(strchrnul(host + 3, '/') - url) : strlen(url);

	return origin != NULL && strlen(origin) == n && strncasecmp(origin, url, n) == 0;
}

/* The CSRF token of a session: SHA-256 of a label and the cookie's token, in hex. */
static void
csrf_of(const char *token, char out[2 * SHA256_LEN + 1])
{
	unsigned char d[SHA256_LEN];
	struct sha256_stream *s = sha256_begin();

	sha256_add(s, "recruitd-csrf:", 14);
	sha256_add(s, token, strlen(token));
	sha256_end(s, d);
	hex_encode(d, SHA256_LEN, out);
}

static int
forbidden(struct console *c, const char *why)
{
	struct html_frame fr = {.title = "Refused"};

	return html_message(c->r, 403, &fr, "This form was refused", why, "/staff",
	                    "Back to the console");
}

/* The flow of request r, as the API's handlers make theirs (api/rest.c). */
static int
flow_of(struct console *c)
{
	struct req *r = c->r;

	if ((c->f.db = req_db(r)) == NULL)
		return -1;
	c->f.cfg = req_app(r)->cfg;
	c->f.who = &c->who;
	c->f.request_id = req_id(r);
	c->f.problem = req_problem(r);
	return 0;
}

int
console_enter(struct req *r, struct console *c, bool post)
{
	char token[TOKEN_MAX_LEN];

	memset(c, 0, sizeof(*c));
	c->r = r;
	if (post && !console_same_origin(r))
		return forbidden(c, "The form did not come from this site's own pages.") == 0 ? 1
		                                                                              : -1;
	if (flow_of(c) != 0)
		return -1;
	bool has = cookie_token(r, token);
	int rc = has ? signing_check(&c->f, token, &c->who, c->member_id) : 1;
	if (rc < 0)
		return -1;
	if (rc > 0) {
		explicit_bzero(token, sizeof(token));
		if (post)
			return forbidden(c, "You are not signed in (the session may have ended). "
			                    "Sign in again and repeat the change.") == 0
			           ? 1
			           : -1;
		return html_redirect(r, "/staff/sign-in") == 0 ? 1 : -1;
	}
	csrf_of(token, c->csrf);
	explicit_bzero(token, sizeof(token));
	req_set_actor(r, &c->who);
	if (post) {
		const char *sent = console_field(c, "csrf");
		if (sent == NULL || strlen(sent) != strlen(c->csrf) ||
		    !digest_equal(sent, c->csrf, strlen(c->csrf)))
			return forbidden(c,
			                 "The form had no valid token of your session. Reload the "
			                 "page and try again.") == 0
			           ? 1
			           : -1;
	}
	c->frame.csrf = c->csrf;
	c->frame.role = role_name(c->who.role);
	return 0;
}

const char *
console_field(const struct console *c, const char *name)
{
	return console_field_at(c, name, 0);
}

const char *
console_field_at(const struct console *c, const char *name, int i)
{
	const struct form *f = req_form(c->r);
	const char *v = f ? form_text_at(f, name, i) : NULL;

	return v != NULL && *v ? v : NULL;
}

static const char *
title_of(unsigned status)
{
	switch (status) {
	case 404:
	case 410:
		return "Not found";
	case 409:
		return "Not possible now";
	case 412:
		return "Changed by someone else";
	case 413:
	case 422:
		return "Please correct the form";
	case 429:
		return "Too many attempts";
	default:
		return "Something went wrong";
	}
}

int
console_fail(struct console *c, const char *back, const char *back_label)
{
	struct problem *p = req_problem(c->r), kept;
	struct html h;
	size_t i;
	json_t *e;

	if (p->status == 0 || p->status == 503 || p->status >= 500)
		return -1; /* the edge's own answer (and its retries) stand */
	kept = *p;
	problem_init(p);
	struct html_frame fr = c->frame;
	fr.title = title_of(kept.status);
	html_init(&h);
	html_lit(&h, "<section class=\"panel\" aria-labelledby=\"message-title\" role=\"alert\">"
	             "<h1 id=\"message-title\">");
	html_text(&h, fr.title);
	html_lit(&h, "</h1><p>");
	if (kept.status == 412)
		html_text(&h, "Someone changed this since you opened the page, so nothing was "
		              "changed. Open the page again to see it as it now is, then repeat "
		              "your change.");
	else
		html_text(&h, kept.detail);
	html_lit(&h, "</p>");
	if (kept.errors != NULL && json_array_size(kept.errors) > 0) {
		html_lit(&h, "<ul class=\"field-errors\">");
		json_array_foreach(kept.errors, i, e)
		{
			html_lit(&h, "<li><strong>");
			html_text(&h, json_string_value(json_object_get(e, "field")));
			html_lit(&h, "</strong>: ");
			html_text(&h, json_string_value(json_object_get(e, "message")));
			html_lit(&h, "</li>");
		}
		html_lit(&h, "</ul>");
	}
	html_lit(&h, "<p><a href=\"");
	html_text(&h, back);
	html_lit(&h, "\">");
	html_text(&h, back_label);
	html_lit(&h, "</a></p></section>");
	unsigned status = kept.status;
	problem_fini(&kept);
	return html_send(c->r, status, &fr, &h);
}

int
console_idem(const struct console *c, const char *scope, struct idem *k)
{
	const char *key = console_field(c, "idempotency_key");
	unsigned char d[SHA256_LEN];

	if (key == NULL || strlen(key) > 64)
		return 0;
	memset(k, 0, sizeof(*k));
	k->scope = scope;
	snprintf(k->actor, sizeof(k->actor), "%s", c->who.name);
	char *all = xasprintf("console|%s|%s|%s", scope, c->who.name, key);
	sha256(all, strlen(all), d);
	free(all);
	hex_encode(d, SHA256_LEN, k->key_sha256);
	form_digest(req_form(c->r), d);
	hex_encode(d, SHA256_LEN, k->request_sha256);
	return 1;
}

void
console_idem_field(struct html *h)
{
	char key[37];

	if (uuid_v4(key) == 0)
		html_hidden(h, "idempotency_key", key);
}
