/*
 * console_team: HR's /staff/team, the staff directory and its API keys:
 * members with their role, whether active and whether they take the
 * digest (a change is a merge patch over the version the form was drawn
 * from: a stale form gets the 412 page; a new role or deactivation ends the
 * member's keys and sessions), a member added, a key made for a member (its
 * token shown once, on the answer to the post, never again) and a key
 * revoked. The same flows as /v1/staff (flows/staffing.h) and
 * flows/keying.h. HR only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/member.h"
#include "edge/request.h"
#include "flows/idempotency.h"
#include "flows/keying.h"
#include "flows/staffing.h"
#include "pages/console.h"
#include "pages/console_view.h"

static int
enter(struct req *r, struct console *c, bool post)
{
	int rc = console_enter(r, c, post);

	if (rc == 0)
		rc = console_hr_only(c);
	return rc;
}

/* A member's name by id, from the directory's page (borrowed; "" when unknown). */
static const char *
name_of(const json_t *members, const char *id)
{
	size_t i;
	json_t *m;

	json_array_foreach(members, i,
	                   m) if (strcmp(view_str(m, "id"), id) == 0) return view_str(m, "name");
	return "";
}

static void
check(struct html *h, const char *id, const char *name, const char *label, bool on)
{
	html_lit(h, "<div class=\"field check\"><input type=\"checkbox\" value=\"true\" id=\"");
	html_text(h, id);
	html_lit(h, "\" name=\"");
	html_text(h, name);
	html_lit(h, on ? "\" checked><label for=\"" : "\"><label for=\"");
	html_text(h, id);
	html_lit(h, "\">");
	html_text(h, label);
	html_lit(h, "</label></div>");
}

static void
role_select(struct html *h, const char *id, const char *current)
{
	html_lit(h, "<div class=\"field\"><label for=\"");
	html_text(h, id);
	html_lit(h, "\">Role</label><select name=\"role\" id=\"");
	html_text(h, id);
	html_lit(h, "\"><option value=\"recruiter\"");
	html_lit(h, strcmp(current, "recruiter") == 0 ? " selected>" : ">");
	html_lit(h, "Recruiter</option><option value=\"hr\"");
	html_lit(h, strcmp(current, "hr") == 0 ? " selected>" : ">");
	html_lit(h, "HR</option></select></div>");
}

static void
member_item(struct html *h, const struct console *c, const json_t *m, size_t i)
{
	char fid[32], version[24];

	html_lit(h, "<li class=\"panel\"><h3>");
	html_text(h, view_str(m, "name"));
	html_lit(h, "</h3><p class=\"note\">");
	html_text(h, view_str(m, "email"));
	html_lit(h, json_is_true(json_object_get(m, "active")) ? "" : " · inactive");
	html_lit(h, "</p><form method=\"post\" action=\"/staff/team/");
	html_text(h, view_str(m, "id"));
	html_lit(h, "\">");
	snprintf(fid, sizeof(fid), "m%zu-role", i);
	role_select(h, fid, view_str(m, "role"));
	snprintf(fid, sizeof(fid), "m%zu-active", i);
	check(h, fid, "active", "Active (unticked: their keys and sessions end)",
	      json_is_true(json_object_get(m, "active")));
	snprintf(fid, sizeof(fid), "m%zu-digest", i);
	check(h, fid, "digest", "Morning digest of new applications on their openings",
	      json_is_true(json_object_get(m, "digest")));
	snprintf(version, sizeof(version), "%lld",
	         (long long)json_integer_value(json_object_get(m, "version")));
	html_lit(h, "<input type=\"hidden\" name=\"version\" value=\"");
	html_text(h, version);
	html_lit(h, "\">");
	view_csrf(h, c);
	html_lit(h, "<button type=\"submit\" class=\"secondary\">Save</button></form></li>");
}

