/*
 * email_changes: changes of an applicant's e-mail address waiting for the
 * link sent to the new address (migration 0024). The new address is sealed
 * under a key derived from the e-mailed code, so the table alone opens
 * nothing; one pending change per applicant (a new one replaces it); 24
 * hours. Functions return 0 when done, 1 for the outcome each names, -1
 * when the database (or the cipher) failed. Thread-safe on distinct
 * connections.
 */
#ifndef RECRUITD_STORE_EMAIL_CHANGES_H
#define RECRUITD_STORE_EMAIL_CHANGES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/token.h"
#include "core/xalloc.h"

struct db;

#define EMAIL_CHANGE_HOURS 24

/*
 * Keep a pending change of applicant_id's address to email, found by
 * code_sha256 and sealed under code: masked is what the owner is shown;
 * request_id (may be NULL) the privacy correction it belongs to, which
 * following the link ends when finishes is true.
 */
int email_changes_insert(struct db *db, const char *applicant_id, const char *code,
                         const char *code_sha256, const char *email, const char *masked,
                         const char *request_id, bool finishes) WARN_UNUSED;

/* What a followed link gives: the applicant, the new address (new string), the request. */
struct email_change {
	char applicant_id[37];
	char *email;
	char request_id[37]; /* "" when none */
	bool finishes;
};

/*
 * Use up an unexpired code (the row is deleted): 0 with *out filled
 * (email_change_fini frees it); 1 when no pending change has it.
 */
int email_changes_take(struct db *db, const char *code, const char *code_sha256,
                       struct email_change *out) WARN_UNUSED;
void email_change_fini(struct email_change *c);

/* The applicant's pending change as {email_masked, expires_at} (new reference) or JSON null. */
int email_changes_pending(struct db *db, const char *applicant_id, json_t **out) WARN_UNUSED;

/* Delete expired changes (dry: count them): 0 with how many. */
int email_changes_sweep(struct db *db, bool dry, long *n) WARN_UNUSED;

#endif
