/*
 * screening_reject: rejections of several applications, with their
 * e-mails. See screening_reject.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/problem.h"
#include "domain/stages.h"
#include "domain/templates.h"
#include "flows/flow.h"
#include "flows/posting.h"
#include "flows/screening.h"
#include "flows/screening_reject.h"
#include "store/applicants.h"
#include "store/outbox.h"
#include "store/templates.h"

/* What one person is sent: to (their address), subject and body (new strings). */
struct letter_of {
	char *to, *name, *subject, *body;
	char applicant[37];
	long version; /* the application's, as read */
};

static void
letter_free(struct letter_of *l)
{
	free(l->to);
	free(l->name);
	free(l->subject);
	free(l->body);
	memset(l, 0, sizeof(*l));
}

/* The application's letter, checked to be the opening's and still open: 0, or -1. */
static int
letter(const struct flow *f, const char *opening_id, const char *title, const json_t *tpl,
       const struct reject_pick *pick, struct letter_of *out)
{
	json_t *app, *rec;
	long version;

	memset(out, 0, sizeof(*out));
	if (screening_get(f, pick->id, &app) != 0)
		return -1;
	const char *opening = json_string_value(json_object_get(app, "opening_id")),
	           *stage = json_string_value(json_object_get(app, "stage"));
	snprintf(out->applicant, sizeof(out->applicant), "%s",
	         json_string_value(json_object_get(app, "applicant_id")));
	out->version = (long)json_integer_value(json_object_get(app, "version"));
	int rc = 0;
	if (opening == NULL || strcmp(opening, opening_id) != 0)
		rc = flow_fail(f, 404, NULL, "an application picked is not one of this opening");
	else if (stage_is_final((enum stage)stage_parse(stage)))
		rc = flow_fail(f, 409, "invalid-transition",
		               "an application picked is %s already: nothing leaves a final stage",
		               stage);
	json_decref(app);
	if (rc != 0)
		return -1;
	rc = applicants_current_for(f->db, out->applicant, flow_sees_restricted(f), &rec, &version);
	if (rc != 0)
		return rc < 0 ? flow_fail_db(f)
		              : flow_fail(f, 404, NULL, "no applicant for an application picked");
	const char *to = json_string_value(json_object_get(rec, "email")),
	           *name = json_string_value(json_object_get(rec, "full_name"));
	out->to = xstrdup(to ? to : "");
	out->name = xstrdup(name ? name : "");
	json_decref(rec);
	struct template_values v = {out->name, title, f->cfg->company_name};
	out->subject = templates_render(json_string_value(json_object_get(tpl, "subject")), &v);
	out->body = templates_render(json_string_value(json_object_get(tpl, "body")), &v);
	return 0;
}

/*
 * The opening's title and HR's template of kind in language (the fallback
 * language's when HR wrote none in it): 0, or -1 (409 when there is none).
 */
static int
load(const struct flow *f, const char *opening_id, const char *kind, const char *language,
     char **title, json_t **tpl)
{
	json_t *opening;

	if (posting_get(f, opening_id, &opening) != 0)
		return -1;
	int rc = templates_find(f->db, kind, language ? language : TEMPLATE_FALLBACK_LANGUAGE, tpl);
	if (rc > 0 && language != NULL && strcmp(language, TEMPLATE_FALLBACK_LANGUAGE) != 0)
		rc = templates_find(f->db, kind, TEMPLATE_FALLBACK_LANGUAGE, tpl);
	if (rc != 0) {
		json_decref(opening);
		return rc < 0 ? flow_fail_db(f)
		              : flow_fail(f, 409, NULL, "there is no %s template", kind);
	}
	*title = xstrdup(json_string_value(json_object_get(opening, "title")));
	json_decref(opening);
	return 0;
}

