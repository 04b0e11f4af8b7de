/*
 * privacy_events: a privacy request's events as HR reads them on the
 * request's page (the log's own rows: what happened, when, and the role
 * that did it; no personal data). 0 with a new array, 1 when the request
 * does not exist, or -1 when the database failed.
 */
#ifndef RECRUITD_STORE_PRIVACY_EVENTS_H
#define RECRUITD_STORE_PRIVACY_EVENTS_H

#include <jansson.h>

#include "core/xalloc.h"

struct db;

/* Request id's events, oldest first: [{at, event, actor_role}]. */
int privacy_events_list(struct db *db, const char *id, json_t **events) WARN_UNUSED;

#endif
