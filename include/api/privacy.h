/*
 * privacy (api): what the files of privacy requests share. privacy.c takes
 * requests in, privacy_verify.c verifies them by the e-mailed link,
 * privacy_execute.c carries out what is done at once and ends requests with
 * their outcome e-mail, privacy_queue.c is HR's queue and the applicant's
 * list. Every function here works in the caller's transaction and, on a
 * failure, sets the reply (0 done, -1 reply set).
 */
#ifndef RECRUITD_API_PRIVACY_H
#define RECRUITD_API_PRIVACY_H

#include <jansson.h>
#include <time.h>

#include "core/xalloc.h"

struct req;
struct db;
struct letter;

#define PRIVACY_DETAILS_MAX_CHARS 2000

struct problem;

/*
 * Check body's corrections, [{field, value}] (absent or null: none): a
 * field error into p when they are malformed, or when type (NULL: not known
 * yet) is not correct.
 */
void privacy_check_corrections(const json_t *body, const char *type, struct problem *p);

/* Queue letter l (finished here) to `to` about a request: 0, or -1 with the reply set. */
int privacy_letter(struct req *r, struct db *db, const char *kind, const char *to,
                   const char *applicant_id, struct letter *l) WARN_UNUSED;

/*
 * End request id (status completed or denied, with outcome and detail;
 * categories JSON text or NULL) and e-mail the outcome to the address it
 * waited on. actor names who ended it.
 */
int privacy_end(struct req *r, struct db *db, const char *id, const char *type,
                const char *applicant, const char *status, const char *outcome, const char *detail,
                const char *categories, const char *actor) WARN_UNUSED;

/*
 * A verified request of type for applicant (NULL: no record): do what is
 * done at once. corrections (borrowed, may be NULL) for a correct request.
 */
int privacy_execute(struct req *r, struct db *db, const char *id, const char *type,
                    const char *applicant, json_t *corrections) WARN_UNUSED;

/* Reply with request id as it stands (status), seen by applicant_only when not NULL. */
int privacy_reply(struct req *r, struct db *db, unsigned status, const char *id,
                  const char *applicant_only) WARN_UNUSED;

#endif
