/*
 * pages_jobs: the careers site. /jobs (and /apply, the same page) lists
 * the open openings, each linked to its own page, with the application
 * form, or says there is none (no empty form); /jobs/{id} shows one
 * opening whole (its description as escaped paragraphs) with its own form,
 * and schema.org JobPosting JSON-LD for job search engines (a data block:
 * never executed, so the strict policy allows it); a closed one answers
 * 410 with a page that leads to /jobs. /jobs.xml is an RSS 2.0 feed of the
 * open openings. The form posts without JavaScript (to /v1/apply from the
 * list, to /jobs/{id} from a job's page) and its answers are pages: "check
 * your inbox", the same page with each error beside its field, or a page
 * saying what went wrong. No SQL here: flows/posting.c reads the openings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/handlers.h"
#include "api/pages.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/problem.h"
#include "core/validate.h"
#include "core/zone.h"
#include "edge/assets.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/posting.h"
#include "pages_render.h"

/* What a careers page shows: the list (with the form) or one job (with its form). */
struct careers {
	const struct config *cfg;
	json_t *openings;              /* the list: [{id, title, department, where, ...}] */
	const json_t *job;             /* one job's page: the opening, or NULL */
	const struct problem *problem; /* a form post's field errors, or NULL */
	const char *first_invalid;     /* the field to focus */
};

/* ------------------------------------------------------------------ */
/* words and dates                                                      */

/* employment_type in the words of a job advert; NULL when not said. */
static const char *
employment_words(const char *type)
{
	static const struct {
		const char *type, *words;
	} kinds[] = {{"full_time", "Full-time"}, {"part_time", "Part-time"},
	             {"contractor", "Contract"}, {"temporary", "Temporary"},
	             {"intern", "Internship"},   {"volunteer", "Volunteer"},
	             {"per_diem", "Per diem"},   {"other", NULL}};

	for (size_t i = 0; type != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].type, type) == 0)
			return kinds[i].words;
	return NULL;
}

/* A member's string, "" when absent or null. */
static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Where a job is, from its parts: "Berlin, BE, DE". New string. */
static char *
where_of(const json_t *o)
{
	const char *parts[] = {str(o, "location"), str(o, "region"), str(o, "country")};
	struct buf b;

	buf_init(&b, 4096);
	for (size_t i = 0; i < 3; i++)
		if (*parts[i])
			(void)!buf_printf(&b, "%s%s", b.len ? ", " : "", parts[i]);
	char *s = buf_steal(&b);
	return s ? s : xstrdup("");
}

/* ------------------------------------------------------------------ */
/* the list and the form                                                */

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
put_openings(struct buf *out, const struct careers *c)
{
	size_t n = json_array_size(c->openings);

	if (n == 0) {
		pages_put_lit(out,
		              "<div id=\"no-openings\" class=\"panel\"><p><strong>There are no "
		              "open positions right now.</strong></p><p>New positions are listed "
		              "here as soon as they open, and in our <a href=\"/jobs.xml\">feed of "
		              "open positions</a>. Please come back later.</p></div>");
		return;
	}
	pages_put_lit(out, "<ul id=\"openings\" class=\"openings\">");
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(c->openings, i);
		const char *dept = str(o, "department"), *where = str(o, "where"),
		           *kind = employment_words(
		               json_string_value(json_object_get(o, "employment_type")));
		pages_put_lit(out, "<li><a class=\"title\" href=\"/jobs/");
		pages_put_escaped(out, str(o, "id"));
		pages_put_lit(out, "\">");
		pages_put_escaped(out, str(o, "title"));
		pages_put_lit(out, "</a><div class=\"where\">");
		pages_put_escaped(out, dept);
		if (*dept && *where)
			pages_put_lit(out, " · ");
		pages_put_escaped(out, where);
		if (kind != NULL) {
			if (*dept || *where)
				pages_put_lit(out, " · ");
			pages_put_escaped(out, kind);
		}
		pages_put_lit(out, "</div></li>");
	}
	pages_put_lit(out, "</ul>");
}