static void
keys_table(struct html *h, const struct console *c, const json_t *keys, const json_t *members)
{
	size_t i;
	json_t *k;

	if (json_array_size(keys) == 0) {
		html_lit(h, "<p class=\"note\">No key yet.</p>");
		return;
	}
	html_lit(h,
	         "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"API "
	         "keys\"><table class=\"data\"><thead><tr><th scope=\"col\">Name</th>"
	         "<th scope=\"col\">Role</th><th scope=\"col\">Member</th>"
	         "<th scope=\"col\">Made</th><th scope=\"col\">Revoked</th></tr></thead><tbody>");
	json_array_foreach(keys, i, k)
	{
		const char *name = view_str(k, "name");
		html_lit(h, "<tr><td>");
		html_text(h, name);
		html_lit(h, "</td><td>");
		html_text(h, view_str(k, "role"));
		html_lit(h, "</td><td>");
		html_text(h, name_of(members, view_str(k, "member_id")));
		html_lit(h, "</td><td>");
		view_date(h, view_str(k, "created_at"));
		html_lit(h, "</td><td>");
		if (json_is_string(json_object_get(k, "revoked_at"))) {
			view_date(h, view_str(k, "revoked_at"));
		} else {
			html_lit(h, "<form method=\"post\" action=\"/staff/team/keys/");
			html_text(h, name);
			html_lit(h, "/revocation\">");
			view_csrf(h, c);
			/* named by aria-label: a hidden span would sit outside the scrolled table
			 */
			html_lit(h, "<button type=\"submit\" class=\"link\" aria-label=\"Revoke ");
			html_text(h, name);
			html_lit(h, "\">Revoke</button></form>");
		}
		html_lit(h, "</td></tr>");
	}
	html_lit(h, "</tbody></table></div>");
}

static void
forms(struct html *h, const struct console *c, const json_t *members)
{
	size_t i;
	json_t *m;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"nk-title\"><h2 id=\"nk-title\">"
	            "A new key</h2><form method=\"post\" action=\"/staff/team/keys\"><div "
	            "class=\"field\"><label for=\"k-member\">For</label><select id=\"k-member\" "
	            "name=\"member_id\">");
	json_array_foreach(members, i, m)
	{
		if (!json_is_true(json_object_get(m, "active")))
			continue;
		html_lit(h, "<option value=\"");
		html_text(h, view_str(m, "id"));
		html_lit(h, "\">");
		html_text(h, view_str(m, "name"));
		html_lit(h, " (");
		html_text(h, view_str(m, "role"));
		html_lit(h, ")</option>");
	}
	html_lit(h, "</select></div>");
	view_input(h, "k-name", "name", "The key's name (A-Z a-z 0-9 . _ -)", "", NULL, true);
	view_csrf(h, c);
	html_lit(h, "<button type=\"submit\">Make the key</button></form></section>"
	            "<section class=\"panel\" aria-labelledby=\"nm-title\"><h2 id=\"nm-title\">"
	            "Add a member</h2><form method=\"post\" action=\"/staff/team\">");
	view_input(h, "n-email", "email", "Work e-mail address", "", "email", true);
	view_input(h, "n-name", "name", "Name", "", NULL, true);
	role_select(h, "n-role", "recruiter");
	view_csrf(h, c);
	console_idem_field(h);
	html_lit(h, "<button type=\"submit\">Add the member</button></form></section>");
}

/* The page, with the token of a key just made (NULL: none) shown at its top. */
static int
team_page(struct req *r, struct console *c, unsigned status, const char *token,
          const char *key_name)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", 200};
	struct page_of page = {0};
	json_t *keys, *m;
	struct html h;
	size_t i;

	if (staffing_list(&c->f, &want, &page) != 0)
		return console_fail(c, "/staff", "Back to the console");
	if (keying_list(&c->f, &keys) != 0) {
		page_fini(&page);
		return console_fail(c, "/staff", "Back to the console");
	}
	c->frame.title = "Team";
	c->frame.nav = "team";
	html_init(&h);
	html_lit(&h, "<h1>Team</h1>");
	if (token != NULL) {
		html_lit(&h, "<section class=\"panel note-box\" role=\"alert\" aria-labelledby=\"t-"
		             "title\"><h2 id=\"t-title\">The key ");
		html_text(&h, key_name);
		html_lit(&h, " is made</h2><p>Copy it now: it is shown this once and never again "
		             "(only its hash is kept).</p><p><code class=\"token\">");
		html_text(&h, token);
		html_lit(&h, "</code></p></section>");
	}
	html_lit(&h, "<section aria-labelledby=\"mm-title\"><h2 id=\"mm-title\">Members</h2>"
	             "<ul class=\"offers\">");
	json_array_foreach(page.items, i, m) member_item(&h, c, m, i);
	html_lit(&h, "</ul></section><section class=\"panel\" aria-labelledby=\"kk-title\"><h2 "
	             "id=\"kk-title\">API keys</h2>");
	keys_table(&h, c, keys, page.items);
	html_lit(&h, "</section>");
	forms(&h, c, page.items);
	json_decref(keys);
	page_fini(&page);
	return html_send(r, status, &c->frame, &h);
}

