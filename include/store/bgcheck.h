/*
 * bgcheck: where background checks are lawful, as HR decides: a rule per
 * country ({country, region: null}) and per region where a region's law
 * differs. A rule's JSON is {country, region, allowed, order, note,
 * updated_at, updated_by} (order: before_offer or after_offer, where the
 * check falls, domain/stages.h); the rules are one set with one version (rule_sets.h), which
 * the reads answer beside them. Writes are audited in the same statement.
 * Functions return 0 when done, 1 when there is no such rule, -1 when the
 * database failed (db_failure tells how). Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_BGCHECK_H
#define RECRUITD_STORE_BGCHECK_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"
#include "domain/stages.h"

struct db;

/* Every rule, by country then region: 0 with *items (new) and the set's version, or -1. */
int bgcheck_rules(struct db *db, json_t **items, long *version) WARN_UNUSED;

/* The rule of a country (region "") or of one of its regions, and the set's version. */
int bgcheck_rule(struct db *db, const char *country, const char *region, json_t **rule,
                 long *version) WARN_UNUSED;

/*
 * A rule as HR writes it (region "" for the whole country; note may be
 * NULL; order NULL: a new rule's is before_offer, a rule replaced keeps its
 * own, so a California rule never loses its lawful order by omission).
 */
struct bgcheck_rule_fields {
	const char *country, *region;
	bool allowed;
	const char *note;
	const char *order;
};

/*
 * Make or replace a rule, audited as background_check_rule.put: 0 with
 * *rule (new) and whether it was made (not replaced), or -1.
 */
int bgcheck_rule_put(struct db *db, const struct bgcheck_rule_fields *b, const char *actor,
                     const char *request_id, json_t **rule, bool *created) WARN_UNUSED;

/* Delete a rule, audited as background_check_rule.delete. */
int bgcheck_rule_delete(struct db *db, const char *country, const char *region, const char *actor,
                        const char *request_id) WARN_UNUSED;

/* What the rule of a jurisdiction says. */
struct bgcheck_verdict {
	bool allowed;
	enum stage_order order;
};

/*
 * Whether checks are allowed at an opening's country and region ("" for
 * none), and in which order: the region's rule, else the country's. 0 with
 * *out, 1 when no rule covers it (*out then says no check, before_offer).
 */
int bgcheck_verdict(struct db *db, const char *country, const char *region,
                    struct bgcheck_verdict *out) WARN_UNUSED;

#endif
