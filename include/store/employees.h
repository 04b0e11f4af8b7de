/*
 * employees: the hire transaction's rows (the locks, closing the
 * applications, the employee record and its archive's chunks) and the
 * employee archive. An employee's JSON is {id, employee_number,
 * applicant_id, application_id, start_date, hired_at, archive: {format,
 * size, sha256}}. Functions return 0 when done, 1 when there is no such
 * row, -1 when the database failed (db_failure tells how). Thread-safe on
 * distinct connections.
 */
#ifndef RECRUITD_STORE_EMPLOYEES_H
#define RECRUITD_STORE_EMPLOYEES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;
struct transfer_doc_meta;

/* An application locked for its hire, and the hire's time. */
struct hire_lock {
	char stage[24];
	char applicant_id[37];
	char hired_at[40]; /* now, RFC 3339: the transaction's time */
	long long mtime;   /* the same, in seconds since the epoch */
	char country[3];   /* the opening's jurisdiction ("" when none): its rule's order */
	char region[401];
};

/*
 * Lock application_id's applicant, then the application (the one order of
 * locks everywhere: an erasure takes the applicant's row first too),
 * inside the caller's transaction: 0 with *out.
 */
int employees_lock_offer(struct db *db, const char *application_id,
                         struct hire_lock *out) WARN_UNUSED;

/* The employee a hire of application_id made: 0 with its id, 1 when none. */
int employees_hired_as(struct db *db, const char *application_id, char employee_id[37]) WARN_UNUSED;

/* Whether an employee holds employee_number: 0 with *taken, or -1. */
int employees_number_taken(struct db *db, const char *employee_number, bool *taken) WARN_UNUSED;

/*
 * Move application_id to hired and its applicant's other open applications
 * to withdrawn (reason "hired"), with history, stage events and audit
 * entries: 0 or -1.
 */
int employees_close_applications(struct db *db, const char *application_id,
                                 const char *applicant_id, const char *actor,
                                 const char *request_id) WARN_UNUSED;

/* The applicant's documents as the archive declares them, oldest first (owned by the struct). */
struct employee_docs {
	size_t n;
	char **ids;                     /* each document's id, to read its bytes by */
	struct transfer_doc_meta *meta; /* name, size, sha256 (pointing into names and shas) */
	char **names, **shas;
};

/* The documents of applicant_id: 0 with *out (employees_docs_fini it), or -1. */
int employees_docs(struct db *db, const char *applicant_id, struct employee_docs *out) WARN_UNUSED;
void employees_docs_fini(struct employee_docs *docs);

/* Write chunk seq of an archive as it is built: 0, or -1 (too large: DB_TOO_LARGE). */
int employees_archive_chunk(struct db *db, const char *employee_id, int seq,
                            const unsigned char *bytes, size_t len) WARN_UNUSED;

/* An employee record, written once its archive's chunks are. */
struct employee_row {
	const char *id, *employee_number, *applicant_id, *application_id;
	const char *start_date; /* YYYY-MM-DD */
	size_t archive_size;
	const char *archive_sha256; /* hex */
};

/* Insert it (hired now): 0 or -1. */
int employees_insert(struct db *db, const struct employee_row *e) WARN_UNUSED;

/*
 * Keep the keyed hash of the hired person's address (folded) on employee
 * id, so that a privacy request from that address finds the employee: 0 or
 * -1. The address itself is kept nowhere but in the sealed archive; the
 * hash is keyed from the keyring, so the main database alone cannot
 * confirm an address.
 */
int employees_set_contact(struct db *db, const char *id, const char *email) WARN_UNUSED;

/* The employee (the latest hire) whose address is email: 0 with id, 1 when none, -1. */
int employees_find_contact(struct db *db, const char *email, char id[37]) WARN_UNUSED;

/*
 * Wrap up to batch hashes kept before migration 0076 (keyed by the main
 * database's secret alone) in the keyring's HMAC, in one transaction that
 * skips rows a request holds (recruitctl keys seal-existing): 0 or -1, with
 * how many in *wrapped.
 */
int employees_wrap_contacts_batch(struct db *db, int batch, long *wrapped) WARN_UNUSED;

/* One employee (new reference). */
int employees_find(struct db *db, const char *id, json_t **employee) WARN_UNUSED;

/*
 * An employee's archive as read, every byte where libpq put it (one copy
 * in memory): valid until release(owner), which the reader calls once,
 * whatever it does with them.
 */
struct employee_archive {
	const char *employee_number;
	const char *sha256; /* hex */
	const char *bytes;
	size_t len;
	void (*release)(void *owner);
	void *owner;
};

/*
 * Read employee id's archive, audited as employee.archive.read in the same
 * statement (every read, through any door): 0 with *out.
 */
int employees_archive_read(struct db *db, const char *id, const char *actor, const char *request_id,
                           struct employee_archive *out) WARN_UNUSED;

#endif
