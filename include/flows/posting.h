/*
 * posting: openings, as the API and the staff console change and show them
 * and the careers site lists them. Staff see every opening and member; the
 * public (and applicants) see open ones and their public members. Each
 * function follows flows/flow.h: 0 with its outputs (new references), or
 * -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_POSTING_H
#define RECRUITD_FLOWS_POSTING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;
struct idem;
struct page_of;
struct page_want;

/*
 * Create an opening from a valid document (domain/opening.h), keyed by k
 * (NULL: none): *opening, and *replayed when a retry of a keyed create was
 * answered again (the opening read as it now stands).
 */
int posting_create(const struct flow *f, const json_t *doc, const struct idem *k, json_t **opening,
                   bool *replayed) WARN_UNUSED;

/* One opening as the actor may see it: 404 when not (a closed one, for the public). */
int posting_get(const struct flow *f, const char *id, json_t **opening) WARN_UNUSED;

/*
 * Apply a JSON merge patch (its members already checked to be editable)
 * over the version expected (0: the current one, a concurrent change
 * retried; otherwise 412 when it is not current). 422 when the result is
 * not a valid opening.
 */
int posting_change(const struct flow *f, const char *id, const json_t *patch, long expect,
                   json_t **opening) WARN_UNUSED;

/* A page of openings, newest first, as the actor may see them (status: staff only, or NULL). */
int posting_list(const struct flow *f, const char *status, const struct page_want *want,
                 struct page_of *out) WARN_UNUSED;

/*
 * One opening for its page on the careers site: *opening {id, title,
 * department, country, region, location, description, employment_type,
 * valid_through, status, posted_at}; 404 when there is none, 410 when it
 * is closed.
 */
int posting_page(const struct flow *f, const char *id, json_t **opening) WARN_UNUSED;

/*
 * Every open opening for the careers site (at most 200), newest first:
 * [{id, title, department, where, employment_type, posted_at, summary}].
 */
int posting_open_list(const struct flow *f, json_t **list) WARN_UNUSED;

#endif