int
console_team(struct req *r)
{
	struct console c;
	int rc = enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	return team_page(r, &c, 200, NULL, NULL);
}

int
console_team_add(struct req *r)
{
	struct console c;
	struct idem k;
	json_t *member;
	bool replayed;
	int rc = enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *email = console_field(&c, "email"), *name = console_field(&c, "name"),
	           *role = console_field(&c, "role");
	json_t *doc = json_pack("{s:s?, s:s?, s:s?}", "email", email, "name", name, "role", role);
	if (!member_validate(doc, c.f.problem) || flow_fail_fields(&c.f) != 0) {
		json_decref(doc);
		flow_fail_fields(&c.f);
		return console_fail(&c, "/staff/team", "Back to the team");
	}
	int keyed = console_idem(&c, "staff.create", &k);
	rc = staffing_create(&c.f, doc, keyed > 0 ? &k : NULL, &member, &replayed);
	json_decref(doc);
	if (rc != 0)
		return console_fail(&c, "/staff/team", "Back to the team");
	json_decref(member);
	return html_redirect(r, "/staff/team");
}

int
console_team_change(struct req *r)
{
	struct console c;
	json_t *member;
	int rc = enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = req_param(r, 0), *role = console_field(&c, "role"),
	           *version = console_field(&c, "version");
	if (!is_uuid(id)) {
		flow_fail(&c.f, 404, NULL, "no such staff member");
		return console_fail(&c, "/staff/team", "Back to the team");
	}
	/* unticked boxes are not sent: false */
	json_t *patch = json_pack("{s:s?, s:b, s:b}", "role", role, "active",
	                          console_field(&c, "active") != NULL, "digest",
	                          console_field(&c, "digest") != NULL);
	long expect =
	    version && strlen(version) < 18 && strspn(version, "0123456789") == strlen(version)
	        ? atol(version)
	        : 0;
	if (role == NULL || (strcmp(role, "hr") != 0 && strcmp(role, "recruiter") != 0)) {
		problem_field(c.f.problem, "role", "must be recruiter or hr");
		flow_fail_fields(&c.f);
		rc = -1;
	} else {
		rc = staffing_change(&c.f, id, patch, expect, &member);
	}
	json_decref(patch);
	if (rc != 0)
		return console_fail(&c, "/staff/team", "Back to the team");
	json_decref(member);
	return html_redirect(r, "/staff/team");
}

int
console_team_key(struct req *r)
{
	struct console c;
	char token[TOKEN_MAX_LEN];
	int rc = enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *member = console_field(&c, "member_id"), *name = console_field(&c, "name");
	if (member == NULL || !is_uuid(member))
		problem_field(c.f.problem, "member_id", "choose a member");
	if (name == NULL)
		problem_field(c.f.problem, "name", "is required");
	if (flow_fail_fields(&c.f) != 0 || keying_create(&c.f, member, name, token) != 0)
		return console_fail(&c, "/staff/team", "Back to the team");
	/* shown on this answer only: no redirect would carry it, and nothing keeps it */
	rc = team_page(r, &c, 201, token, name);
	explicit_bzero(token, sizeof(token));
	return rc;
}

int
console_team_revoke(struct req *r)
{
	struct console c;
	int rc = enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (keying_revoke(&c.f, req_param(r, 0)) != 0)
		return console_fail(&c, "/staff/team", "Back to the team");
	return html_redirect(r, "/staff/team");
}
