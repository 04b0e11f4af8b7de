/*
 * openings: the jobs applicants apply to. Openings hold no personal data,
 * so nothing here is audited; their JSON is built by PostgreSQL itself.
 * Staff see every member ({id, title, department, country, region,
 * location, description, employment_type, valid_through, status,
 * created_at, updated_at, version}); the public sees open openings only,
 * without status and times. Functions
 * return 0 when done, 1 when there is no such row (or, for a write, the
 * version did not match), -1 when the database failed. Thread-safe on
 * distinct connections.
 */
#ifndef RECRUITD_STORE_OPENINGS_H
#define RECRUITD_STORE_OPENINGS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"
#include "domain/opening.h"

struct db;
struct page_of;
struct page_want;

/* Insert: 0 with *opening (new, the staff view). */
int openings_insert(struct db *db, const struct opening_fields *o, json_t **opening) WARN_UNUSED;

/* One opening as staff see it (staff) or the public (open ones only): 0 with *opening (new). */
int openings_find(struct db *db, const char *id, bool staff, json_t **opening) WARN_UNUSED;

/* The editable members as they stand (a new object) and the version. */
int openings_current(struct db *db, const char *id, json_t **fields, long *version) WARN_UNUSED;

/* Write over version `have`: 0 with *opening (new, the staff view); 1 not at `have`. */
int openings_update(struct db *db, const char *id, long have, const struct opening_fields *o,
                    json_t **opening) WARN_UNUSED;

/* A page, newest first, as staff (status: NULL or open/closed) or the public see it. 0 or -1. */
int openings_page(struct db *db, bool staff, const char *status, const struct page_want *want,
                  struct page_of *out) WARN_UNUSED;

/*
 * One opening for its page on the careers site, open or closed: 0 with
 * *opening (new) {the public members, status, posted_at}, 1 when none.
 */
int openings_find_page(struct db *db, const char *id, json_t **opening) WARN_UNUSED;

/*
 * Every open opening for the careers site, newest first (at most 200):
 * 0 with *list (new) [{id, title, department, where, employment_type,
 * posted_at, summary (the description's first 600 characters)}], or -1.
 */
int openings_open_list(struct db *db, json_t **list) WARN_UNUSED;

#endif
