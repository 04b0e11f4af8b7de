/*
 * console_auth: signing in to the staff console by an e-mailed link, and
 * signing out. GET /staff/sign-in shows the form (or, with ?code=, a page
 * whose button posts the code: a GET never uses a code up, so a mail
 * scanner that follows links signs nobody in); POST /staff/sign-in answers
 * the same for every address (303 to "check your inbox") and is
 * rate-limited like the applicant's; POST /staff/sessions exchanges the
 * code for a session cookie and answers 303 to /staff. The work is
 * flows/signing.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/config.h"
#include "core/fold.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/limits.h"
#include "flows/signing.h"
#include "flows/sso.h"
#include "pages/console.h"
#include "pages/cookie.h"

static const struct html_frame signed_out = {.title = "Sign in"};

static void
email_form(struct html *h, const char *error, bool sso)
{
	html_lit(h, "<section class=\"panel\" aria-labelledby=\"sign-in-title\">"
	            "<h1 id=\"sign-in-title\">Sign in to the staff console</h1>");
	/* a link, not a form: the pages' CSP (form-action 'self') would stop a form's redirect
	   to the provider */
	if (sso)
		html_lit(h, "<p><a class=\"button\" href=\"/staff/sign-in/sso\">Sign in with your "
		            "company account</a></p><p class=\"note\">Or get a sign-in link by "
		            "e-mail:</p>");
	html_lit(h, "<form method=\"post\" action=\"/staff/sign-in\" novalidate>"
	            "<div class=\"field");
	if (error)
		html_lit(h, " invalid");
	html_lit(h, "\"><label for=\"email\">Your work e-mail address</label>"
	            "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" "
	            "required");
	if (error)
		html_lit(h, " aria-invalid=\"true\" aria-describedby=\"email-error\" autofocus");
	html_lit(h, "><p class=\"error\" id=\"email-error\">");
	html_text(h, error);
	html_lit(h, "</p></div><button type=\"submit\">Send me a sign-in link</button></form>"
	            "<p class=\"note\">The link works once, for 15 minutes.</p></section>");
}

int
console_sign_in_page(struct req *r)
{
	const char *code = req_query(r, "code");
	bool sso = sso_is_configured(req_app(r)->cfg);
	struct html h;

	html_init(&h);
	if (code != NULL) {
		html_lit(&h, "<section class=\"panel\" aria-labelledby=\"sign-in-title\">"
		             "<h1 id=\"sign-in-title\">Sign in to the staff console</h1>"
		             "<form method=\"post\" action=\"/staff/sessions\">");
		html_hidden(&h, "code", code);
		html_lit(&h, "<button type=\"submit\">Sign in</button></form></section>");
	} else if (req_query(r, "sent") != NULL) {
		html_lit(&h,
		         "<section class=\"panel\" aria-labelledby=\"sent-title\" role=\"status\">"
		         "<h1 id=\"sent-title\">Check your inbox</h1><p>");
		html_text(&h,
		          "If the address belongs to a member of the staff, a sign-in link is on "
		          "its way. It works once, for 15 minutes.");
		html_lit(&h,
		         "</p><p><a href=\"/staff/sign-in\">Send another link</a></p></section>");
	} else {
		email_form(&h, NULL, sso);
	}
	return html_send(r, 200, &signed_out, &h);
}

/* A limit passed (429 with Retry-After) or the database failed: the answer. */
static int
limited(struct req *r, unsigned wait)
{
	struct problem *p = req_problem(r);

	if (p->status != 429)
		return -1;
	char secs[16];
	snprintf(secs, sizeof(secs), "%u", wait);
	reply_header(r, "Retry-After", secs);
	char *detail = xstrdup(p->detail);
	problem_fini(p);
	problem_init(p);
	int rc = html_message(r, 429, &signed_out, "Too many attempts", detail, "/staff/sign-in",
	                      "Back to sign-in");
	free(detail);
	return rc;
}

static int
flow_of(struct req *r, struct flow *f, struct actor *nobody)
{
	memset(nobody, 0, sizeof(*nobody));
	if ((f->db = req_db(r)) == NULL)
		return -1;
	f->cfg = req_app(r)->cfg;
	f->who = nobody;
	f->request_id = req_id(r);
	f->problem = req_problem(r);
	return 0;
}

static int
foreign(struct req *r)
{
	return html_message(r, 403, &signed_out, "This form was refused",
	                    "The form did not come from this site's own pages.", "/staff/sign-in",
	                    "Back to sign-in");
}

