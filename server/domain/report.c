/*
 * report: the readable index.html of a copy of one's data. See report.h.
 * Words for every code a person could meet (stages, kinds of document,
 * file types, audit actions, request types) live in the tables below; a
 * code with no words yet is described generally, never shown raw.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/jsonx.h"
#include "core/zone.h"
#include "domain/report.h"

/* The page's own style: readable on a phone, printable, nothing loaded from elsewhere. */
static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1d2330;background:#f6f7fa}"
    "main{max-width:46rem;margin:0 auto;padding:1.25rem 1rem 3rem}"
    "h1{font-size:1.8rem;margin:0 0 .5rem}h2{font-size:1.3rem;margin:0 0 .75rem}"
    "h3{font-size:1.1rem;margin:1rem 0 .25rem}h4{font-size:1rem;margin:.75rem 0 .25rem}"
    "section{background:#fff;border:1px solid #d5dae3;border-radius:.75rem;"
    "padding:1rem 1.25rem;margin:1rem 0}"
    ".lead{color:#5b6475}"
    "nav ul{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.35rem 1rem}"
    "nav a{display:inline-block;padding:.2rem 0}"
    "a{color:#2454c5}"
    "dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.35rem 1rem;margin:0}"
    "dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
    "table{width:100%;border-collapse:collapse}"
    "th,td{text-align:left;vertical-align:top;padding:.4rem .75rem .4rem 0;"
    "border-bottom:1px solid #d5dae3;overflow-wrap:break-word}"
    "ul.files{list-style:none;padding:0;margin:0}"
    "ul.files li{padding:.5rem 0;border-bottom:1px solid #d5dae3}"
    "ul.files a{font-weight:600;overflow-wrap:anywhere}"
    ".scroll{overflow-x:auto}"
    "ol,ul.plain{margin:.25rem 0 0;padding-left:1.25rem}"
    ".note{color:#5b6475;font-size:.9rem}"
    "@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}"
    "th,td{font-size:.95rem}}"
    "@media print{body{background:#fff;color:#000;font-size:11pt}main{max-width:none;padding:0}"
    "nav{display:none}section{border:0;border-top:1px solid #999;border-radius:0;"
    "padding:.5rem 0;break-inside:avoid-page}a{color:#000}"
    "a[data-file]::after{content:\" (\" attr(data-file) \")\";font-size:.9em}}";

static void
put(struct buf *b, const char *s)
{
	(void)!buf_append(b, s, strlen(s)); /* the report is far below its cap */
}

static void
text(struct buf *b, const char *s)
{
	(void)!buf_append_html(b, s ? s : "");
}

/*
 * A path in the package as a link: every byte but letters, digits, "-._~"
 * and "/" percent-encoded. A file's safe name keeps "#", spaces and letters
 * of any script; a "#" written raw would start a fragment and the link
 * would open nothing.
 */
static void
href(struct buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL) {
			(void)!buf_append(b, (const char *)p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			(void)!buf_append(b, e, 3);
		}
	}
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The words for code in a {code, words} table; fallback when it has none. */
static const char *
words(const char *const (*table)[2], size_t n, const char *code, const char *fallback)
{
	for (size_t i = 0; code != NULL && i < n; i++)
		if (strcmp(table[i][0], code) == 0)
			return table[i][1];
	return fallback;
}

#define WORDS(t, code, fallback) words((t), sizeof(t) / sizeof((t)[0]), (code), (fallback))

static const char *const stages[][2] = {{"applied", "applied"},
                                        {"screening", "being screened"},
                                        {"interview", "interviews"},
                                        {"assessment", "assessment"},
                                        {"background_check", "background check"},
                                        {"offer", "offer made"},
                                        {"hired", "hired"},
                                        {"rejected", "not successful"},
                                        {"withdrawn", "withdrawn"}};

static const char *const sources[][2] = {{"direct", "you, through the careers site"},
                                         {"recruiter", "a recruiter"},
                                         {"agency", "a recruiting agency"},
                                         {"referral", "someone who referred you"},
                                         {"event", "an event"},
                                         {"import", "another system of ours"}};

