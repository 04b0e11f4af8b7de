/* templates: e-mail templates checked and filled. See templates.h. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/templates.h"

const char *const templates_kinds[] = {"rejection", "stage_change", NULL};

static const char *const placeholders[] = {"name", "opening", "company", NULL};

/* Whether every {{...}} in s is one of the placeholders. */
static bool
placeholders_known(const char *s)
{
	for (const char *p = strstr(s, "{{"); p != NULL; p = strstr(p + 2, "{{")) {
		const char *end = strstr(p + 2, "}}");
		bool known = false;
		if (end == NULL)
			return false;
		for (const char *const *k = placeholders; *k; k++)
			known |= (size_t)(end - p - 2) == strlen(*k) &&
			         memcmp(p + 2, *k, strlen(*k)) == 0;
		if (!known)
			return false;
	}
	return true;
}

static bool
is_language(const char *s)
{
	return s != NULL && strlen(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' &&
	       s[1] <= 'z';
}

/* One template's members; the field errors under prefix "[i]". */
static void
check_one(const json_t *t, const char *prefix, struct problem *p)
{
	static const char *const members[] = {"kind", "language", "subject", "body", NULL};
	const char *subject = json_string_value(json_object_get(t, "subject")),
	           *body = json_string_value(json_object_get(t, "body"));
	char path[64];

	if (!json_is_object(t)) {
		problem_field(p, prefix, "must be an object {kind, language, subject, body}");
		return;
	}
	check_known_keys(t, members, NULL, prefix, p);
	check_enum(t, "kind", prefix, true, templates_kinds, p);
	snprintf(path, sizeof(path), "%s.language", prefix);
	if (!is_language(json_string_value(json_object_get(t, "language"))))
		problem_field(p, path,
		              "must be a language code of two lower-case letters, e.g. en");
	if (check_text(t, "subject", prefix, true, 200, p) && subject &&
	    !placeholders_known(subject)) {
		snprintf(path, sizeof(path), "%s.subject", prefix);
		problem_field(
		    p, path,
		    "may hold only the placeholders {{name}}, {{opening}} and {{company}}");
	}
	snprintf(path, sizeof(path), "%s.body", prefix);
	if (body == NULL || !is_utf8(body, strlen(body)) || utf8_chars(body) < 1 ||
	    utf8_chars(body) > 10000)
		problem_field(p, path, "must be text of 1 to 10000 characters");
	else if (!placeholders_known(body))
		problem_field(
		    p, path,
		    "may hold only the placeholders {{name}}, {{opening}} and {{company}}");
	else
		for (const char *c = body; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\r' && *c != '\t') {
				problem_field(p, path, "may not hold control characters");
				break;
			}
}

bool
templates_validate(const json_t *list, struct problem *p)
{
	bool had = problem_has_fields(p);
	size_t i, j;
	json_t *t;

	if (!json_is_array(list)) {
		problem_field(p, "templates",
		              "must be an array of {kind, language, subject, body}");
		return false;
	}
	json_array_foreach(list, i, t)
	{
		char prefix[24];
		snprintf(prefix, sizeof(prefix), "[%zu]", i);
		check_one(t, prefix, p);
		for (j = 0; j < i; j++) {
			const json_t *u = json_array_get(list, j);
			if (json_equal(json_object_get(t, "kind"), json_object_get(u, "kind")) &&
			    json_equal(json_object_get(t, "language"),
			               json_object_get(u, "language"))) {
				problem_field(p, prefix, "names a kind and language given before");
				break;
			}
		}
	}
	for (const char *const *k = templates_kinds; *k; k++) {
		bool found = false;
		json_array_foreach(list, i, t)
		{
			const char *kind = json_string_value(json_object_get(t, "kind")),
			           *lang = json_string_value(json_object_get(t, "language"));
			found |= kind && lang && strcmp(kind, *k) == 0 &&
			         strcmp(lang, TEMPLATE_FALLBACK_LANGUAGE) == 0;
		}
		if (!found) {
			char msg[96];
			snprintf(msg, sizeof(msg),
			         "must hold a %s template in en (the fallback language)", *k);
			problem_field(p, "templates", "%s", msg);
		}
	}
	return !had && !problem_has_fields(p);
}

char *
templates_render(const char *text, const struct template_values *v)
{
	struct buf b;
	const char *p = text, *open;

	buf_init(&b, 1u << 20); /* 10000 characters with names in: far below */
	while ((open = strstr(p, "{{")) != NULL) {
		const char *end = strstr(open + 2, "}}"), *with = NULL;
		if (end == NULL)
			break;
		size_t n = (size_t)(end - open - 2);
		if (n == 4 && memcmp(open + 2, "name", 4) == 0)
			with = v->name;
		else if (n == 7 && memcmp(open + 2, "opening", 7) == 0)
			with = v->opening;
		else if (n == 7 && memcmp(open + 2, "company", 7) == 0)
			with = v->company;
		else
			with = NULL;
		(void)!buf_append(&b, p, (size_t)(open - p));
		if (with != NULL)
			(void)!buf_append(&b, with, strlen(with));
		p = end + 2;
	}
	(void)!buf_append(&b, p, strlen(p));
	char *out = buf_steal(&b);
	return out ? out : xstrdup("");
}
