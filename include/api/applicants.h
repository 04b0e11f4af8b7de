/*
 * applicants: the applicant record. Handlers are declared in handlers.h;
 * this header exports what is tested on its own and what later resources
 * share (the 404/410 answer for an id that is not on record).
 */
#ifndef RECRUITD_APPLICANTS_H
#define RECRUITD_APPLICANTS_H

#include <stdbool.h>
#include <jansson.h>

struct problem;
struct req;
struct db;

/*
 * Check a whole applicant document (a create body, or a record after a
 * merge patch) and collect every field error in p. creating allows the
 * defaults a create fills in. Returns true when there is no error.
 */
bool applicants_validate(const json_t *doc, bool creating, struct problem *p);

/*
 * Normalise a valid document in place: defaults for absent members, every
 * address member present (null when unset), source as {type, detail}.
 */
void applicants_normalize(json_t *doc);

/*
 * Answer for an id with no applicant row: 410 with its disposition when a
 * tombstone says where the record went, else 404. Returns -1.
 */
int applicants_fail_absent(struct req *r, struct db *db, const char *id);

/*
 * Read a full record for the caller (audited as applicant.read), in the
 * view the caller may see. Returns a new reference with *version set, or
 * NULL after setting the problem (404, 410, 503).
 */
json_t *applicants_read(struct req *r, struct db *db, const char *id, long *version);

/*
 * Apply the request's JSON merge patch to applicant id, accepting only the
 * members in patchable (NULL-terminated, "version" among them), and reply
 * with the changed record. Returns 0 or -1 (problem set).
 */
int applicants_patch_id(struct req *r, const char *id, const char *const *patchable);

/* The full record as staff see it (new reference), not audited (for the transfer archive), or NULL. */
json_t *applicants_load(struct db *db, const char *id);

#endif
