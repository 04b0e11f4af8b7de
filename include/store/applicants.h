/*
 * applicants: the applicant's row, the aggregate whose modules alone read
 * or write an applicant's personal columns (full_name, email, phone,
 * address, social_handles), sealed under the applicant's data key:
 * applicants.c (the record, its writes, holds), applicant_rows.c (sealing,
 * hashes, recruitctl's seal-existing), applicant_search.c (the list and
 * ?q=), applicant_adopt.c (a confirmed application's record),
 * applicant_privacy.c (restriction, opt-outs), applicant_retention.c (the
 * retention walk's reads). Deleting an applicant is store/erasure.h's alone.
 *
 * A record comes back as JSON as staff see it (new reference): id, the
 * editable members, consent, legal_hold, retention, created_at, updated_at,
 * version. Functions that read or change a full record write its audit
 * entry (actor, request_id) in the same statement. Functions return 0 when
 * done, 1 when there is no such row (or, for writes, the version did not
 * match), -1 when the database failed (db_failure tells how). Thread-safe
 * on distinct connections.
 */
#ifndef RECRUITD_STORE_APPLICANTS_H
#define RECRUITD_STORE_APPLICANTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;
struct page_of;
struct page_want;

/* The unique index on the lower-cased address: a failure naming it is a duplicate address. */
#define APPLICANTS_EMAIL_KEY "applicants_email_hash"

/*
 * Insert a normalised record (domain/profile.h); *record and *version of the
 * new row. 2 when an applicant with the address (case-insensitive) is on
 * record: nothing is inserted, and nothing fails (an error would put the
 * address in PostgreSQL's log).
 */
int applicants_insert(struct db *db, const json_t *doc, const char *actor, const char *request_id,
                      json_t **record, long *version) WARN_UNUSED;

/*
 * Read a full record, audited as applicant.read: 0 once the entry is
 * committed (store/audit.h), 1 when there is none (a restricted record is
 * none unless sees_restricted: only HR reads it), -1 (no record then).
 */
int applicants_read(struct db *db, const char *id, bool sees_restricted, const char *actor,
                    const char *request_id, json_t **record, long *version) WARN_UNUSED;

/* The record as it stands, not audited (the caller audits what it does with it). */
int applicants_current(struct db *db, const char *id, json_t **record, long *version) WARN_UNUSED;

/* applicants_current as a caller may see it: a restricted record is none unless sees_restricted. */
int applicants_current_for(struct db *db, const char *id, bool sees_restricted, json_t **record,
                           long *version) WARN_UNUSED;

/*
 * Write a normalised record's editable members over version `have`,
 * audited as applicant.update with target (which members changed, never
 * their values). A boolean sharing_opt_out in doc is written too (the
 * person's own choice; staff never pass it). 1 when the row is not at `have`.
 */
int applicants_update(struct db *db, const char *id, long have, const json_t *doc,
                      const char *actor, const char *request_id, const char *target,
                      json_t **record, long *version) WARN_UNUSED;

/* The id of the applicant with this address (case-insensitive) into id. */
int applicants_find_email(struct db *db, const char *email, char id[37]) WARN_UNUSED;

/*
 * The id of the applicant whose address is this mailbox into id: found by
 * its key (applicants_find_email), and the record's own address the same
 * mailbox (fold_same_mailbox), so that an address that merely folds alike
 * ("ß" for "ss") is none. For whatever sends a link to the address given and
 * acts on the record found: sign-in, privacy requests. 0, 1 (none), -1.
 */
int applicants_find_mailbox(struct db *db, const char *email, char id[37]) WARN_UNUSED;

/* The list's filters (NULL: none) and who may see what. */
struct applicant_query {
	const char *q; /* matches name or address */
	const char *opening, *stage;
	bool with_restricted; /* restricted records too (DESIGN leaves them out of every list) */
};

/*
 * A page of summaries {id, full_name, email, job_title, created_at,
 * updated_at, version}, newest first, from want's keyset: 0 with *out (its
 * cursor keys the last item's created_at and id), or -1.
 */
int applicants_page(struct db *db, const struct applicant_query *q, const struct page_want *want,
                    struct page_of *out) WARN_UNUSED;

/*
 * The summaries (as applicants_page's items) of the records among ids (n
 * uuids, as read from the database) that are not restricted, in no order:
 * *out a new array. 0, or -1 when the database or the key store failed.
 */
int applicants_summaries(struct db *db, const char *const *ids, size_t n, json_t **out) WARN_UNUSED;

/* Set (or replace the reason of) a legal hold: *hold {reason, set_at}, *version. */
int applicants_hold_write(struct db *db, const char *id, const char *reason, const char *actor,
                          const char *request_id, json_t **hold, long *version) WARN_UNUSED;

/* Lift a legal hold: 0 lifted, 1 there was none (or no such applicant). */
int applicants_hold_clear(struct db *db, const char *id, const char *actor,
                          const char *request_id) WARN_UNUSED;

/*
 * The records under a legal hold, longest held first (at most 200; restricted
 * ones too: this is HR's list): [{id, set_at}] (the reason is sealed with
 * the record: its page shows it). 0, or -1.
 */
int applicants_holds_list(struct db *db, json_t **holds) WARN_UNUSED;

