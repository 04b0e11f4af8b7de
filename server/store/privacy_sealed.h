/*
 * privacy_sealed (private to store/): the privacy-request log's personal
 * parts sealed under the request's own key (DESIGN "The privacy-request
 * log"; migration 0033): details, correction values, the agent, the
 * extension reason and the completion detail in one JSON object
 * (privacy_requests.sealed), the contact address apart
 * (privacy_request_contacts.sealed); each bound to the request's id. The
 * key dies 30 days after completion, at the subject's erasure, or at a
 * denial for want of verification, and these parts with it; the log's
 * readable part stays. Thread-safe.
 */
#ifndef RECRUITD_STORE_PRIVACY_SEALED_H
#define RECRUITD_STORE_PRIVACY_SEALED_H

#include <jansson.h>

#include "core/xalloc.h"

struct db;

/*
 * A new request id's key (into key_id) and its parts sealed under it, as
 * bytea text: *sealed the JSON object parts (borrowed), *contact the
 * address (NULL when email is NULL). 0, or -1 with db marked unavailable.
 */
int privacy_sealed_make(struct db *db, const char *id, const json_t *parts, const char *email,
                        char key_id[37], char **sealed, char **contact) WARN_UNUSED;

/*
 * Open a request's sealed parts into req (its members "sealed" and
 * "key_id", which REQUEST_JSON answers, removed): the parts' members
 * replace req's. A key gone leaves them null. 0, or -1 with db marked
 * unavailable.
 */
int privacy_sealed_open(struct db *db, json_t *req) WARN_UNUSED;

/*
 * Set member of request id's sealed parts to value (stolen): read, opened,
 * changed, sealed again and written in the caller's transaction. 0, 1 when
 * the request has no sealed parts (from before the keys, or its key is
 * gone), -1.
 */
int privacy_sealed_put(struct db *db, const char *id, const char *member,
                       json_t *value) WARN_UNUSED;

/*
 * A contact's address: sealed (bytea text, under key_id, of request id) or
 * from before the keys (plain): a new string, or NULL when it does not open
 * (*down when the key database failed).
 */
char *privacy_sealed_contact(const char *id, const char *key_id, const char *sealed,
                             const char *plain, int *down);

#endif
