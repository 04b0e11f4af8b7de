/*
 * member: what a staff member's entry in the directory may hold, checked
 * before anything is stored. Pure: the API, recruitctl and the console
 * judge a member by these rules.
 */
#ifndef RECRUITD_DOMAIN_MEMBER_H
#define RECRUITD_DOMAIN_MEMBER_H

#include <jansson.h>
#include <stdbool.h>

struct problem;

/* A member's editable members (borrowed strings; active -1: not given). */
struct member_fields {
	const char *email, *name, *role;
	int active;
};

/* The editable and the read-only members, NULL-terminated. */
extern const char *const member_editable[];
extern const char *const member_readonly[];

/*
 * Whether doc is a valid member, whole (a create's body, or a merge patch's
 * result: email, name and role required): every error goes to p, by field,
 * never quoting a value. Unknown members are errors; read-only ones say so.
 */
bool member_validate(const json_t *doc, struct problem *p);

/* The members of a valid doc (borrowed from it). */
void member_fields_of(const json_t *doc, struct member_fields *m);

#endif
