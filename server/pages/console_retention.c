/*
 * console_retention: HR's /staff/retention: how the scheduled purge stands
 * (a failed one shown as an alert), a dry run's counts by rule before a
 * real purge, past runs, the policies and the legal floors with their basis.
 * The same flows as GET/POST /v1/retention/... (flows/purging.h,
 * flows/purging_rules.h); HR only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/page.h"
#include "core/xalloc.h"
#include "edge/request.h"
#include "flows/purging.h"
#include "flows/purging_rules.h"
#include "pages/console.h"
#include "pages/console_view.h"

#define RUNS_LISTED 20

static void
num(struct html *h, const json_t *o, const char *k)
{
	char n[32];

	snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(o, k)));
	html_text(h, n);
}

/* A Unix time member as "YYYY-MM-DD HH:MM UTC", or "never". */
static void
unix_time(struct html *h, const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	char out[32];
	struct tm tm;
	time_t t;

	if (!json_is_integer(v)) {
		html_lit(h, "never");
		return;
	}
	t = (time_t)json_integer_value(v);
	gmtime_r(&t, &tm);
	strftime(out, sizeof(out), "%Y-%m-%d %H:%M UTC", &tm);
	html_text(h, out);
}

/* An RFC 3339 time as "YYYY-MM-DD HH:MM UTC" (the API's are UTC, with seconds and fractions). */
static void
short_time(struct html *h, const char *at)
{
	char out[32];

	if (strlen(at) < 16) {
		html_text(h, at);
		return;
	}
	snprintf(out, sizeof(out), "%.10s %.5s UTC", at, at + 11);
	html_text(h, out);
}

/* The scheduled purge's last run, from the scheduler's row "purge" (absent: not run yet). */
static void
scheduled(struct html *h, const json_t *jobs)
{
	const json_t *job = NULL, *j;
	size_t i;

	json_array_foreach(jobs, i, j) if (strcmp(view_str(j, "name"), "purge") == 0) job = j;
	const char *result = job ? view_str(job, "last_result") : "";
	bool failed = strcmp(result, "failed") == 0;

	html_lit(h, failed ? "<section class=\"panel note-box\" role=\"alert\" "
	                     "aria-labelledby=\"sched-title\">"
	                   : "<section class=\"panel\" aria-labelledby=\"sched-title\">");
	html_lit(h, "<h2 id=\"sched-title\">Scheduled purge</h2>");
	if (job == NULL || result[0] == '\0') {
		html_lit(h, "<p>The daily purge has not run yet (or runs from cron: "
		            "RECRUITD_PURGE_AT=off).</p></section>");
		return;
	}
	html_lit(h, failed ? "<p><strong>The last scheduled purge failed.</strong> It is tried "
	                     "again on its own; nothing was half-deleted.</p>"
	                   : "<p>The last scheduled purge: ");
	if (!failed) {
		html_text(h, strcmp(result, "ok") == 0 ? "succeeded" : "is running");
		html_lit(h, ".</p>");
	}
	html_lit(h, "<dl class=\"facts\"><dt>Started</dt><dd>");
	unix_time(h, job, "last_started_at");
	html_lit(h, "</dd><dt>Ended</dt><dd>");
	unix_time(h, job, "last_finished_at");
	html_lit(h, "</dd><dt>Failures in a row</dt><dd>");
	num(h, job, "failures");
	html_lit(h, "</dd><dt>Detail</dt><dd>");
	html_text(h, view_str(job, "last_detail"));
	html_lit(h, "</dd></dl></section>");
}

