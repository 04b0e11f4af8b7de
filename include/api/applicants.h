/*
 * applicants: the applicant record's handlers (api/handlers.h), and the two
 * pieces the applicant's own access (me.c) shares with them.
 */
#ifndef RECRUITD_API_APPLICANTS_H
#define RECRUITD_API_APPLICANTS_H

#include <jansson.h>

struct db;
struct req;

/*
 * The full record of applicant id as the caller may see it, audited
 * (new reference), with its version; NULL after setting the problem (404,
 * 410 with the tombstone, 503).
 */
json_t *applicants_view(struct req *r, struct db *db, const char *id, long *version);

/* PATCH of applicant id with the members in patchable (NULL-terminated). 0 or -1. */
int applicants_patch_id(struct req *r, const char *id, const char *const *patchable);

/*
 * PATCH /v1/me: as applicants_patch_id, but a new e-mail address takes
 * effect only once the link sent to it is followed (api/email_change.h).
 */
int applicants_patch_self(struct req *r, const char *id, const char *const *patchable);

#endif
