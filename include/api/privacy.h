/*
 * privacy (api): what the handlers of privacy requests share. privacy.c
 * takes requests in, privacy_verify.c verifies them by the e-mailed link,
 * privacy_queue.c is HR's queue and the applicant's list; the work is
 * flows/intake.h's, flows/verifying.h's and flows/requests.h's.
 */
#ifndef RECRUITD_API_PRIVACY_H
#define RECRUITD_API_PRIVACY_H

#include <jansson.h>

#include "core/xalloc.h"

struct req;

#define PRIVACY_DETAILS_MAX_CHARS 2000

struct problem;

/*
 * Check body's corrections, [{field, value}] (absent or null: none): a
 * field error into p when they are malformed, or when type (NULL: not known
 * yet) is not correct.
 */
void privacy_check_corrections(const json_t *body, const char *type, struct problem *p);

#endif
