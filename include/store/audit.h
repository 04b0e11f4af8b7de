/*
 * audit: the append-only audit log: reading it, and the entries of reads.
 * Each statement is documented where it is defined (server/store/audit.c):
 * its parameters and the columns it answers.
 */
#ifndef RECRUITD_STORE_AUDIT_H
#define RECRUITD_STORE_AUDIT_H

#include "core/xalloc.h"
#include "store/db.h"

extern struct db_stmt audit_list_entries;

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
