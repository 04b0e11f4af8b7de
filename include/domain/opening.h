/*
 * opening: what an opening may hold, checked before anything is stored.
 * Pure: the API and the staff console's forms judge an opening by these
 * rules.
 */
#ifndef RECRUITD_DOMAIN_OPENING_H
#define RECRUITD_DOMAIN_OPENING_H

#include <jansson.h>
#include <stdbool.h>

struct problem;

/* An opening's editable members (NULL: none; status NULL: open). Borrowed strings. */
struct opening_fields {
	const char *title, *department, *country, *region, *location, *description, *status;
	const char *employment_type; /* opening_employment_types, or NULL: not said */
	const char *valid_through;   /* RFC 3339: the last moment applications are taken */
};

/* The editable and the read-only members, NULL-terminated. */
extern const char *const opening_editable[];
extern const char *const opening_readonly[];

/* employment_type's values (schema.org's employmentType in lower case), NULL-terminated. */
extern const char *const opening_employment_types[];

/*
 * Whether doc is a valid opening: every error goes to p (field paths,
 * never values). Unknown members are errors; read-only ones say so.
 */
bool opening_validate(const json_t *doc, struct problem *p);

/* The members of a valid doc (borrowed from it). */
void opening_fields_of(const json_t *doc, struct opening_fields *o);

#endif