static const char *const kinds[][2] = {
    {"resume", "Resume"}, {"cover_letter", "Cover letter"}, {"other", "Other document"}};

static const char *const file_types[][2] = {
    {"application/pdf", "PDF"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"},
    {"application/msword", "Word document (older format)"},
    {"application/vnd.oasis.opendocument.text", "OpenDocument text"},
    {"application/rtf", "RTF document"},
    {"text/plain; charset=utf-8", "Plain text"},
    {"text/plain", "Plain text"}};

static const char *const actions[][2] = {
    {"applicant.read", "looked at your record"},
    {"applicant.create", "created your record"},
    {"applicant.update", "changed your details"},
    {"applicant.sign_in", "signed in to your page"},
    {"applicant.sign_out", "signed out of your page"},
    {"applicant.restrict", "locked your record away after your deletion request"},
    {"application.create", "added an application"},
    {"application.transition", "moved an application to another stage"},
    {"application.sharing_override", "went ahead with a background check despite your opt-out"},
    {"document.upload", "added a document"},
    {"document.read", "opened a document"},
    {"document.delete", "removed a document"},
    {"evaluation.create", "wrote an evaluation"},
    {"export.download", "downloaded a copy of your data"},
    {"legal_hold.set", "put your record under a legal hold"},
    {"legal_hold.lift", "lifted a legal hold on your record"}};

static const char *const roles[][2] = {
    {"applicant", "You"}, {"system", "recruitd, automatically"}, {"staff", "A member of staff"}};

static const char *const request_types[][2] = {{"know_categories", "What kinds of data we hold"},
                                               {"know_specific", "A copy of your data"},
                                               {"delete", "Deleting your data"},
                                               {"correct", "Correcting your data"},
                                               {"opt_out", "Opting out of marketing and sharing"}};

static const char *const request_statuses[][2] = {
    {"awaiting_verification", "waiting for you to confirm it"},
    {"in_progress", "in progress"},
    {"completed", "answered"},
    {"denied", "denied"}};

static const char *const outcomes[][2] = {{"fulfilled", "done"},
                                          {"partially_fulfilled", "done in part"},
                                          {"denied", "not done"},
                                          {"no_record", "no record was held"}};

/* ------------------------------------------------------------------ */
/* dates and sizes                                                      */

static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

/* An RFC 3339 time, written out in the company's zone: "6 December 2026, 21:23". */
static void
when(struct buf *b, const struct report_in *in, const char *rfc3339, bool with_time)
{
	struct tm tm = {0};

	if (rfc3339 == NULL || sscanf(rfc3339, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	                              &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
		put(b, "—");
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + zone_offset(in->zone, timegm(&tm));
	struct tm local;
	if (gmtime_r(&t, &local) == NULL || local.tm_mon < 0 || local.tm_mon > 11) {
		put(b, "—");
		return;
	}
	(void)!buf_printf(b, "%d %s %d", local.tm_mday, months[local.tm_mon], local.tm_year + 1900);
	if (with_time)
		(void)!buf_printf(b, ", %02d:%02d", local.tm_hour, local.tm_min);
}

static void
bytes(struct buf *b, json_int_t n)
{
	if (n < 1024)
		(void)!buf_printf(b, "%lld bytes", (long long)n);
	else if (n < 1024 * 1024)
		(void)!buf_printf(b, "%lld KB", (long long)((n + 1023) / 1024));
	else
		(void)!buf_printf(b, "%.1f MB", (double)n / (1024.0 * 1024.0));
}

/* ------------------------------------------------------------------ */
/* pieces                                                               */

static void
row_begin(struct buf *b, const char *label)
{
	put(b, "<dt>");
	text(b, label);
	put(b, "</dt><dd>");
}

/* A labelled value; "—" when there is none. */
static void
row(struct buf *b, const char *label, const char *value)
{
	row_begin(b, label);
	text(b, value && *value ? value : "—");
	put(b, "</dd>");
}

static void
row_when(struct buf *b, const struct report_in *in, const char *label, const char *at)
{
	row_begin(b, label);
	when(b, in, at, false);
	put(b, "</dd>");
}

static void
address(struct buf *b, const json_t *a)
{
	static const char *const parts[] = {"line1",       "line2",   "city", "region",
	                                    "postal_code", "country", NULL};
	bool any = false;

	row_begin(b, "Address");
	for (const char *const *k = parts; *k; k++) {
		const char *v = str(a, *k);
		if (v == NULL || *v == '\0')
			continue;
		if (any)
			put(b, ", ");
		text(b, v);
		any = true;
	}
	if (!any)
		put(b, "—");
	put(b, "</dd>");
}

static void
social(struct buf *b, const json_t *handles)
{
	size_t i;
	json_t *h;

	row_begin(b, "Online profiles");
	if (json_array_size(handles) == 0)
		put(b, "—");
	json_array_foreach(handles, i, h)
	{
		if (i > 0)
			put(b, "; ");
		text(b, str(h, "handle"));
		put(b, " (");
		text(b, str(h, "network"));
		put(b, ")");
	}
	put(b, "</dd>");
}

static void
section_contact(struct buf *b, const struct report_in *in, const json_t *a)
{
	const char *expires = str(json_object_get(a, "retention"), "expires_at");

	put(b, "<section id=\"contact\" aria-labelledby=\"contact-h\"><h2 id=\"contact-h\">Your "
	       "contact details</h2><dl>");
	row(b, "Name", str(a, "full_name"));
	row(b, "E-mail", str(a, "email"));
	row(b, "Phone", str(a, "phone"));
	if (str(a, "title") != NULL)
		row(b, "Title", str(a, "title"));
	row(b, "Job title", str(a, "job_title"));
	address(b, json_object_get(a, "address"));
	social(b, json_object_get(a, "social_handles"));
	row(b, "Where we got them",
	    WORDS(sources, str(json_object_get(a, "source"), "type"), "another source"));
	row_when(b, in, "On record since", str(a, "created_at"));
	row_when(b, in, "Last changed", str(a, "updated_at"));
	row_begin(b, "Kept until");
	if (expires != NULL)
		when(b, in, expires, false);
	else
		put(b,
		    "while an application is open, then for the period the privacy notice gives");
	put(b, "</dd></dl></section>");
}

static void
section_choices(struct buf *b, const struct report_in *in, const json_t *a)
{
	const json_t *c = json_object_get(a, "consent");

	put(b, "<section id=\"choices\" aria-labelledby=\"choices-h\"><h2 id=\"choices-h\">Your "
	       "consents and choices</h2><dl>");
	if (json_is_object(c)) {
		row_begin(b, "Privacy notice accepted");
		when(b, in, str(c, "privacy_notice_accepted_at"), true);
		if (str(c, "privacy_notice_version") != NULL) {
			put(b, " (version ");
			text(b, str(c, "privacy_notice_version"));
			put(b, ")");
		}
		put(b, "</dd>");
		row_begin(b, "Confirmed you are 16 or over");
		when(b, in, str(c, "age_attested_at"), true);
		put(b, "</dd>");
	} else {
		row(b, "Privacy notice accepted", "not through our careers site");
	}
	row(b, "News of future openings",
	    json_is_true(json_object_get(a, "marketing_opt_in")) ? "yes, you asked for them"
	                                                         : "no");
	row(b, "Sharing outside the company",
	    json_is_true(json_object_get(a, "sharing_opt_out"))
	        ? "you opted out: we share your data with no one outside the company"
	        : "you have not opted out");
	put(b, "</dl></section>");
}

static void
one_application(struct buf *b, const struct report_in *in, const json_t *app)
{
	const json_t *history = json_object_get(app, "history"),
	             *evals = json_object_get(app, "evaluations");
	size_t i;
	json_t *e;

	put(b, "<article><h3>");
	text(b, str(app, "opening") ? str(app, "opening") : "A position");
	put(b, "</h3><p>Applied on ");
	when(b, in, str(app, "created_at"), false);
	put(b, ". Where it stands: <strong>");
	text(b, WORDS(stages, str(app, "stage"), "in progress"));
	put(b, "</strong>.</p><h4>What happened</h4><ol>");
	json_array_foreach(history, i, e)
	{
		put(b, "<li>");
		when(b, in, str(e, "at"), true);
		put(b, ": ");
		if (str(e, "from") == NULL) {
			put(b, "the application was received");
		} else {
			put(b, "from ");
			text(b, WORDS(stages, str(e, "from"), "one stage"));
			put(b, " to ");
			text(b, WORDS(stages, str(e, "to"), "another stage"));
		}
		put(b, "</li>");
	}
	put(b, "</ol><h4>Evaluations</h4>");
	if (json_array_size(evals) == 0)
		put(b, "<p>None.</p>");
	else
		put(b, "<ul class=\"plain\">");
	json_array_foreach(evals, i, e)
	{
		put(b, "<li>");
		when(b, in, str(e, "at"), false);
		(void)!buf_printf(b, ": a score of %lld out of 5",
		                  (long long)json_integer_value(json_object_get(e, "score")));
		if (str(e, "summary") != NULL) {
			put(b, ": “");
			text(b, str(e, "summary"));
			put(b, "”");
		}
		put(b, "</li>");
	}
	if (json_array_size(evals) > 0)
		put(b, "</ul>");
	put(b, "</article>");
}

static void
section_applications(struct buf *b, const struct report_in *in, const json_t *apps)
{
	size_t i;
	json_t *a;

	put(b, "<section id=\"applications\" aria-labelledby=\"applications-h\"><h2 "
	       "id=\"applications-h\">Your applications</h2>");
	if (json_array_size(apps) == 0)
		put(b, "<p>You have no applications on record.</p>");
	json_array_foreach(apps, i, a) one_application(b, in, a);
	put(b, "</section>");
}

static void
section_documents(struct buf *b, const struct report_in *in, const json_t *docs)
{
	size_t i;
	json_t *d;

	put(b, "<section id=\"documents\" aria-labelledby=\"documents-h\"><h2 "
	       "id=\"documents-h\">Your documents</h2>");
	if (json_array_size(docs) == 0) {
		put(b, "<p>You have no documents on record.</p></section>");
		return;
	}
	put(b, "<p>Each document is in the folder <em>documents</em> of this package, exactly as "
	       "you sent it: select its name to open it.</p><ul class=\"files\">");
	json_array_foreach(docs, i, d)
	{
		const char *path = json_string_value(json_object_get(in->paths, str(d, "id")));
		put(b, "<li>");
		if (path != NULL) {
			put(b, "<a href=\"");
			href(b, path);
			put(b, "\" data-file=\"");
			text(b, path);
			put(b, "\">");
		}
		text(b, str(d, "filename"));
		put(b, path ? "</a>" : " (not in this package)");
		put(b, "<br><span class=\"note\">");
		text(b, WORDS(kinds, str(d, "kind"), "Document"));
		put(b, " · ");
		text(b, WORDS(file_types, str(d, "content_type"), "Document"));
		put(b, " · ");
		bytes(b, json_integer_value(json_object_get(d, "size")));
		put(b, " · added ");
		when(b, in, str(d, "created_at"), false);
		put(b, "</span></li>");
	}
	put(b, "</ul></section>");
}

static void
section_access(struct buf *b, const struct report_in *in, const json_t *audit)
{
	size_t i;
	json_t *e;

	put(b, "<section id=\"access\" aria-labelledby=\"access-h\"><h2 id=\"access-h\">Who looked "
	       "at your record and when</h2><p>Every time someone read or changed your record it "
	       "was written down. Staff are named by their role, not by name.</p>");
	if (json_array_size(audit) == 0) {
		put(b, "<p>Nobody yet.</p></section>");
		return;
	}
	put(b, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">When</th><th "
	       "scope=\"col\">Who</th><th scope=\"col\">What</th></tr></thead><tbody>");
	json_array_foreach(audit, i, e)
	{
		put(b, "<tr><td>");
		when(b, in, str(e, "at"), true);
		put(b, "</td><td>");
		text(b, WORDS(roles, str(e, "actor_role"), "A member of staff"));
		put(b, "</td><td>");
		text(b, WORDS(actions, str(e, "action"), "worked on your record"));
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table></div></section>");
}

static void
section_requests(struct buf *b, const struct report_in *in, const json_t *requests)
{
	size_t i;
	json_t *q;

	put(b, "<section id=\"requests\" aria-labelledby=\"requests-h\"><h2 id=\"requests-h\">Your "
	       "privacy requests</h2>");
	if (json_array_size(requests) == 0) {
		put(b, "<p>None.</p></section>");
		return;
	}
	put(b, "<ul class=\"plain\">");
	json_array_foreach(requests, i, q)
	{
		put(b, "<li><strong>");
		text(b, WORDS(request_types, str(q, "type"), "A request"));
		put(b, "</strong>: asked on ");
		when(b, in, str(q, "received_at"), false);
		put(b, ", ");
		text(b, WORDS(request_statuses, str(q, "status"), "in progress"));
		if (str(q, "outcome") != NULL) {
			put(b, " (");
			text(b, WORDS(outcomes, str(q, "outcome"), "answered"));
			put(b, ")");
		}
		if (str(q, "completed_at") != NULL) {
			put(b, " on ");
			when(b, in, str(q, "completed_at"), false);
		}
		put(b, ".</li>");
	}
	put(b, "</ul></section>");
}

static void
section_categories(struct buf *b, const json_t *categories)
{
	size_t i;
	json_t *c;

	put(b, "<section id=\"categories\" aria-labelledby=\"categories-h\"><h2 "
	       "id=\"categories-h\">What kinds of data we hold, and why</h2>");
	json_array_foreach(categories, i, c)
	{
		put(b, "<h3>");
		text(b, str(c, "category"));
		put(b, "</h3><dl>");
		row(b, "Where it comes from", str(c, "sources"));
		row(b, "What it is used for", str(c, "purposes"));
		row(b, "Who sees it", str(c, "recipients"));
		row(b, "How long it is kept", str(c, "retention"));
		put(b, "</dl>");
	}
	put(b, "</section>");
}

char *
report_html(const struct report_in *in)
{
	const json_t *d = in->data, *a = json_object_get(d, "applicant");
	char made[32];
	struct buf b;

	buf_init(&b, (size_t)1 << 30);
	put(&b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta "
	        "name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Your "
	        "data held by ");
	text(&b, in->company);
	put(&b, "</title>\n<style>");
	put(&b, style);
	put(&b, "</style>\n</head>\n<body>\n<main>\n<header><h1>Your data held by ");
	text(&b, in->company);
	put(&b, "</h1><p class=\"lead\">A copy of everything we hold about you, made on ");
	struct tm tm;
	if (gmtime_r(&in->made, &tm) != NULL &&
	    strftime(made, sizeof(made), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		when(&b, in, made, true);
	put(&b,
	    " at your request. Nothing is left out.</p><nav aria-label=\"Contents\"><ul>"
	    "<li><a href=\"#contact\">Contact details</a></li>"
	    "<li><a href=\"#choices\">Consents and choices</a></li>"
	    "<li><a href=\"#applications\">Applications</a></li>"
	    "<li><a href=\"#documents\">Documents</a></li>"
	    "<li><a href=\"#access\">Who looked at your record</a></li>"
	    "<li><a href=\"#requests\">Privacy requests</a></li>"
	    "<li><a href=\"#categories\">Kinds of data, and why</a></li></ul></nav></header>\n");
	section_contact(&b, in, a);
	section_choices(&b, in, a);
	section_applications(&b, in, json_object_get(d, "applications"));
	section_documents(&b, in, json_object_get(d, "documents"));
	section_access(&b, in, json_object_get(d, "audit"));
	section_requests(&b, in, json_object_get(d, "privacy_requests"));
	section_categories(&b, in->categories);
	put(&b,
	    "<section id=\"files\" aria-labelledby=\"files-h\"><h2 id=\"files-h\">About this "
	    "package</h2><p>The same data is in <em>data.json</em>, for a computer to read, and "
	    "the kinds of data in <em>categories.json</em>. <em>manifest.json</em> lists every "
	    "file with its size and SHA-256 checksum, so you can check that nothing was "
	    "changed. Times are in the ");
	text(&b, in->zone ? zone_name(in->zone) : "UTC");
	put(&b, " time zone.</p></section>\n</main>\n</body>\n</html>\n");
	return buf_steal(&b);
}
