/*
 * recording: an applicant's record, the core of what recruitd holds, as
 * staff create, read, list, change and hold it, and as the applicant sees
 * and corrects their own (/v1/me). Deleting is flows/erasing.h's.
 *
 * Every read of a full record and every change is audited with the actor
 * (a staff key's name, or "applicant"). A record comes back as JSON as the
 * actor may see it: staff get it whole; the applicant without what HR keeps
 * about it (the legal hold, what blocks its retention, the source's
 * detail). Visibility is data: a restricted record (an erasure a floor or a
 * hold held back) is read by HR alone, in the statements themselves; to
 * anyone else it answers 404 as if it were not held, and no list or search
 * shows it to anyone. Writes carry the record's version: a stale one (an
 * If-Match, or "version" in a patch) is 412 and changes nothing.
 *
 * Each function follows flows/flow.h: 0 with its outputs (new references),
 * or -1 with the problem set. An absent record is 404, or 410 with what its
 * tombstone says.
 */
#ifndef RECRUITD_FLOWS_RECORDING_H
#define RECRUITD_FLOWS_RECORDING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;
struct idem;
struct page_of;
struct page_want;

/*
 * Create a record from a valid document (domain/profile.h, creating), keyed
 * by k (NULL: none): *record and *version, and *replayed when a retry of a
 * keyed create was answered again (the record read anew, audited). 409
 * duplicate-email (with existing_id) when the address is on record, 409
 * suppressed for an address erased on request, 422 for marketing on at an
 * address that opted out.
 */
int recording_create(const struct flow *f, const json_t *doc, const struct idem *k, json_t **record,
                     long *version, bool *replayed) WARN_UNUSED;

/* Read record id, audited as applicant.read: *record and *version. */
int recording_read(const struct flow *f, const char *id, json_t **record,
                   long *version) WARN_UNUSED;

/* The staff list's filters (NULL: none): q matches name or address. */
struct recording_query {
	const char *q, *opening, *stage;
};

/* A page of summaries, newest first (never a restricted record, DESIGN: for no one). */
int recording_list(const struct flow *f, const struct recording_query *q,
                   const struct page_want *want, struct page_of *out) WARN_UNUSED;

/*
 * Apply a JSON merge patch (its members already checked to be editable)
 * over the version expected (0: the current one, a concurrent change
 * retried; otherwise 412 when it is not current): *record and *version. 422
 * when the result is not a valid record; the address rules as for a create.
 * A patch that changes nothing answers the record without a new version.
 */
int recording_change(const struct flow *f, const char *id, const json_t *patch, long expect,
                     json_t **record, long *version) WARN_UNUSED;

/*
 * Set (or replace the reason of) a legal hold on record id: *hold {reason,
 * set_at} (the first set_at kept) and the record's *version.
 */
int recording_hold_set(const struct flow *f, const char *id, const char *reason, json_t **hold,
                       long *version) WARN_UNUSED;

/* Lift a legal hold from record id: 0 also when there was none (the record is on file). */
int recording_hold_lift(const struct flow *f, const char *id) WARN_UNUSED;

/*
 * The signed-in applicant's own page: their record (audited) with their
 * applications, their documents, a change of address waiting for its link
 * (pending_email or null) and the session ({signed_in_at, expires_at}):
 * *doc and the record's *version.
 */
int recording_self_read(const struct flow *f, json_t **doc, long *version) WARN_UNUSED;

/*
 * The applicant's own patch (recording_change's rules; sharing_opt_out is
 * theirs to set). A new e-mail address waits for the link sent to it
 * (recording_email_start) and the record keeps the old one; the rest
 * applies at once, in the same transaction. An address on record gets the
 * answer any invalid one gets, and changes of address are rate-limited per
 * applicant (flows/limits.h: 429 with *retry_after; 0 otherwise), so the
 * page is no way to test addresses in bulk.
 */
int recording_self_change(const struct flow *f, const json_t *patch, long expect, json_t **record,
                          long *version, unsigned *retry_after) WARN_UNUSED;

/*
 * In the caller's open transaction: keep a pending change of applicant's
 * address to email (replacing any before it) and queue the link to email
 * ({PUBLIC_URL}/me?email_code=CODE, 24 hours). request_id (may be NULL) is
 * the privacy correction it belongs to, ended as fulfilled when the link is
 * followed if finishes.
 */
int recording_email_start(const struct flow *f, const char *applicant, const char *email,
                          const char *request_id, bool finishes) WARN_UNUSED;

/*
 * Follow a change of address's link (code and its hash in hex; code NULL
 * when what was sent can be no code): the record's address becomes the new
 * one, the old address is told, a privacy correction waiting on it is
 * noted (and completed when the link finishes it), in one transaction. 404
 * for an unknown, used or expired code; 409 duplicate-email when the
 * address has meanwhile become another record's.
 */
int recording_email_confirm(const struct flow *f, const char *code,
                            const char *code_sha256) WARN_UNUSED;

#endif
