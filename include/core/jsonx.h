/*
 * jsonx: strict JSON in and out, on top of jansson. Input is refused (NULL
 * and a reason) when it is not valid UTF-8, has duplicate keys, a NUL
 * character, or nests deeper than allowed. Thread-safe.
 */
#ifndef RECRUITD_JSONX_H
#define RECRUITD_JSONX_H

#include <jansson.h>
#include <stddef.h>

/* Parse len bytes. Returns a new reference, or NULL with a reason in err. */
json_t *jsonx_parse(const char *buf, size_t len, unsigned max_depth, char *err, size_t errlen);

/*
 * RFC 7396 JSON merge patch: the result of applying patch (borrowed) to
 * target (stolen). Returns a new reference.
 */
json_t *jsonx_merge_patch(json_t *target, const json_t *patch);

/*
 * v without its const: jansson's getters and iterators take json_t * though
 * they change nothing. The one place const is dropped, by name.
 */
static inline json_t *
jsonx_mut(const json_t *v)
{
	union {
		const json_t *c;
		json_t *m;
	} u = {.c = v};
	return u.m;
}

/* Compact UTF-8 serialisation; a new string the caller frees. */
char *jsonx_dump(const json_t *v);

#endif