static void
table_open(struct html *h, const char *label, const char *const *heads)
{
	html_lit(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
	html_text(h, label);
	html_lit(h, "\"><table class=\"data\"><thead><tr>");
	for (; *heads; heads++) {
		html_lit(h, "<th scope=\"col\">");
		html_text(h, *heads);
		html_lit(h, "</th>");
	}
	html_lit(h, "</tr></thead><tbody>");
}

static void
cell_text(struct html *h, const char *s)
{
	html_lit(h, "<td>");
	html_text(h, s);
	html_lit(h, "</td>");
}

static void
cell_num(struct html *h, const json_t *o, const char *k)
{
	html_lit(h, "<td>");
	num(h, o, k);
	html_lit(h, "</td>");
}

static void
runs_table(struct html *h, const json_t *runs)
{
	static const char *const heads[] = {"Started", "Kind", "Status", "Examined",
	                                    "Expired", "Held", "Purged", NULL};
	size_t i;
	json_t *run;

	if (json_array_size(runs) == 0) {
		html_lit(h, "<p class=\"note\">No purge has run yet.</p>");
		return;
	}
	table_open(h, "Past runs", heads);
	json_array_foreach(runs, i, run)
	{
		html_lit(h, "<tr><td><a href=\"/staff/retention/purges/");
		html_text(h, view_str(run, "id"));
		html_lit(h, "\">");
		short_time(h, view_str(run, "started_at"));
		html_lit(h, "</a></td>");
		cell_text(h, json_is_true(json_object_get(run, "dry_run")) ? "dry run" : "purge");
		cell_text(h, view_str(run, "status"));
		cell_num(h, run, "examined");
		cell_num(h, run, "expired");
		cell_num(h, run, "held");
		cell_num(h, run, "purged");
		html_lit(h, "</tr>");
	}
	html_lit(h, "</tbody></table></div>");
}

static void
holds_table(struct html *h, const json_t *holds)
{
	static const char *const heads[] = {"Record", "Held since", NULL};
	size_t i;
	json_t *o;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"hold-title\"><h2 "
	            "id=\"hold-title\">Legal holds</h2><p class=\"note\">No purge deletes a held "
	            "record; a hold, and its reason, are on the record's page.</p>");
	if (json_array_size(holds) == 0) {
		html_lit(h, "<p class=\"note\">No record is held.</p></section>");
		return;
	}
	table_open(h, "Legal holds", heads);
	json_array_foreach(holds, i, o)
	{
		html_lit(h, "<tr><td><a href=\"/staff/applicants/");
		html_text(h, view_str(o, "id"));
		html_lit(h, "\">The record</a></td>");
		html_lit(h, "<td>");
		short_time(h, view_str(o, "set_at"));
		html_lit(h, "</td></tr>");
	}
	html_lit(h, "</tbody></table></div></section>");
}

static void
rules_tables(struct html *h, const json_t *policies, const json_t *floors)
{
	static const char *const pheads[] = {"Outcome", "Country", "Region", "Days", NULL};
	static const char *const fheads[] = {"Country", "Region", "Days", "Legal basis", NULL};
	size_t i;
	json_t *o;

	html_lit(h, "<section class=\"panel\" aria-labelledby=\"pol-title\"><h2 id=\"pol-title\">"
	            "Policies</h2>");
	table_open(h, "Policies", pheads);
	json_array_foreach(policies, i, o)
	{
		html_lit(h, "<tr>");
		cell_text(h, view_str(o, "outcome"));
		cell_text(h, view_str(o, "country"));
		cell_text(h, view_str(o, "region"));
		cell_num(h, o, "retain_days");
		html_lit(h, "</tr>");
	}
	html_lit(h, "</tbody></table></div></section><section class=\"panel\" "
	            "aria-labelledby=\"floor-title\"><h2 id=\"floor-title\">Legal floors</h2>"
	            "<p class=\"note\">No purge deletes a record before these have passed, "
	            "whatever a policy says.</p>");
	table_open(h, "Legal floors", fheads);
	json_array_foreach(floors, i, o)
	{
		html_lit(h, "<tr>");
		cell_text(h, view_str(o, "country"));
		cell_text(h, view_str(o, "region"));
		cell_num(h, o, "retain_days");
		cell_text(h, view_str(o, "basis"));
		html_lit(h, "</tr>");
	}
	html_lit(h, "</tbody></table></div></section>");
}

/* The form that starts a run: a dry run, or (dry false) the real purge. */
static void
run_form(struct html *h, const struct console *c, bool dry)
{
	html_lit(h, "<form method=\"post\" action=\"/staff/retention/purges\">");
	view_csrf(h, c);
	html_lit(h, dry ? "<input type=\"hidden\" name=\"dry_run\" value=\"true\">"
	                  "<button type=\"submit\">Dry run: count what would go</button>"
	                : "<input type=\"hidden\" name=\"dry_run\" value=\"false\">"
	                  "<button type=\"submit\" class=\"danger\">Purge for real</button>");
	html_lit(h, "</form>");
}