static const char position_select[] =
    "<div class=\"field{{c:opening_id}}\" data-field=\"opening_id\">\n"
    "      <label for=\"opening_id\">Position</label>\n"
    "      <select id=\"opening_id\" name=\"opening_id\" required{{a:opening_id}}>\n"
    "        <option value=\"\">Choose a position</option>\n"
    "        {{options}}\n"
    "      </select>\n"
    "      <p class=\"error\" id=\"opening_id-error\">{{e:opening_id}}</p>\n"
    "    </div>";

static void fill_careers(struct buf *out, const char *name, size_t len, const void *ctx);

/* The position: a choice on the list's form, fixed on a job's own. */
static void
put_position(struct buf *out, const struct careers *c)
{
	if (c->job == NULL) {
		pages_render(out, position_select, c->cfg, fill_careers, c);
		return;
	}
	pages_put_lit(out, "<input type=\"hidden\" name=\"opening_id\" value=\"");
	pages_put_escaped(out, str(c->job, "id"));
	pages_put_lit(out, "\"><p class=\"position\">Position: <strong>");
	pages_put_escaped(out, str(c->job, "title"));
	pages_put_lit(out, "</strong></p><p class=\"error\" id=\"opening_id-error\">");
	const char *msg = field_error(c->problem, "opening_id", 10);
	if (msg != NULL)
		pages_put_escaped(out, msg);
	pages_put_lit(out, "</p>");
}

static void
put_options(struct buf *out, const struct careers *c)
{
	for (size_t i = 0; i < json_array_size(c->openings); i++) {
		const json_t *o = json_array_get(c->openings, i);
		const char *where = str(o, "where");
		pages_put_lit(out, "<option value=\"");
		pages_put_escaped(out, str(o, "id"));
		pages_put_lit(out, "\">");
		pages_put_escaped(out, str(o, "title"));
		if (*where) {
			pages_put_lit(out, " (");
			pages_put_escaped(out, where);
			pages_put_lit(out, ")");
		}
		pages_put_lit(out, "</option>");
	}
}

/* The form's own names: its action, the summary of errors, each field's error and marks. */
static bool
fill_form(struct buf *out, const char *name, size_t len, const struct careers *c)
{
	if (pages_is(name, len, "action")) {
		if (c->job == NULL) {
			pages_put_lit(out, "/v1/apply");
		} else {
			pages_put_lit(out, "/jobs/");
			pages_put_escaped(out, str(c->job, "id"));
		}
	} else if (pages_is(name, len, "summary")) {
		if (c->problem != NULL)
			pages_put_lit(out,
			              "<div class=\"form-error\" role=\"alert\"><p>The application "
			              "was not sent: please correct the fields marked below, and "
			              "attach the resume again.</p></div>");
	} else if (len > 2 && name[0] == 'e' && name[1] == ':') {
		const char *msg = field_error(c->problem, name + 2, len - 2);
		if (msg != NULL)
			pages_put_escaped(out, msg);
	} else if (len > 2 && name[0] == 'c' && name[1] == ':') {
		if (field_error(c->problem, name + 2, len - 2) != NULL)
			pages_put_lit(out, " invalid");
	} else if (len > 2 && name[0] == 'a' && name[1] == ':') {
		if (field_error(c->problem, name + 2, len - 2) == NULL)
			return true;
		pages_put_lit(out, " aria-invalid=\"true\" aria-describedby=\"");
		pages_put(out, name + 2, len - 2);
		pages_put_lit(out, "-error\"");
		if (c->first_invalid != NULL && strlen(c->first_invalid) == len - 2 &&
		    memcmp(c->first_invalid, name + 2, len - 2) == 0)
			pages_put_lit(out, " autofocus");
	} else {
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* one job                                                              */

/* schema.org employmentType of employment_type, or NULL. */
static const char *
schema_employment(const char *type)
{
	static const char *const types[][2] = {
	    {"full_time", "FULL_TIME"}, {"part_time", "PART_TIME"}, {"contractor", "CONTRACTOR"},
	    {"temporary", "TEMPORARY"}, {"intern", "INTERN"},       {"volunteer", "VOLUNTEER"},
	    {"per_diem", "PER_DIEM"},   {"other", "OTHER"}};

	for (size_t i = 0; type != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i][0], type) == 0)
			return types[i][1];
	return NULL;
}

