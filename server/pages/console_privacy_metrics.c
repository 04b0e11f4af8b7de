/*
 * console_privacy_metrics: HR's /staff/privacy/metrics?year=YYYY, the
 * year's figures per request type (as GET /v1/privacy-requests/metrics)
 * in a table, and the same as a small bar chart drawn here as inline SVG
 * (no script, no style attribute: the strict CSP holds; the chart is an
 * image with a text alternative, the table is what a screen reader reads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edge/request.h"
#include "flows/requests.h"
#include "pages/console.h"
#include "pages/console_view.h"

static const char *const type_order[] = {"know_categories", "know_specific", "delete", "correct",
                                         "opt_out"};
static const char *const type_short[] = {"Categories", "Copy", "Delete", "Correct", "Opt out"};

/* The series the chart draws, with their CSS classes (site.css: .bar-*). */
static const struct {
	const char *key, *label, *cls;
} series[] = {
    {"received", "Received", "bar-received"},
    {"fulfilled", "Fulfilled", "bar-fulfilled"},
    {"denied", "Denied", "bar-denied"},
};

static long long
count(const json_t *types, size_t t, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(types, type_order[t]), key));
}

static void
number(struct html *h, const json_t *v)
{
	char n[32];

	if (json_is_integer(v))
		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
	else if (json_is_number(v))
		snprintf(n, sizeof(n), "%.1f", json_number_value(v));
	else
		snprintf(n, sizeof(n), "—");
	html_text(h, n);
}

/* Grouped bars: one group per type, one bar per series, scaled to the largest count. */
static void
chart(struct html *h, const json_t *types)
{
	const int width = 600, height = 240, left = 10, base = 200, top = 20;
	const int group = (width - left) / 5, bar = (group - 20) / 3;
	long long max = 1;
	char buf[256];

	for (size_t t = 0; t < 5; t++)
		for (size_t s = 0; s < 3; s++)
			if (count(types, t, series[s].key) > max)
				max = count(types, t, series[s].key);
	snprintf(buf, sizeof(buf),
	         "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
	         "aria-labelledby=\"chart-title\"><title id=\"chart-title\">Requests received, "
	         "fulfilled and denied, by type (the table below has the figures)</title>",
	         width, height);
	html_lit(h, buf);
	snprintf(buf, sizeof(buf), "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
	         left, base, width, base);
	html_lit(h, buf);
	for (size_t t = 0; t < 5; t++) {
		int x0 = left + (int)t * group + 10;
		for (size_t s = 0; s < 3; s++) {
			long long n = count(types, t, series[s].key);
			int bh = (int)((base - top) * n / max);
			snprintf(
			    buf, sizeof(buf),
			    "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
			    series[s].cls, x0 + (int)s * bar, base - bh, bar - 2, bh);
			html_lit(h, buf);
			if (n > 0) {
				snprintf(buf, sizeof(buf),
				         "<text class=\"chart-n\" x=\"%d\" y=\"%d\" "
				         "text-anchor=\"middle\">"
				         "%lld</text>",
				         x0 + (int)s * bar + bar / 2, base - bh - 4, n);
				html_lit(h, buf);
			}
		}
		snprintf(buf, sizeof(buf),
		         "<text class=\"chart-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
		         x0 + (3 * bar) / 2, base + 20);
		html_lit(h, buf);
		html_text(h, type_short[t]);
		html_lit(h, "</text>");
	}
	html_lit(h, "</svg><ul class=\"legend\">");
	for (size_t s = 0; s < 3; s++) {
		html_lit(h, "<li><span class=\"swatch ");
		html_text(h, series[s].cls);
		html_lit(h, "\" aria-hidden=\"true\"></span>");
		html_text(h, series[s].label);
		html_lit(h, "</li>");
	}
	html_lit(h, "</ul>");
}

static void
table(struct html *h, const json_t *types)
{
	static const char *const cols[] = {"received", "fulfilled",   "denied",   "no_record",
	                                   "open",     "median_days", "mean_days"};
	html_lit(h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"The "
	            "figures\"><table class=\"data\"><thead><tr><th scope=\"col\">Type</th>"
	            "<th scope=\"col\">Received</th><th scope=\"col\">Fulfilled</th>"
	            "<th scope=\"col\">Denied</th><th scope=\"col\">No record</th>"
	            "<th scope=\"col\">Open</th><th scope=\"col\">Median days</th>"
	            "<th scope=\"col\">Mean days</th></tr></thead><tbody>");
	for (size_t t = 0; t < 5; t++) {
		const json_t *row = json_object_get(types, type_order[t]);
		html_lit(h, "<tr><th scope=\"row\">");
		html_text(h, type_short[t]);
		html_lit(h, "</th>");
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			html_lit(h, "<td>");
			number(h, json_object_get(row, cols[c]));
			html_lit(h, "</td>");
		}
		html_lit(h, "</tr>");
	}
	html_lit(h, "</tbody></table></div>");
}

int
console_privacy_metrics(struct req *r)
{
	struct console c;
	json_t *types;
	struct html h;
	char title[64];
	time_t now = time(NULL);
	struct tm tm;
	int rc = console_enter(r, &c, false);

	if (rc == 0)
		rc = console_hr_only(&c);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	gmtime_r(&now, &tm);
	int year = tm.tm_year + 1900;
	const char *y = req_query(r, "year");
	if (y != NULL && strlen(y) == 4 && atoi(y) >= 2000 && atoi(y) <= year)
		year = atoi(y);
	if (requests_metrics(&c.f, year, &types) != 0)
		return console_fail(&c, "/staff/privacy", "Back to the queue");
	snprintf(title, sizeof(title), "Privacy requests in %d", year);
	c.frame.title = "Privacy figures";
	c.frame.nav = "privacy";
	html_init(&h);
	html_lit(&h, "<h1>");
	html_text(&h, title);
	html_lit(&h, "</h1><p><a href=\"/staff/privacy\">Back to the queue</a></p><section "
	             "class=\"panel\" aria-labelledby=\"m-title\"><h2 id=\"m-title\">By type</h2>");
	chart(&h, types);
	table(&h, types);
	html_lit(&h, "<form method=\"get\" action=\"/staff/privacy/metrics\">");
	snprintf(title, sizeof(title), "%d", year);
	view_input(&h, "m-year", "year", "Year", title, "number", false);
	html_lit(&h, "<button type=\"submit\" class=\"secondary\">Show</button></form></section>");
	json_decref(types);
	return html_send(r, 200, &c.frame, &h);
}
