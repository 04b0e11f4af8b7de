/*
 * console_reject: POST /staff/openings/{id}/rejections, the board's
 * selected applications rejected with the e-mail template: first a preview
 * (what each person will receive; nothing changes), then, confirmed with a
 * reason, the rejections and their e-mails in one transaction
 * (flows/screening_reject.c), at the versions the preview showed (412 if
 * one moved meanwhile), and 303 back to the board.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/problem.h"
#include "core/validate.h"
#include "edge/request.h"
#include "flows/screening_reject.h"
#include "pages/console.h"
#include "pages/console_view.h"

/* The picks of the form: application_id (the board's) or pick=ID:VERSION (the preview's). */
static size_t
picks_of(const struct console *c, struct reject_pick *picks, char ids[][37])
{
	size_t n = 0;
	const char *v;

	for (int i = 0; n < REJECT_MAX + 1 && (v = console_field_at(c, "pick", i)) != NULL; i++) {
		if (strlen(v) < 38 || v[36] != ':')
			continue;
		memcpy(ids[n], v, 36);
		ids[n][36] = '\0';
		picks[n] = (struct reject_pick){ids[n], strtol(v + 37, NULL, 10)};
		n += is_uuid(ids[n]) && picks[n].version > 0;
	}
	for (int i = 0;
	     n < REJECT_MAX + 1 && (v = console_field_at(c, "application_id", i)) != NULL; i++)
		if (is_uuid(v)) {
			snprintf(ids[n], 37, "%s", v);
			picks[n] = (struct reject_pick){ids[n], 0};
			n++;
		}
	return n;
}

static int
preview(struct console *c, const char *opening, const json_t *previews, const char *language)
{
	struct html h;
	size_t i;
	json_t *p;
	char *back = xasprintf("/staff/openings/%s", opening);

	c->frame.title = "Preview the rejection";
	c->frame.nav = "openings";
	html_init(&h);
	html_lit(&h, "<h1>Preview the rejection</h1><p>");
	html_long(&h, (long)json_array_size(previews));
	html_lit(&h, json_array_size(previews) == 1 ? " person will" : " people will");
	html_lit(&h, " receive this e-mail. Nothing is sent or changed until you confirm.</p>");
	json_array_foreach(previews, i, p)
	{
		html_lit(&h, "<section class=\"panel\"><h2>To ");
		html_text(&h, view_str(p, "name"));
		html_lit(&h, "</h2><p><strong>Subject:</strong> ");
		html_text(&h, view_str(p, "subject"));
		html_lit(&h, "</p><pre class=\"preview\">");
		html_text(&h, view_str(p, "body"));
		html_lit(&h, "</pre></section>");
	}
	html_lit(&h, "<form method=\"post\" class=\"panel\" action=\"/staff/openings/");
	html_text(&h, opening);
	html_lit(&h, "/rejections\">");
	view_csrf(&h, c);
	html_hidden(&h, "language", language);
	html_hidden(&h, "confirm", "1");
	json_array_foreach(previews, i, p)
	{
		char pick[64];
		snprintf(pick, sizeof(pick), "%s:%lld", view_str(p, "application_id"),
		         (long long)json_integer_value(json_object_get(p, "version")));
		html_hidden(&h, "pick", pick);
	}
	html_lit(&h, "<div class=\"field\"><label for=\"reason\">Reason (kept in the history; "
	             "not sent)</label><textarea id=\"reason\" name=\"reason\" rows=\"3\" "
	             "required></textarea></div><button type=\"submit\">Reject and send the "
	             "e-mails</button> <a href=\"");
	html_text(&h, back);
	html_lit(&h, "\">Cancel</a></form>");
	free(back);
	return html_send(c->r, 200, &c->frame, &h);
}

int
console_rejections(struct req *r)
{
	const char *opening = req_param(r, 0);
	struct reject_pick picks[REJECT_MAX + 1];
	char ids[REJECT_MAX + 1][37];
	struct console c;
	json_t *previews;
	int rc = console_enter(r, &c, true);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (!is_uuid(opening)) {
		problem_set(req_problem(r), 404, "no opening with this id");
		return console_fail(&c, "/staff/openings", "Back to the openings");
	}
	char *back = xasprintf("/staff/openings/%s", opening);
	const char *language = console_field(&c, "language");
	size_t n = picks_of(&c, picks, ids);
	if (language == NULL)
		language = "en";
	if (console_field(&c, "confirm") == NULL) {
		if (screening_reject_preview(&c.f, opening, picks, n, language, &previews) != 0)
			rc = console_fail(&c, back, "Back to the board");
		else {
			rc = preview(&c, opening, previews, language);
			json_decref(previews);
		}
	} else if (screening_reject_many(&c.f, opening, picks, n, language,
	                                 console_field(&c, "reason")) != 0) {
		rc = console_fail(&c, back, "Back to the board");
	} else {
		rc = html_redirect(r, back);
	}
	free(back);
	return rc;
}
