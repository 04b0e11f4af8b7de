/*
 * retention: the retention policies ([{outcome, country, region,
 * retain_days}]) and the legal floors ([{country, region, retain_days,
 * basis}]), each a set replaced whole with one version
 * (store/rule_sets.h), which the loads answer beside it. Functions return
 * 0 when done, -1 when the database failed (db_failure tells how).
 * Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_RETENTION_H
#define RECRUITD_STORE_RETENTION_H

#include <jansson.h>

#include "core/xalloc.h"

struct db;

/* The policies, ordered by outcome, country and region: *list (new) and the set's version. */
int retention_policies_load(struct db *db, json_t **list, long *version) WARN_UNUSED;

/* The floors, ordered by country and region: *list (new) and the set's version. */
int retention_floors_load(struct db *db, json_t **list, long *version) WARN_UNUSED;

/*
 * Replace the whole set with a valid list, in the caller's transaction,
 * audited as retention_policies.put (retention_floors.put) with the count.
 */
int retention_policies_replace(struct db *db, const json_t *list, const char *actor,
                               const char *request_id) WARN_UNUSED;
int retention_floors_replace(struct db *db, const json_t *list, const char *actor,
                             const char *request_id) WARN_UNUSED;

#endif
