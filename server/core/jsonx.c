/*
 * jsonx: strict parsing and merge patch over jansson. jansson already
 * refuses invalid UTF-8 and, with the flags used here, duplicate keys and
 * NUL characters; the nesting bound is checked by a scan before parsing,
 * so hostile input never reaches the recursive parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/page.h"
#include "core/xalloc.h"

/* Deepest nesting of [ and { outside strings. */
static unsigned
max_nesting(const char *buf, size_t len)
{
	unsigned depth = 0, deepest = 0;
	int in_string = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

static const char *
error_kind(enum json_error_code code)
{
	switch (code) {
	case json_error_invalid_utf8:
		return "invalid UTF-8";
	case json_error_premature_end_of_input:
		return "the input ends too early";
	case json_error_end_of_input_expected:
		return "more after the end of the value";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "a NUL character";
	case json_error_duplicate_key:
		return "a duplicate object key";
	case json_error_numeric_overflow:
		return "a number out of range";
	case json_error_stack_overflow:
		return "nested too deep";
	case json_error_out_of_memory:
		return "too large";
	default:
		return "invalid syntax";
	}
}

json_t *
jsonx_parse(const char *buf, size_t len, unsigned max_depth, char *err, size_t errlen)
{
	json_error_t e;
	json_t *v;

	if (max_nesting(buf, len) > max_depth) {
		snprintf(err, errlen, "JSON nested deeper than %u levels", max_depth);
		return NULL;
	}
	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (v == NULL) {
		/* Where and what kind, never jansson's text: it quotes the input ("near 'john'").
		 */
		snprintf(err, errlen, "malformed JSON at line %d, column %d: %s", e.line, e.column,
		         error_kind(json_error_code(&e)));
		return NULL;
	}
	return v;
}

json_t *
jsonx_merge_patch(json_t *target, const json_t *patch)
{
	const char *key;
	json_t *value;

	if (!json_is_object(patch)) {
		json_decref(target);
		return json_deep_copy(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
	}
	json_object_foreach(jsonx_mut(patch), key, value)
	{
		if (json_is_null(value)) {
			json_object_del(target, key);
		} else {
			/* The merge steals the reference taken here. */
			json_t *old = json_incref(json_object_get(target, key));
			json_object_set_new(target, key,
			                    jsonx_merge_patch(old ? old : json_null(), value));
		}
	}
	return target;
}

char *
jsonx_dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	return s ? s : xstrdup("null");
}

void
page_fini(struct page_of *p)
{
	json_decref(p->items);
	p->items = NULL;
}
