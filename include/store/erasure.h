/*
 * erasure: the only code that deletes an applicant. Every way a record
 * leaves recruitment (erased by hr, purged by retention, transferred on
 * hire; next, a privacy request) goes through here, and each leaves the
 * same trace: a tombstone without personal data ({disposition, at, and the
 * run, rule or employee}), an audit entry, and nothing else of the record
 * (every table of it cascades from the applicant's row). Functions return
 * 0 when done, -1 when the database failed (db_failure tells how). The
 * caller owns the transaction around them.
 */
#ifndef RECRUITD_STORE_ERASURE_H
#define RECRUITD_STORE_ERASURE_H

#include <stdbool.h>

#include "core/xalloc.h"

struct db;

/* What a tombstone says of a record no longer held: why and when, never who. */
struct tombstone {
	char disposition[16]; /* deleted, purged, transferred */
	char at[40];          /* RFC 3339 */
	char employee_id[37]; /* transferred; "" otherwise */
	char run_id[37];      /* purged; "" otherwise */
	char rule[160];       /* purged; "" otherwise */
};

/* The tombstone of applicant id: 0 found, 1 none (never held, or still held), -1 failure. */
int erasure_tombstone(struct db *db, const char *id, struct tombstone *t) WARN_UNUSED;

/*
 * Erase applicant id now (hr's DELETE), unless a legal hold is set or
 * version (NULL: any) is not the record's. *erased tells whether it was.
 */
int erasure_delete(struct db *db, const char *id, const char *version, const char *actor,
                   const char *request_id, bool *erased) WARN_UNUSED;

/*
 * Purge a locked batch: ids and rules are PostgreSQL array literals of the
 * same length (uuid[] and text[]), run_id the purge run's. *purged counts
 * the records deleted.
 */
int erasure_purge(struct db *db, const char *ids, const char *rules, const char *run_id,
                  const char *actor, const char *request_id, long *purged) WARN_UNUSED;

/*
 * Remove a hired applicant's record once employee employee_id holds its
 * archive. *transferred tells whether it was there to remove; when it was
 * not, no tombstone or audit entry is written either.
 */
int erasure_transfer(struct db *db, const char *applicant_id, const char *employee_id,
                     const char *actor, const char *request_id, bool *transferred) WARN_UNUSED;

/*
 * Destroy the data keys of erased applicants still queued (after a crash
 * between an erasure's commit and its key's destruction): 0 with how many,
 * or -1. Erasures do this themselves once they commit; purge runs and the
 * server's start catch what is left.
 */
int erasure_shred(struct db *db, long *destroyed) WARN_UNUSED;

/*
 * Destroy the keys queued in key_shreds once db's open transaction commits
 * (now when none is open): for whoever deletes a row with a key of its own
 * or replaces a record key. A failure leaves them queued, for the next pass.
 */
void erasure_shred_after_commit(struct db *db);

/* The queue of keys to destroy: how many, and the age of the oldest in seconds (0: empty). */
int erasure_queue(struct db *db, long *queued, long *oldest_s) WARN_UNUSED;

#endif
