/* console_view: what the console's pages share. See console_view.h. */
#include <string.h>

#include "core/xalloc.h"

#include "pages/console.h"
#include "pages/console_view.h"

const char *
view_stage(const char *stage)
{
	static const struct {
		const char *name, *words;
	} stages[] = {
	    {"applied", "Applied"},
	    {"screening", "Screening"},
	    {"interview", "Interview"},
	    {"assessment", "Assessment"},
	    {"background_check", "Background check"},
	    {"offer", "Offer"},
	    {"hired", "Hired"},
	    {"rejected", "Rejected"},
	    {"withdrawn", "Withdrawn"},
	};

	for (size_t i = 0; stage && i < sizeof(stages) / sizeof(stages[0]); i++)
		if (strcmp(stages[i].name, stage) == 0)
			return stages[i].words;
	return stage ? stage : "";
}

void
view_days(struct html *h, long days)
{
	if (days <= 0) {
		html_lit(h, "since today");
		return;
	}
	html_long(h, days);
	html_lit(h, days == 1 ? " day" : " days");
}

void
view_date(struct html *h, const char *at)
{
	char d[11] = "";

	if (at != NULL)
		strncpy(d, at, 10);
	html_text(h, d);
}

void
view_csrf(struct html *h, const struct console *c)
{
	html_hidden(h, "csrf", c->csrf);
}

void
view_input(struct html *h, const char *id, const char *name, const char *label, const char *value,
           const char *type, bool required)
{
	html_lit(h, "<div class=\"field\"><label for=\"");
	html_text(h, id);
	html_lit(h, "\">");
	html_text(h, label);
	if (!required)
		html_lit(h, " <span class=\"optional\">(optional)</span>");
	html_lit(h, "</label><input id=\"");
	html_text(h, id);
	html_lit(h, "\" name=\"");
	html_text(h, name);
	html_lit(h, "\" type=\"");
	html_text(h, type ? type : "text");
	html_lit(h, "\" value=\"");
	html_text(h, value);
	html_lit(h, required ? "\" required></div>" : "\"></div>");
}

void
view_textarea(struct html *h, const char *id, const char *name, const char *label,
              const char *value)
{
	html_lit(h, "<div class=\"field\"><label for=\"");
	html_text(h, id);
	html_lit(h, "\">");
	html_text(h, label);
	html_lit(h, " <span class=\"optional\">(optional)</span></label><textarea id=\"");
	html_text(h, id);
	html_lit(h, "\" name=\"");
	html_text(h, name);
	html_lit(h, "\" rows=\"5\">");
	html_text(h, value);
	html_lit(h, "</textarea></div>");
}

const char *
view_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

char *
view_url_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
