/*
 * validate: field checks shared by every resource. Each check_* looks at one
 * member of a JSON object, and on a violation adds a field error (named by
 * its full path, e.g. "address.country") to the problem and returns false.
 * The is_* predicates check bare strings. Thread-safe, no allocation kept.
 */
#ifndef RECRUITD_VALIDATE_H
#define RECRUITD_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct problem;

/* Every member of obj must be named in allowed (NULL-terminated); readonly members get their own
 * message. */
bool check_known_keys(const json_t *obj, const char *const *allowed, const char *const *readonly,
                      const char *prefix, struct problem *p);

/*
 * A string member of 1..max characters that is not only white space and has
 * no control characters. Absent or null: fine unless required.
 */
bool check_text(const json_t *obj, const char *key, const char *prefix, bool required, size_t max,
                struct problem *p);

/* A member that is absent, null or one of the NULL-terminated values. */
bool check_enum(const json_t *obj, const char *key, const char *prefix, bool required,
                const char *const *values, struct problem *p);

/* A boolean member, or absent. */
bool check_bool(const json_t *obj, const char *key, const char *prefix, struct problem *p);

/* A plausible e-mail address: one @, sane local part and domain, at most 254 bytes. */
bool is_email(const char *s);

/* Whether s (may be NULL: no) is one of list (NULL-terminated). */
bool is_one_of(const char *s, const char *const *list);

/* An ISO 3166-1 alpha-2 code assigned to a country, in upper case. */
bool is_country_code(const char *s);

/* A canonical UUID (8-4-4-4-12 hex digits, any case). */
bool is_uuid(const char *s);

/* A calendar date YYYY-MM-DD that exists (leap years included). */
bool is_date(const char *s);

/* An RFC 3339 date-time with a time zone (Z or +hh:mm). */
bool is_rfc3339(const char *s);

/* Whether the len bytes at s are valid UTF-8 (no overlongs, no surrogates) with no NUL. */
bool is_utf8(const char *s, size_t len);

/* Number of UTF-8 characters in s (s is valid UTF-8). */
size_t utf8_chars(const char *s);

/* Whether s has a C0 control character or DEL. */
bool has_control_chars(const char *s);

/* Whether s is empty or only white space. */
bool is_blank(const char *s);

#endif
