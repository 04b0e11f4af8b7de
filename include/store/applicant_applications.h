/*
 * applicant_applications: an applicant's applications as they see them on
 * their own page (GET /v1/me): which openings, at which stage, never the
 * staff's evaluations or notes. Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_APPLICANT_APPLICATIONS_H
#define RECRUITD_STORE_APPLICANT_APPLICATIONS_H

#include <jansson.h>

#include "core/xalloc.h"

struct db;

/*
 * Every application of applicant_id, oldest first: 0 with *items (new)
 * [{id, opening_id, opening_title, stage}], or -1 when the database failed.
 */
int applicant_applications_list(struct db *db, const char *applicant_id,
                                json_t **items) WARN_UNUSED;

#endif
