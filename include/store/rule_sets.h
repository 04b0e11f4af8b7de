/*
 * rule_sets: the one version of a set of rules edited as a whole
 * (RULE_SET_RETENTION, RULE_SET_BGCHECK). Functions return 0, 1 when the
 * version did not match, -1 when the database failed.
 */
#ifndef RECRUITD_STORE_RULE_SETS_H
#define RECRUITD_STORE_RULE_SETS_H

#include "core/xalloc.h"

struct db;

#define RULE_SET_RETENTION "retention_policies"
#define RULE_SET_BGCHECK "background_check_rules"
#define RULE_SET_FLOORS "retention_floors"

/*
 * Bump the set's version inside the caller's transaction, when it is at
 * expect (0: any): *version the new one. 1 when it is not at expect.
 */
int rule_set_bump(struct db *db, const char *name, long expect, long *version) WARN_UNUSED;

/* The set's version now. */
int rule_set_version(struct db *db, const char *name, long *version) WARN_UNUSED;

#endif