int
console_retention(struct req *r)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", RUNS_LISTED};
	struct page_of runs = {0};
	json_t *jobs = NULL, *policies = NULL, *floors = NULL, *holds = NULL;
	long pv, fv;
	struct console c;
	struct html h;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if ((rc = console_hr_only(&c)) != 0)
		return rc > 0 ? 0 : -1;
	if (purging_schedule(&c.f, &jobs) != 0 || purging_list(&c.f, &want, &runs) != 0 ||
	    purging_rules_policies(&c.f, &policies, &pv) != 0 ||
	    purging_rules_floors(&c.f, &floors, &fv) != 0 || purging_holds(&c.f, &holds) != 0) {
		json_decref(jobs);
		json_decref(policies);
		json_decref(floors);
		page_fini(&runs);
		return console_fail(&c, "/staff", "Back to the console");
	}
	c.frame.title = "Retention";
	c.frame.nav = "retention";
	html_init(&h);
	html_lit(&h, "<h1>Retention</h1>");
	scheduled(&h, jobs);
	html_lit(&h, "<section class=\"panel\" aria-labelledby=\"run-title\"><h2 id=\"run-title\">"
	             "Purge</h2><p>A dry run counts, by rule, what a purge would delete; it "
	             "deletes nothing. Its report offers the real purge.</p>");
	run_form(&h, &c, true);
	html_lit(&h, "<h3>Past runs</h3>");
	runs_table(&h, runs.items);
	html_lit(&h, "</section>");
	holds_table(&h, holds);
	rules_tables(&h, policies, floors);
	json_decref(holds);
	json_decref(jobs);
	json_decref(policies);
	json_decref(floors);
	page_fini(&runs);
	return html_send(r, 200, &c.frame, &h);
}

int
console_purge_post(struct req *r)
{
	struct console c;
	json_t *report;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if ((rc = console_hr_only(&c)) != 0)
		return rc > 0 ? 0 : -1;
	const char *dry = console_field(&c, "dry_run");
	/* a dry run unless the form says false, as the API */
	if (purging_run(&c.f, dry == NULL || strcmp(dry, "false") != 0, &report) != 0)
		return console_fail(&c, "/staff/retention", "Back to retention");
	char *to = xasprintf("/staff/retention/purges/%s", view_str(report, "id"));
	json_decref(report);
	rc = html_redirect(r, to);
	free(to);
	return rc;
}

int
console_purge(struct req *r)
{
	static const char *const heads[] = {"Rule", "Records", NULL};
	struct console c;
	json_t *report, *n;
	const char *rule;
	struct html h;
	int rc = console_enter(r, &c, false);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if ((rc = console_hr_only(&c)) != 0)
		return rc > 0 ? 0 : -1;
	if (purging_report(&c.f, req_param(r, 0), &report) != 0)
		return console_fail(&c, "/staff/retention", "Back to retention");
	bool dry = json_is_true(json_object_get(report, "dry_run"));
	c.frame.title = dry ? "Dry run" : "Purge";
	c.frame.nav = "retention";
	html_init(&h);
	html_lit(&h, dry ? "<h1>Dry run</h1>" : "<h1>Purge</h1>");
	html_lit(&h, "<section class=\"panel\" aria-labelledby=\"rep-title\"><h2 id=\"rep-title\">"
	             "Report</h2><dl class=\"facts\"><dt>Status</dt><dd>");
	html_text(&h, view_str(report, "status"));
	html_lit(&h, "</dd><dt>Started</dt><dd>");
	short_time(&h, view_str(report, "started_at"));
	html_lit(&h, "</dd><dt>Examined</dt><dd>");
	num(&h, report, "examined");
	html_lit(&h, "</dd><dt>Past retention</dt><dd>");
	num(&h, report, "expired");
	html_lit(&h, "</dd><dt>Kept by a legal hold</dt><dd>");
	num(&h, report, "held");
	html_lit(&h, "</dd><dt>Purged</dt><dd>");
	num(&h, report, "purged");
	html_lit(&h, "</dd></dl><h3>By rule</h3>");
	json_t *by_rule = json_object_get(report, "by_rule");
	if (json_object_size(by_rule) == 0)
		html_lit(&h, "<p class=\"note\">No record is past its retention.</p>");
	else {
		table_open(&h, "By rule", heads);
		json_object_foreach(by_rule, rule, n)
		{
			html_lit(&h, "<tr>");
			cell_text(&h, rule);
			cell_num(&h, by_rule, rule);
			html_lit(&h, "</tr>");
		}
		html_lit(&h, "</tbody></table></div>");
	}
	if (dry) {
		html_lit(&h, "<p>A real purge deletes the records past their retention that no "
		             "legal hold keeps, for good.</p>");
		run_form(&h, &c, false);
	}
	html_lit(&h, "<p><a href=\"/staff/retention\">Back to retention</a></p></section>");
	json_decref(report);
	return html_send(r, 200, &c.frame, &h);
}
