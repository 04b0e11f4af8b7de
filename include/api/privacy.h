/*
 * privacy (api): what the handlers of privacy requests share. privacy.c
 * takes requests in, privacy_verify.c verifies them by the e-mailed link,
 * privacy_queue.c is HR's queue and the applicant's list; the work is
 * flows/intake.h's, flows/verifying.h's and flows/requests.h's.
 * privacy_letter and privacy_end are flows/requests.h's requests_letter
 * and requests_end for a handler that holds a connection of its own in a
 * transaction (api/email_confirm.c): 0, or -1 with the problem set.
 */
#ifndef RECRUITD_API_PRIVACY_H
#define RECRUITD_API_PRIVACY_H

#include <jansson.h>

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

#endif
