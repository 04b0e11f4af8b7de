/*
 * audit: the append-only audit log: reading it, and the entries of reads.
 * An entry is {at, actor, action, applicant_id, target, request_id}, with
 * no personal data. Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_AUDIT_H
#define RECRUITD_STORE_AUDIT_H

#include "core/xalloc.h"

struct db;
struct page_of;
struct page_want;

/* What a list of entries is filtered by: each NULL for any. */
struct audit_filter {
	const char *applicant_id; /* a UUID */
	const char *actor;        /* a key name or role */
	const char *since;        /* RFC 3339: entries at or after it */
};

/*
 * A page of entries, newest first (want's k1 is the sequence the page
 * starts below): 0 with *out, or -1 when the database failed.
 */
int audit_page(struct db *db, const struct audit_filter *by, const struct page_want *want,
               struct page_of *out) WARN_UNUSED;

/* One entry of the log (applicant_id may be NULL; the strings are the caller's). */
struct audit_entry {
	const char *actor, *action, *applicant_id, *target, *request_id;
};

/*
 * Commit the entry of a read, together with those of the reads other
 * threads are committing at the same time: one statement and one commit for
 * all of them (group commit). Returns 0 once this entry is committed (so
 * the read may be answered), or -1 when it could not be (db_failure then
 * says DB_UNAVAILABLE, a 503, whatever refused it); the entry is then not
 * in the log. Inside a transaction of db's own, the
 * entry joins that transaction instead. Thread-safe; blocks for at most one
 * commit more than its own.
 */
int audit_commit_read(struct db *db, const struct audit_entry *e) WARN_UNUSED;

#endif
