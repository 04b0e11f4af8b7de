/*
 * templates: the e-mail templates (email_templates), one set with one
 * version (rule_set_versions: "email_templates"). Functions return 0, 1
 * where they say, or -1 when the database failed. Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_TEMPLATES_H
#define RECRUITD_STORE_TEMPLATES_H

#include <jansson.h>

#include "core/xalloc.h"

struct db;

#define RULE_SET_TEMPLATES "email_templates"

/* Every template [{kind, language, subject, body}], by kind then language: *list (new). */
int templates_all(struct db *db, json_t **list) WARN_UNUSED;

/*
 * Replace the whole set with a valid list (domain/templates.h), audited as
 * templates.update, in the caller's transaction.
 */
int templates_replace(struct db *db, const json_t *list, const char *actor,
                      const char *request_id) WARN_UNUSED;

/*
 * The template of kind in language, else in the fallback language: 0 with
 * *tpl {kind, language, subject, body} (new), 1 when neither is there.
 */
int templates_find(struct db *db, const char *kind, const char *language, json_t **tpl) WARN_UNUSED;

#endif
