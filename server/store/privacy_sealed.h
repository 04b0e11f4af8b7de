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

/* A request in DESIGN's shape; r is the privacy_requests row. */
#define REQUEST_JSON                                                                               \
	"json_build_object('id', r.id, 'type', r.type, 'status', r.status, 'channel', r.channel, " \
	"'subject', json_build_object('applicant_id', r.applicant_id, 'employee_id', "             \
	"r.employee_id, 'email_masked', r.email_masked), 'status_reason', r.status_reason, "       \
	"'received_at', rfc3339(r.received_at), 'confirm_by', "                                    \
	"rfc3339(r.confirm_by), 'confirmed_at', rfc3339(r.confirmed_at), 'verification', "         \
	"json_build_object('level', r.verification_level, 'verified_at', rfc3339(r.verified_at), " \
	"'data_points_matched', r.data_points_matched, 'declaration_signed_at', "                  \
	"rfc3339(r.declaration_signed_at)), 'due_at', rfc3339(r.due_at), 'extended_due_at', "      \
	"rfc3339(r.extended_due_at), 'extension_reason', r.extension_reason, 'days_left', CASE "   \
	"WHEN r.completed_at IS NULL THEN ceil(extract(epoch FROM coalesce(r.extended_due_at, "    \
	"r.due_at) - now()) / 86400)::int END, 'overdue', r.completed_at IS NULL AND now() > "     \
	"coalesce(r.extended_due_at, r.due_at), 'completed_at', rfc3339(r.completed_at), "         \
	"'outcome', r.outcome, 'outcome_detail', r.outcome_detail, 'categories', r.categories, "   \
	"'items', r.items, 'corrections', r.corrections, 'export', (SELECT json_build_object("     \
	"'id', x.id, 'size', x.size, 'sha256', x.sha256, 'expires_at', rfc3339(x.expires_at)) "    \
	"FROM exports x WHERE x.request_id = r.id AND x.sha256 IS NOT NULL), 'agent', r.agent, "   \
	"'version', r.version, 'sealed', r.sealed::text, 'key_id', r.key_id)"

/*
 * The keyed hash a request is found by (migrations 0062, 0074): HMAC under
 * the keyring's suppression key (it never rotates and never sits in the
 * main database, so a dump cannot confirm who asked), over a label and the
 * folded address, as 64 hex digits in out; "" when there is no address.
 */
void privacy_requester_key(const char *email, char out[65]);

#endif