/* The opening's title and the rejection template, for n picks: 0, or -1. */
static int
prepare(const struct flow *f, const char *opening_id, size_t n, const char *language, char **title,
        json_t **tpl)
{
	if (n == 0 || n > REJECT_MAX) {
		problem_field(f->problem, "application_id", "pick 1 to %d applications",
		              REJECT_MAX);
		return flow_fail_fields(f);
	}
	return load(f, opening_id, "rejection", language, title, tpl);
}

/* Queue l's message of kind: 0, or -1 with the problem. */
static int
post(const struct flow *f, const char *kind, const struct letter_of *l)
{
	struct outbox_mail m = {.kind = kind,
	                        .applicant_id = l->applicant,
	                        .to = l->to,
	                        .subject = l->subject,
	                        .body = l->body};

	return outbox_enqueue(f->db, &m, f->request_id) != 0 ? flow_fail_db(f) : 0;
}

int
screening_reject_preview(const struct flow *f, const char *opening_id,
                         const struct reject_pick *picks, size_t n, const char *language,
                         json_t **previews)
{
	char *title = NULL;
	json_t *tpl = NULL;

	if (prepare(f, opening_id, n, language, &title, &tpl) != 0)
		return -1;
	*previews = json_array();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct letter_of l;
		if ((rc = letter(f, opening_id, title, tpl, &picks[i], &l)) == 0)
			json_array_append_new(*previews,
			                      json_pack("{s:s, s:I, s:s, s:s, s:s}",
			                                "application_id", picks[i].id, "version",
			                                (json_int_t)l.version, "name", l.name,
			                                "subject", l.subject, "body", l.body));
		letter_free(&l);
	}
	free(title);
	json_decref(tpl);
	if (rc != 0) {
		json_decref(*previews);
		*previews = NULL;
	}
	return rc;
}

int
screening_reject_many(const struct flow *f, const char *opening_id, const struct reject_pick *picks,
                      size_t n, const char *language, const char *reason)
{
	char *title = NULL;
	json_t *tpl = NULL;

	if (reason == NULL) {
		problem_field(f->problem, "reason", "is required to reject an application");
		return flow_fail_fields(f);
	}
	if (prepare(f, opening_id, n, language, &title, &tpl) != 0)
		return -1;
	int rc = flow_begin(f);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct letter_of l;
		json_t *app;
		if ((rc = letter(f, opening_id, title, tpl, &picks[i], &l)) == 0 &&
		    (rc = screening_move_in(f, picks[i].id, NULL, ST_REJECTED, reason, NULL,
		                            picks[i].version, &app)) == 0) {
			json_decref(app);
			rc = post(f, "rejection", &l);
		}
		letter_free(&l);
	}
	free(title);
	json_decref(tpl);
	if (rc != 0)
		return flow_rollback(f);
	return flow_commit(f);
}

int
screening_move_telling(const struct flow *f, const char *id, enum stage to, const char *reason,
                       const char *override_reason, const char *language, long expect, json_t **app)
{
	struct reject_pick pick = {id, expect};
	struct letter_of l = {0};
	char opening[37], *title = NULL;
	json_t *cur, *tpl = NULL;

	if (screening_get(f, id, &cur) != 0)
		return -1;
	snprintf(opening, sizeof(opening), "%s",
	         json_string_value(json_object_get(cur, "opening_id")));
	json_decref(cur);
	if (load(f, opening, to == ST_REJECTED ? "rejection" : "stage_change", language, &title,
	         &tpl) != 0)
		return -1;
	*app = NULL;
	int rc = flow_begin(f);
	if (rc == 0 && (rc = letter(f, opening, title, tpl, &pick, &l)) == 0 &&
	    (rc = screening_move_in(f, id, NULL, to, reason, override_reason, expect, app)) == 0)
		rc = post(f, to == ST_REJECTED ? "rejection" : "stage_change", &l);
	letter_free(&l);
	free(title);
	json_decref(tpl);
	if (rc != 0) {
		json_decref(*app);
		*app = NULL;
		return flow_rollback(f);
	}
	if (flow_commit(f) != 0) {
		json_decref(*app);
		*app = NULL;
		return -1;
	}
	return 0;
}
