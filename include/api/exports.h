/*
 * exports: building a know_specific request's package (domain/export.h)
 * into the database as it streams, and its two downloads (api/handlers.h).
 */
#ifndef RECRUITD_API_EXPORTS_H
#define RECRUITD_API_EXPORTS_H

#include "core/xalloc.h"

struct req;
struct db;

/*
 * Build the package of everything held about applicant for request_id, in
 * the caller's transaction: 0 with the e-mailed download link (new string,
 * {PUBLIC_URL}/v1/exports/TOKEN); -1 with the problem set.
 */
int exports_build(struct req *r, struct db *db, const char *request_id, const char *applicant,
                  char **link) WARN_UNUSED;

#endif