/* Set key to the string s when s is not empty. */
static void
set_text(json_t *o, const char *key, const char *s)
{
	if (s != NULL && *s)
		json_object_set_new(o, key, json_string(s));
}

/*
 * The job's schema.org JobPosting (new): title, description (the page's
 * paragraphs), datePosted, hiringOrganization, jobLocation, and
 * employmentType and validThrough when the opening says them.
 */
static json_t *
job_posting(const json_t *job, const struct config *cfg)
{
	struct buf d;
	json_t *ld = json_pack("{s:s, s:s, s:s}", "@context", "https://schema.org/", "@type",
	                       "JobPosting", "title", str(job, "title"));

	buf_init(&d, PAGE_MAX);
	pages_put_paragraphs(&d, str(job, "description"));
	char *description = buf_steal(&d);
	json_object_set_new(
	    ld, "description",
	    json_string(description && *description ? description : str(job, "title")));
	free(description);
	set_text(ld, "datePosted", str(job, "posted_at"));
	set_text(ld, "validThrough", str(job, "valid_through"));
	set_text(ld, "employmentType",
	         schema_employment(json_string_value(json_object_get(job, "employment_type"))));
	json_object_set_new(ld, "hiringOrganization",
	                    json_pack("{s:s, s:s, s:s}", "@type", "Organization", "name",
	                              cfg->company_name, "sameAs", cfg->public_url));
	json_t *address = json_pack("{s:s}", "@type", "PostalAddress");
	set_text(address, "addressLocality", str(job, "location"));
	set_text(address, "addressRegion", str(job, "region"));
	set_text(address, "addressCountry", str(job, "country"));
	json_object_set_new(ld, "jobLocation",
	                    json_pack("{s:s, s:o}", "@type", "Place", "address", address));
	json_object_set_new(ld, "identifier",
	                    json_pack("{s:s, s:s, s:s}", "@type", "PropertyValue", "name",
	                              cfg->company_name, "value", str(job, "id")));
	json_object_set_new(ld, "directApply", json_true());
	char *url = xasprintf("%s/jobs/%s", cfg->public_url, str(job, "id"));
	json_object_set_new(ld, "url", json_string(url));
	free(url);
	return ld;
}

/*
 * The JSON-LD as the text of a <script> data block: nothing in it can end
 * the element or open a comment ("<", ">" and "&" as \u escapes, which
 * JSON reads back as themselves).
 */
static void
put_json_ld(struct buf *out, const struct careers *c)
{
	json_t *ld = job_posting(c->job, c->cfg);
	char *text = json_dumps(ld, JSON_COMPACT | JSON_ESCAPE_SLASH);

	for (const char *p = text; p && *p; p++) {
		if (*p == '<')
			pages_put_lit(out, "\\u003c");
		else if (*p == '>')
			pages_put_lit(out, "\\u003e");
		else if (*p == '&')
			pages_put_lit(out, "\\u0026");
		else
			pages_put(out, p, 1);
	}
	free(text);
	json_decref(ld);
}

