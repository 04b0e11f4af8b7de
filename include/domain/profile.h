/*
 * profile: the rules of an applicant's record (its editable members, their
 * shapes and limits). Pure; thread-safe.
 */
#ifndef RECRUITD_DOMAIN_PROFILE_H
#define RECRUITD_DOMAIN_PROFILE_H

#include <jansson.h>
#include <stdbool.h>

struct problem;

/* The members staff may write, NULL-terminated, in the order clients see them. */
extern const char *const profile_editable[];
/* Members a client may send back but not change, NULL-terminated. */
extern const char *const profile_readonly[];

/* What any address that cannot be taken gets (an applicant's own patch to an address on
 * record included: they learn nothing more). */
#define PROFILE_EMAIL_INVALID "must be a valid e-mail address"
/* The members of an address, NULL-terminated, in the documented order. */
extern const char *const profile_address_keys[];

/*
 * Check a record's editable members (creating: as a new record, where the
 * source may be left out). Field errors go to p; unknown members are
 * errors. Returns true when this call found nothing wrong.
 */
bool profile_validate(const json_t *doc, bool creating, struct problem *p);

/* Fill what a valid record left out with its defaults (null, [], false, source recruiter). */
void profile_normalize(json_t *doc);

#endif
