/*
 * staff: the staff directory (staff_members): who works in recruitd, their
 * role and whether they are active. Entries are JSON {id, email, name,
 * role, active, created_at, updated_at, version}. Every write carries its
 * audit entry in the same statement (staff.create, staff.update; no
 * applicant). Functions return 0, 1 where they say (no such member), or -1
 * when the database failed (db_failure tells: DB_UNIQUE for an address
 * already in the directory). Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_STAFF_H
#define RECRUITD_STORE_STAFF_H

#include <jansson.h>
#include <stdbool.h>

#include "core/token.h"
#include "core/xalloc.h"

struct db;
struct page_of;
struct page_want;

/* A member's fields as stored (email_folded: core/fold.h's fold_email of email). */
struct staff_row {
	const char *email, *email_folded, *name, *role;
	bool active;
};

/* Who wrote, for the audit entry. */
struct staff_by {
	const char *actor, *request_id;
};

/* A member found by address or id: enough to sign them in or give them a key. */
struct staff_who {
	char id[37];
	enum role role;
	bool active;
};

/* Add a member: *member (new reference). */
int staff_insert(struct db *db, const struct staff_row *m, const struct staff_by *by,
                 json_t **member) WARN_UNUSED;

/* A member by id: 0 with *member, 1 when none. */
int staff_find(struct db *db, const char *id, json_t **member) WARN_UNUSED;

/* The member whose address folds to email_folded: 0 with *who, 1 when none. */
int staff_find_email(struct db *db, const char *email_folded, struct staff_who *who) WARN_UNUSED;

/* A member by id for a session or a key: 0 with *who, 1 when none. */
int staff_find_id(struct db *db, const char *id, struct staff_who *who) WARN_UNUSED;

/* A member's editable fields as JSON {email, name, role, active} and version: 0, 1 when none. */
int staff_current(struct db *db, const char *id, json_t **fields, long *version) WARN_UNUSED;

/*
 * Write a member's fields over version have (changed: the names of the
 * members that changed, comma-separated, for the audit entry): 0 with
 * *member, 1 when the version is no longer have.
 */
int staff_update(struct db *db, const char *id, long have, const struct staff_row *m,
                 const char *changed, const struct staff_by *by, json_t **member) WARN_UNUSED;

/*
 * End everything a member signed in with: revoke their API keys (every
 * process forgets them on the NOTICE of migration 0019) and end their
 * console sessions. In the caller's transaction. 0 or -1.
 */
int staff_end_access(struct db *db, const char *id) WARN_UNUSED;

/*
 * A member opens the console's first page: the time of their visit before
 * ("" when none) into before, and their name; this visit is the next one's
 * "before". 0, 1 when no such member.
 */
int staff_visit(struct db *db, const char *id, char before[32], char name[201]) WARN_UNUSED;

/* A page of members, newest first. */
int staff_page(struct db *db, const struct page_want *want, struct page_of *out) WARN_UNUSED;

#endif