/* What a job is, in one line: department, where, kind, until when, since when. */
static void
put_facts(struct buf *out, const struct careers *c)
{
	const json_t *j = c->job;
	const char *kind =
	    employment_words(json_string_value(json_object_get(j, "employment_type")));
	char *where = where_of(j);
	const char *parts[] = {str(j, "department"), where, kind ? kind : ""};
	bool any = false;

	for (size_t i = 0; i < 3; i++)
		if (*parts[i]) {
			if (any)
				pages_put_lit(out, " · ");
			pages_put_escaped(out, parts[i]);
			any = true;
		}
	free(where);
	if (*str(j, "valid_through")) {
		if (any)
			pages_put_lit(out, " · ");
		pages_put_lit(out, "Apply by ");
		pages_put_day(out, c->cfg, str(j, "valid_through"));
		any = true;
	}
	if (any)
		pages_put_lit(out, " · ");
	pages_put_lit(out, "Posted ");
	pages_put_day(out, c->cfg, str(j, "posted_at"));
}

/* A description's first words, for a link preview: at most 200 characters. */
static void
put_summary_text(struct buf *out, const struct careers *c)
{
	const char *d = str(c->job, "description");
	size_t n = 0, bytes = 0;

	while (d[bytes] && n < 200) {
		unsigned char ch = (unsigned char)d[bytes];
		bytes++;
		while ((d[bytes] & 0xC0) == 0x80)
			bytes++;
		n += ch >= 0x20 || ch == '\t' ? 1 : 0;
	}
	char *cut = strndup(d, bytes);
	for (char *p = cut; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	pages_put_escaped(out, *cut ? cut : str(c->job, "title"));
	free(cut);
}

static void
fill_job(struct buf *out, const char *name, size_t len, const struct careers *c)
{
	if (pages_is(name, len, "title")) {
		pages_put_escaped(out, str(c->job, "title"));
	} else if (pages_is(name, len, "url")) {
		pages_put_escaped(out, c->cfg->public_url);
		pages_put_lit(out, "/jobs/");
		pages_put_escaped(out, str(c->job, "id"));
	} else if (pages_is(name, len, "summary_text")) {
		put_summary_text(out, c);
	} else if (pages_is(name, len, "json_ld")) {
		put_json_ld(out, c);
	} else if (pages_is(name, len, "facts")) {
		put_facts(out, c);
	} else if (pages_is(name, len, "description")) {
		if (*str(c->job, "description"))
			pages_put_paragraphs(out, str(c->job, "description"));
		else
			pages_put_lit(out, "<p>Ask us about this position: apply below and we will "
			                   "be in touch.</p>");
	}
}

static void
fill_careers(struct buf *out, const char *name, size_t len, const void *ctx)
{
	const struct careers *c = ctx;
	size_t n;

	if (fill_form(out, name, len, c))
		return;
	if (pages_is(name, len, "form")) {
		if (c->job == NULL && json_array_size(c->openings) == 0)
			return; /* no position to apply to: no form */
		pages_render(out, assets_get("apply-form.html", &n), c->cfg, fill_careers, c);
	} else if (pages_is(name, len, "position")) {
		put_position(out, c);
	} else if (pages_is(name, len, "options")) {
		put_options(out, c);
	} else if (pages_is(name, len, "openings")) {
		put_openings(out, c);
	} else if (pages_is(name, len, "intro")) {
		if (json_array_size(c->openings) > 0)
			pages_put_lit(out,
			              "<p>Pick an opening, tell us how to reach you, and attach "
			              "your resume. We e-mail you a link to confirm the "
			              "application; nothing is kept until you do.</p>");
	} else if (c->job != NULL) {
		fill_job(out, name, len, c);
	}
}

/* Render the list (job NULL) or a job's page with status and the form's errors. */
static int
careers(struct req *r, unsigned status, const struct problem *problem, const json_t *job)
{
	struct careers c = {.cfg = req_app(r)->cfg, .problem = problem, .job = job};
	struct buf out;
	size_t len;
	struct flow f;
	int rc;

	if (job == NULL && (rest_flow(r, &f) != 0 || posting_open_list(&f, &c.openings) != 0))
		return -1;
	if (problem != NULL && problem->errors != NULL && json_array_size(problem->errors) > 0)
		c.first_invalid =
		    json_string_value(json_object_get(json_array_get(problem->errors, 0), "field"));
	buf_init(&out, PAGE_MAX);
	pages_render(&out, assets_get(job ? "job.html" : "apply.html", &len), c.cfg, fill_careers,
	             &c);
	json_decref(c.openings);
	rc = pages_send(r, status, &out, NULL);
	buf_fini(&out);
	return rc;
}

int
pages_apply(struct req *r)
{
	return careers(r, 200, NULL, NULL);
}

int
pages_jobs(struct req *r)
{
	return careers(r, 200, NULL, NULL);
}

/* The job of the path: 0 with *job, or -1 with the page for none (404) or a closed one (410). */
static int
job_of(struct req *r, json_t **job)
{
	static const struct pages_message none = {
	    "No such position", "There is no position at this address. It may have been mistyped.",
	    "/jobs", "See the open positions"};
	static const struct pages_message closed = {
	    "This position is closed",
	    "We are no longer taking applications for this position. Thank you for your interest: "
	    "the open positions are listed on our careers page.",
	    "/jobs", "See the open positions"};
	const char *id = req_param(r, 0);
	struct problem *p = req_problem(r);
	struct flow f;

	if (!is_uuid(id))
		return pages_message(r, 404, &none) == 0 ? 1 : -1;
	if (rest_flow(r, &f) != 0)
		return -1;
	if (posting_page(&f, id, job) == 0)
		return 0;
	if (p->status != 404 && p->status != 410)
		return -1; /* the edge's own answer (a 503) stands */
	unsigned status = p->status;
	problem_fini(p);
	problem_init(p);
	return pages_message(r, status, status == 410 ? &closed : &none) == 0 ? 1 : -1;
}

int
pages_job(struct req *r)
{
	json_t *job;
	int rc = job_of(r, &job);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = careers(r, 200, NULL, job);
	json_decref(job);
	return rc;
}

/* ------------------------------------------------------------------ */
/* answering a form post                                                */

/* The answer to a form post from the list (job NULL) or from a job's page. */
static int
answer(struct req *r, int rc, unsigned ok_status, const char *job_id)
{
	struct problem *p = req_problem(r), kept;
	unsigned status = p->status ? p->status : (p->errors != NULL ? 422 : 0);
	char back[64];

	snprintf(back, sizeof(back), "%s%s", job_id ? "/jobs/" : "/apply",
	         job_id && is_uuid(job_id) ? job_id : "");

	if (status == 0 && rc == 0) {
		struct pages_message m = {
		    "Check your inbox",
		    "We have sent a confirmation link to the address you gave. Open it "
		    "within 24 hours to confirm your application; until then nothing is "
		    "kept, and after that the application and its resume are deleted.",
		    back, "Back to the open positions"};
		return pages_message(r, ok_status, &m);
	}
	if (status == 0 || status == 503 || status >= 500)
		return rc; /* the edge's own answer (and retries) stand */
	/* Take the problem over: the page replaces it. */
	kept = *p;
	problem_init(p);
	if (status == 422 && kept.errors != NULL && job_id == NULL) {
		rc = careers(r, 422, &kept, NULL);
	} else if (status == 422 && kept.errors != NULL) {
		json_t *job;
		if ((rc = job_of(r, &job)) == 0) {
			rc = careers(r, 422, &kept, job);
			json_decref(job);
		} else {
			rc = rc < 0 ? -1 : 0;
		}
	} else {
		struct pages_message m = {status == 429 ? "Too many attempts"
		                                        : "The application was not sent",
		                          kept.detail, back, "Back to the application form"};
		rc = pages_message(r, status, &m);
	}
	problem_fini(&kept);
	return rc;
}

int
pages_answer(struct req *r, int rc, unsigned ok_status)
{
	return answer(r, rc, ok_status, NULL);
}

int
pages_job_answer(struct req *r, int rc, unsigned ok_status)
{
	return answer(r, rc, ok_status, req_param(r, 0));
}