int
console_sign_in_post(struct req *r)
{
	char client[REQ_CLIENT_LEN];
	struct actor nobody;
	unsigned wait = 0;
	struct flow f;
	struct console c = {.r = r};

	if (!console_same_origin(r))
		return foreign(r);
	if (flow_of(r, &f, &nobody) != 0)
		return -1;
	if (limits_client(&f, "staff-sign-in", req_client(r, client), &wait) != 0)
		return limited(r, wait);
	const char *email = console_field(&c, "email");
	if (email == NULL || !is_email(email)) {
		struct html h;
		html_init(&h);
		email_form(&h, "Enter your work e-mail address, like name@example.com.",
		           sso_is_configured(f.cfg));
		return html_send(r, 422, &signed_out, &h);
	}
	char *folded = fold_email(email);
	int rc = limits_email(&f, "staff-sign-in", folded, client, &wait);
	free(folded);
	if (rc != 0)
		return limited(r, wait);
	if (signing_link(&f, email) != 0)
		return -1;
	return html_redirect(r, "/staff/sign-in?sent=1");
}

int
console_sessions_post(struct req *r)
{
	char hash[2 * SHA256_LEN + 1], token[TOKEN_MAX_LEN];
	struct actor nobody;
	struct flow f;
	struct console c = {.r = r};

	if (!console_same_origin(r))
		return foreign(r);
	const char *code = console_field(&c, "code");
	bool can_be = code != NULL && code_hash(code, hash) == 0;
	if (flow_of(r, &f, &nobody) != 0)
		return -1;
	if (signing_exchange(&f, can_be ? hash : NULL, token) != 0) {
		if (req_problem(r)->status != 404)
			return -1;
		problem_fini(req_problem(r));
		problem_init(req_problem(r));
		return html_message(r, 404, &signed_out, "This sign-in link does not work",
		                    "It was used already, or it is older than 15 minutes. Ask for "
		                    "a new one.",
		                    "/staff/sign-in", "Get a new sign-in link");
	}
	cookie_set(r, token);
	explicit_bzero(token, sizeof(token));
	return html_redirect(r, "/staff");
}

int
console_sign_out(struct req *r)
{
	char token[TOKEN_MAX_LEN];
	struct console c;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (cookie_token(r, token) && signing_close(&c.f, token) != 0) {
		explicit_bzero(token, sizeof(token));
		return -1;
	}
	explicit_bzero(token, sizeof(token));
	cookie_clear(r);
	return html_redirect(r, "/staff/sign-in");
}

int
console_sso_start(struct req *r)
{
	char state[CODE_LEN + 1];
	struct actor nobody;
	char *location;
	struct flow f;

	if (!sso_is_configured(req_app(r)->cfg))
		return html_message(r, 404, &signed_out, "Single sign-on is not set up",
		                    "Sign in with a link sent by e-mail instead.", "/staff/sign-in",
		                    "Back to sign-in");
	if (flow_of(r, &f, &nobody) != 0 || sso_start(&f, &location, state) != 0)
		return -1;
	cookie_sso_set(r, state);
	int rc = html_redirect(r, location);
	free(location);
	return rc;
}

int
console_sso_callback(struct req *r)
{
	char state[CODE_LEN + 1], token[TOKEN_MAX_LEN];
	struct actor nobody;
	struct flow f;
	bool has = cookie_sso_state(r, state);

	cookie_sso_clear(r);
	if (!sso_is_configured(req_app(r)->cfg) || req_query(r, "error") != NULL) {
		return html_message(
		    r, 403, &signed_out, "Sign-in refused",
		    "The sign-in did not finish. Sign in again, or ask HR for access.",
		    "/staff/sign-in", "Back to sign-in");
	}
	if (flow_of(r, &f, &nobody) != 0)
		return -1;
	if (sso_finish(&f, req_query(r, "state"), req_query(r, "code"), has ? state : NULL,
	               token) != 0) {
		if (req_problem(r)->status != 403)
			return -1;
		problem_fini(req_problem(r));
		problem_init(req_problem(r));
		return html_message(r, 403, &signed_out, "Sign-in refused",
		                    "The sign-in was refused. Sign in again, or ask HR for access.",
		                    "/staff/sign-in", "Back to sign-in");
	}
	cookie_set(r, token);
	explicit_bzero(token, sizeof(token));
	return html_redirect(r, "/staff");
}
