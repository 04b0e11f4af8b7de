/*
 * console_hires: HR's /staff/hires, the applications at offer, each with
 * the form that hires it (start date, employee number) through the same
 * flow as POST /v1/applications/{id}/hire (a move into the employee
 * archive, in one transaction), and /staff/employees/{id}, the employee the
 * hire made with the archive's verification: its bytes read back (an
 * audited read, employee.archive.read) and their SHA-256 compared with the
 * one recorded at the hire. HR only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/request.h"
#include "flows/hiring.h"
#include "flows/idempotency.h"
#include "flows/screening.h"
#include "pages/console.h"
#include "pages/console_view.h"

#define LISTED 100

static int
enter(struct req *r, struct console *c, bool post)
{
	int rc = console_enter(r, c, post);

	if (rc == 0)
		rc = console_hr_only(c);
	return rc;
}

static void
offer_item(struct html *h, const struct console *c, const json_t *a, size_t i)
{
	const char *id = view_str(a, "id");
	char fid[48];

	html_lit(h, "<li class=\"panel\"><p><a href=\"/staff/applicants/");
	html_text(h, view_str(a, "applicant_id"));
	html_lit(h, "\">The record</a> · <a href=\"/staff/openings/");
	html_text(h, view_str(a, "opening_id"));
	html_lit(h, "\">the opening</a><span class=\"note\"> · at offer since ");
	view_date(h, view_str(a, "updated_at"));
	html_lit(h, "</span></p><form method=\"post\" action=\"/staff/hires/");
	html_text(h, id);
	html_lit(h, "\">");
	snprintf(fid, sizeof(fid), "h%zu-start", i);
	view_input(h, fid, "start_date", "Start date", "", "date", true);
	snprintf(fid, sizeof(fid), "h%zu-number", i);
	view_input(h, fid, "employee_number", "Employee number", "", NULL, true);
	view_csrf(h, c);
	console_idem_field(h);
	html_lit(h, "<button type=\"submit\">Hire: move the record into the employee "
	            "archive</button></form></li>");
}

int
console_hires(struct req *r)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", LISTED};
	struct page_of page = {0};
	struct console c;
	struct html h;
	size_t i;
	json_t *a;
	int rc = enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (screening_list(&c.f, NULL, "offer", &want, &page) != 0)
		return console_fail(&c, "/staff", "Back to the console");
	c.frame.title = "Hires";
	c.frame.nav = "hires";
	html_init(&h);
	html_lit(&h, "<h1>Hires</h1><p>A hire moves the record into the employee archive "
	             "(sealed, its hash kept) and removes it from recruitment, in one step; the "
	             "applicant's other open applications are withdrawn.</p>"
	             "<section aria-labelledby=\"o-title\"><h2 id=\"o-title\">At offer</h2>");
	if (json_array_size(page.items) == 0)
		html_lit(&h, "<p class=\"note\">No application is at offer.</p>");
	html_lit(&h, "<ul class=\"offers\">");
	json_array_foreach(page.items, i, a) offer_item(&h, &c, a, i);
	html_lit(&h, "</ul></section>");
	page_fini(&page);
	return html_send(r, 200, &c.frame, &h);
}

int
console_hire(struct req *r)
{
	struct console c;
	struct idem k;
	json_t *hire;
	bool replayed;
	int rc = enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = req_param(r, 0), *date = console_field(&c, "start_date"),
	           *number = console_field(&c, "employee_number");
	if (date == NULL || !is_date(date))
		problem_field(c.f.problem, "start_date", "is required: a date");
	if (number == NULL || strlen(number) > 64 ||
	    strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./") !=
	        strlen(number))
		problem_field(c.f.problem, "employee_number",
		              "is required: 1 to 64 of A-Z a-z 0-9 - _ . /");
	if (!is_uuid(id))
		flow_fail(&c.f, 404, NULL, "no application with this id");
	else if (flow_fail_fields(&c.f) == 0) {
		int keyed = console_idem(&c, "hire", &k);
		if (hiring_hire(&c.f, id, date, number, keyed > 0 ? &k : NULL, &hire, &replayed) ==
		    0) {
			char *to = xasprintf("/staff/employees/%s", view_str(hire, "employee_id"));
			json_decref(hire);
			rc = html_redirect(r, to);
			free(to);
			return rc;
		}
	}
	return console_fail(&c, "/staff/hires", "Back to the hires");
}

/* Read the archive back and compare its hash: 1 matches, 0 differs, -1 not read. */
static int
verify(struct console *c, const char *id, const json_t *employee)
{
	struct hiring_archive a;
	unsigned char d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	const char *kept = view_str(json_object_get(employee, "archive"), "sha256");

	if (hiring_download(&c->f, id, &a) != 0)
		return -1;
	sha256(a.bytes, a.len, d);
	hex_encode(d, SHA256_LEN, hex);
	int same = strcmp(hex, kept) == 0 && strcmp(hex, a.sha256) == 0; /* before the release */
	a.release(a.owner);
	return same ? 1 : 0;
}

int
console_employee(struct req *r)
{
	struct console c;
	json_t *e;
	struct html h;
	char size[32];
	int rc = enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = req_param(r, 0);
	if (!is_uuid(id)) {
		flow_fail(&c.f, 404, NULL, "no such employee");
		return console_fail(&c, "/staff/hires", "Back to the hires");
	}
	if (hiring_employee(&c.f, id, &e) != 0)
		return console_fail(&c, "/staff/hires", "Back to the hires");
	int ok = verify(&c, id, e);
	if (ok < 0) {
		json_decref(e);
		return console_fail(&c, "/staff/hires", "Back to the hires");
	}
	const json_t *archive = json_object_get(e, "archive");
	c.frame.title = "An employee's archive";
	c.frame.nav = "hires";
	html_init(&h);
	html_lit(&h, "<h1>Employee ");
	html_text(&h, view_str(e, "employee_number"));
	html_lit(&h, "</h1><p><a href=\"/staff/hires\">Back to the hires</a></p>");
	html_lit(&h, ok ? "<section class=\"panel\" role=\"status\" aria-labelledby=\"v-title\">"
	                  "<h2 id=\"v-title\">Archive verified</h2><p>Its bytes, read back now, "
	                  "have the SHA-256 recorded at the hire.</p>"
	                : "<section class=\"panel note-box\" role=\"alert\" "
	                  "aria-labelledby=\"v-title\"><h2 id=\"v-title\">The archive does not "
	                  "verify</h2><p>Its bytes no longer have the SHA-256 recorded at the "
	                  "hire.</p>");
	snprintf(size, sizeof(size), "%lld bytes",
	         (long long)json_integer_value(json_object_get(archive, "size")));
	html_lit(&h, "<dl class=\"facts\"><dt>Format</dt><dd>");
	html_text(&h, view_str(archive, "format"));
	html_lit(&h, "</dd><dt>Size</dt><dd>");
	html_text(&h, size);
	html_lit(&h, "</dd><dt>SHA-256</dt><dd><code>");
	html_text(&h, view_str(archive, "sha256"));
	html_lit(&h, "</code></dd><dt>Start date</dt><dd>");
	html_text(&h, view_str(e, "start_date"));
	html_lit(&h, "</dd><dt>Hired</dt><dd>");
	html_text(&h, view_str(e, "hired_at"));
	html_lit(&h, "</dd></dl></section>");
	json_decref(e);
	return html_send(r, 200, &c.frame, &h);
}