/* Whether the applicant is under a legal hold. */
int applicants_held(struct db *db, const char *id, bool *held) WARN_UNUSED;

/* Whether the record is restricted (an erasure held back): 0 with *restricted, 1 when none. */
int applicants_restricted(struct db *db, const char *id, bool *restricted) WARN_UNUSED;

/* Whether the applicant is on record: 0 yes, 1 no, -1 failure. */
int applicants_exists(struct db *db, const char *id) WARN_UNUSED;

/*
 * Restrict a record an erasure request could not delete whole: what no
 * floor needs goes now (marketing consent, social handles, documents other
 * than resumes; *documents counts those), the rest is hidden from
 * recruiters, lists and searches until the purge. until (RFC 3339; NULL
 * under a legal hold, which has no end) and privacy_request (the request
 * that asked for the erasure) are kept for the record's `restricted`.
 * Audited. 1 when no record.
 */
int applicants_restrict(struct db *db, const char *id, const char *request_id, const char *until,
                        const char *privacy_request, long *documents) WARN_UNUSED;

/*
 * Opt the applicant with this address out of marketing and of sharing,
 * audited: 0 with their id, 1 when no record has the address.
 */
int applicants_opt_out(struct db *db, const char *email, const char *actor, const char *request_id,
                       char id[37]) WARN_UNUSED;

/* A browser's Sec-GPC: 1: the applicant with this address opts out of sharing (audited). 0 or -1.
 */
int applicants_share_opt_out(struct db *db, const char *email, const char *actor,
                             const char *request_id) WARN_UNUSED;

/*
 * The applicant a pending submission (store/pending.h, opened and locked
 * by the caller; contact: its full name, address and phone) belongs to, locked for the caller's
 * transaction: the one on record with its address, else a new one made from it (source direct,
 * consent as given, audited; *created true). gpc (or the submission's own
 * Sec-GPC) records the sharing opt-out on a record; nothing else of a record
 * on file changes. 1 only if the address cannot be settled (retry).
 */
int applicants_adopt(struct db *db, const char *pending_id, const char *const contact[3], bool gpc,
                     const char *request_id, char id[37], bool *created) WARN_UNUSED;

/*
 * The hash an address is written under (HMAC-SHA256 of its folded form
 * under the current epoch's index key, whose id goes into set, 17 bytes) as
 * bytea text: 0 with a new string, or -1 (the key database cannot answer;
 * db then fails as unavailable).
 */
int applicants_email_hash(struct db *db, const char *email, char **hash, char set[17]) WARN_UNUSED;

/*
 * Rebuild the blind indexes (email_hash, search_grams) of up to batch
 * records not indexed under the current epoch, from their opened values,
 * in a transaction of its own, rows a request holds skipped; the records
 * whose ids come after *after (a UUID's text, "" to start), *after moved
 * on. How many were rebuilt into *done, and whether the walk reached the
 * end into *end. 0 or -1. The rotation and `recruitctl keys reindex` call
 * it until no record is left (applicants_unindexed).
 */
int applicants_reindex_batch(struct db *db, int batch, char after[37], long *done,
                             bool *end) WARN_UNUSED;

/*
 * Seal the free text (title, job title, source detail, legal-hold reason)
 * of up to batch sealed records that still hold it in plaintext (from before
 * migration 0034), each under a new record key, in a transaction of its
 * own, rows a request holds skipped: how many into *sealed. 0 or -1.
 */
int applicants_seal_free_text_batch(struct db *db, int batch, long *sealed) WARN_UNUSED;

/* How many sealed records are not indexed under the current epoch: 0 with *n, or -1. */
int applicants_unindexed(struct db *db, long *n) WARN_UNUSED;

/* What a record is judged by when its erasure is asked for (domain/retention.h's inputs). */
struct applicant_retention {
	char *apps;             /* RETENTION_APPS_SQL's JSON text (new) */
	char *policies;         /* RETENTION_POLICIES_SQL's JSON text (new) */
	double now, created_at; /* epoch seconds, the database's clock */
	bool held;              /* a legal hold is set */
};

/*
 * The retention inputs of applicant id, in the caller's transaction: 0 with
 * *out (applicants_retention_fini frees it), 1 when there is no such record.
 */
int applicants_retention_of(struct db *db, const char *id,
                            struct applicant_retention *out) WARN_UNUSED;
void applicants_retention_fini(struct applicant_retention *r);

/* How many applicants there are: 0, or -1. */
int applicants_count(struct db *db, long *n) WARN_UNUSED;

/*
 * Seal up to batch records from before the data keys (their plaintext
 * columns cleared), in one transaction of their own, skipping rows locked by
 * requests: 0 with how many (0: none left), or -1.
 */
int applicants_seal_batch(struct db *db, int batch, long *sealed) WARN_UNUSED;

/*
 * The retention walk, on one connection: applicants_walk_begin opens a
 * cursor over the ids of applicants that may be due (those with an open
 * application never are), in id order, kept across the caller's commits;
 * store/purge_subjects.h reads it a batch at a time; applicants_walk_end
 * closes it. 0 or -1 for begin.
 */
int applicants_walk_begin(struct db *db) WARN_UNUSED;
void applicants_walk_end(struct db *db);

#endif
