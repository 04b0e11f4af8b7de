/*
 * employees: the hire transaction's rows and the employee archive. See
 * employees.h. Every statement here is the store's own; the transaction
 * around a hire is the flow's (flows/hiring.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/xalloc.h"
#include "documents_rows.h"
#include "domain/transfer.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/employees.h"
#include "store/vault.h"

/*
 * Locks in one order everywhere: the applicant, then their applications (an
 * erasure deletes the applicant's row and then, by cascade, the
 * applications; a hire that took them the other way round could deadlock
 * with it).
 */
static struct db_stmt lock_applicant_of =
    DB_STMT("SELECT a.id FROM applicants a JOIN applications p ON p.applicant_id = a.id "
            "WHERE p.id = $1 FOR UPDATE OF a");

static struct db_stmt lock_offer =
    DB_STMT("SELECT p.stage, p.applicant_id, rfc3339(now()), extract(epoch FROM now())::bigint, "
            "coalesce(o.country, ''), coalesce(o.region, '') "
            "FROM applications p JOIN openings o ON o.id = p.opening_id WHERE p.id = $1 "
            "FOR UPDATE OF p");

static struct db_stmt hired_before = DB_STMT("SELECT id FROM employees WHERE application_id = $1");

static struct db_stmt number_taken = DB_STMT("SELECT 1 FROM employees WHERE employee_number = $1");

/* This application to hired, the applicant's other open ones to withdrawn. */
static struct db_stmt close_applications = DB_STMT(
    "WITH p AS (UPDATE applications a SET "
    "    stage = CASE WHEN a.id = $1 THEN 'hired' ELSE 'withdrawn' END, "
    "    closed_at = now(), updated_at = now(), version = a.version + 1 "
    "  FROM applications old WHERE old.id = a.id AND a.applicant_id = $2 "
    "    AND (a.id = $1 OR a.stage NOT IN ('hired', 'rejected', 'withdrawn')) "
    "  RETURNING a.id, a.track, a.opening_id, a.stage, old.stage AS was, a.applicant_id), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor, reason) "
    "  SELECT id, was, stage, $3, 'hired' FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) SELECT track, opening_id, stage "
    "FROM p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'application.transition', applicant_id, 'application:' || id || ':' || was || "
    "'>' || stage, $4 FROM p) "
    "SELECT count(*) FROM p");

/* The employee record, once its archive's chunks are written; erasure.c then removes the
 * recruitment record. */
static struct db_stmt insert_employee =
    DB_STMT("INSERT INTO employees (id, employee_number, applicant_id, application_id, start_date, "
            "hired_at, archive, archive_size, archive_sha256) "
            "VALUES ($1, $2, $3, $4, $5::date, now(), NULL, $6::bigint, $7)");

/* One chunk of an archive as it is built (binary). */
static struct db_stmt insert_chunk = DB_STMT("INSERT INTO employee_archive_chunks (employee_id, "
                                             "seq, bytes) VALUES ($1, $2::int, $3::bytea)");

static struct db_stmt get_employee =
    DB_STMT("SELECT json_build_object('id', id, 'employee_number', employee_number, "
            "'applicant_id', applicant_id, "
            "'application_id', application_id, 'start_date', start_date::text, 'hired_at', "
            "rfc3339(hired_at), "
            "'archive', json_build_object('format', 'tar.gz', 'size', archive_size, 'sha256', "
            "archive_sha256))::text "
            "FROM employees WHERE id = $1");

/* The archive's bytes: in the row (archives before migration 0008), else its chunks in order. */
#define ARCHIVE_BYTES                                                                              \
	"coalesce(archive, (SELECT string_agg(c.bytes, ''::bytea ORDER BY c.seq) "                 \
	"FROM employee_archive_chunks c WHERE c.employee_id = employees.id))"

/* Binary results: the number and hash as bare text, the archive as its bytes. */
static struct db_stmt read_archive =
    DB_STMT("WITH e AS (SELECT id, applicant_id, employee_number, archive_sha256, " ARCHIVE_BYTES
            " AS archive FROM employees WHERE id = $1), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'employee.archive.read', applicant_id, 'employee:' || id, $3 FROM e) "
            "SELECT employee_number, archive_sha256, archive FROM e");

int
employees_lock_offer(struct db *db, const char *application_id, struct hire_lock *out)
{
	const char *params[1] = {application_id};
	PGresult *row;
	int rc;

	if (db_do(db, &lock_applicant_of, 1, params) != 0 ||
	    (rc = db_row(db, &lock_offer, 1, params, &row)) < 0)
		return -1;
	if (rc > 0)
		return 1;
	snprintf(out->stage, sizeof(out->stage), "%s", PQgetvalue(row, 0, 0));
	snprintf(out->applicant_id, sizeof(out->applicant_id), "%s", PQgetvalue(row, 0, 1));
	snprintf(out->hired_at, sizeof(out->hired_at), "%s", PQgetvalue(row, 0, 2));
	out->mtime = atoll(PQgetvalue(row, 0, 3));
	snprintf(out->country, sizeof(out->country), "%s", PQgetvalue(row, 0, 4));
	snprintf(out->region, sizeof(out->region), "%s", PQgetvalue(row, 0, 5));
	PQclear(row);
	return 0;
}

int
employees_hired_as(struct db *db, const char *application_id, char employee_id[37])
{
	const char *params[1] = {application_id};
	PGresult *row;
	int rc = db_row(db, &hired_before, 1, params, &row);

	if (rc == 0) {
		snprintf(employee_id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	return rc;
}

int
employees_number_taken(struct db *db, const char *employee_number, bool *taken)
{
	const char *params[1] = {employee_number};
	PGresult *row;
	int rc = db_row(db, &number_taken, 1, params, &row);

	PQclear(row);
	*taken = rc == 0;
	return rc < 0 ? -1 : 0;
}

int
employees_close_applications(struct db *db, const char *application_id, const char *applicant_id,
                             const char *actor, const char *request_id)
{
	const char *params[4] = {application_id, applicant_id, actor, request_id};

	return db_do(db, &close_applications, 4, params);
}

void
employees_docs_fini(struct employee_docs *docs)
{
	for (size_t i = 0; i < docs->n; i++) {
		free(docs->ids[i]);
		free(docs->names[i]);
		free(docs->shas[i]);
	}
	free(docs->ids);
	free(docs->names);
	free(docs->shas);
	free(docs->meta);
	memset(docs, 0, sizeof(*docs));
}

int
employees_docs(struct db *db, const char *applicant_id, struct employee_docs *out)
{
	/* rows (id, filename, size, sha256), oldest first */
	PGresult *res = documents_manifest(db, applicant_id);

	memset(out, 0, sizeof(*out));
	if (res == NULL)
		return -1;
	size_t n = (size_t)PQntuples(res);
	out->ids = xcalloc(n + 1, sizeof(*out->ids));
	out->names = xcalloc(n + 1, sizeof(*out->names));
	out->shas = xcalloc(n + 1, sizeof(*out->shas));
	out->meta = xcalloc(n + 1, sizeof(*out->meta));
	for (out->n = 0; out->n < n; out->n++) {
		int i = (int)out->n;
		out->ids[i] = xstrdup(PQgetvalue(res, i, 0));
		if ((out->names[i] = documents_row_name(res, i, 4)) == NULL) {
			out->n++; /* its id is allocated */
			PQclear(res);
			employees_docs_fini(out);
			db_mark_unavailable(db);
			return -1;
		}
		out->shas[i] = xstrdup(PQgetvalue(res, i, 3));
		out->meta[i] = (struct transfer_doc_meta){
		    out->names[i], (size_t)strtoull(PQgetvalue(res, i, 2), NULL, 10), out->shas[i]};
	}
	PQclear(res);
	return 0;
}

int
employees_archive_chunk(struct db *db, const char *employee_id, int seq, const unsigned char *bytes,
                        size_t len)
{
	char n[16];

	if (!db_fits(db, len))
		return -1;
	snprintf(n, sizeof(n), "%d", seq);
	const char *params[3] = {employee_id, n, (const char *)bytes};
	int lengths[3] = {0, 0, (int)len}, formats[3] = {0, 0, 1};
	PGresult *res = db_run_binary(db, &insert_chunk, 3, params, lengths, formats, 0);

	PQclear(res);
	return res ? 0 : -1;
}

int
employees_insert(struct db *db, const struct employee_row *e)
{
	char size[24];

	snprintf(size, sizeof(size), "%zu", e->archive_size);
	const char *params[7] = {
	    e->id, e->employee_number, e->applicant_id, e->application_id, e->start_date,
	    size,  e->archive_sha256};
	return db_do(db, &insert_employee, 7, params);
}

/*
 * A hired person's folded address is found by an HMAC under the keyring's
 * suppression key (never in this database) of the SHA-256 over the
 * 'employee-contact' secret and the address, which PostgreSQL makes ($1 the
 * folded address): the secret alone, in a dump, confirms nothing. Rows of
 * before migration 0076 keep that SHA-256 in contact_key until
 * employees_wrap_contacts_batch wraps it.
 */
static struct db_stmt contact_inner =
    DB_STMT("SELECT encode(sha256(s.secret || convert_to($1, 'UTF8')), 'hex') "
            "FROM server_secrets s WHERE s.name = 'employee-contact'");

static struct db_stmt set_contact =
    DB_STMT("UPDATE employees SET contact_hmac = $1, contact_key = NULL WHERE id = $2");

static struct db_stmt find_contact =
    DB_STMT("SELECT id FROM employees WHERE contact_hmac = $1 OR contact_key = $2 "
            "ORDER BY hired_at DESC LIMIT 1");

/* The HMAC of an inner hash (64 hex digits) into out. */
static void
contact_wrap(const char *inner, char out[65])
{
	char *msg = xasprintf("employee-contact\n%s", inner);

	vault_suppression_hash(msg, out);
	free(msg);
}

/* Both hashes of email's folded address: 0, 1 when there is no secret (no hire ever), -1. */
static int
contact_hashes(struct db *db, const char *email, char inner[65], char wrapped[65])
{
	char *folded = fold_email(email);
	const char *params[1] = {folded};
	PGresult *row;
	int rc = db_row(db, &contact_inner, 1, params, &row);

	explicit_bzero(folded, strlen(folded));
	free(folded);
	if (rc != 0)
		return rc;
	snprintf(inner, 65, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	contact_wrap(inner, wrapped);
	return 0;
}

int
employees_set_contact(struct db *db, const char *id, const char *email)
{
	char inner[65], wrapped[65];
	int rc = contact_hashes(db, email, inner, wrapped);

	if (rc == 0) {
		const char *params[2] = {wrapped, id};
		rc = db_do(db, &set_contact, 2, params);
	}
	return rc < 0 ? -1 : 0; /* no secret: nothing to keep, as before migration 0042 */
}

int
employees_find_contact(struct db *db, const char *email, char id[37])
{
	char inner[65], wrapped[65];
	int rc = contact_hashes(db, email, inner, wrapped);

	if (rc == 0) {
		const char *params[2] = {wrapped, inner};
		PGresult *row;
		if ((rc = db_row(db, &find_contact, 2, params, &row)) == 0) {
			snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
			PQclear(row);
		}
	}
	return rc;
}

static struct db_stmt unwrapped_contacts =
    DB_STMT("SELECT id, contact_key FROM employees WHERE contact_key IS NOT NULL "
            "LIMIT $1::int FOR UPDATE SKIP LOCKED");

/* The hash of unwrapped_contacts' row i wrapped in the keyring's HMAC (db_row_fn). */
static int
wrap_contact_row(struct db *db, const PGresult *res, int i, void *arg)
{
	char hmac[65];

	(void)arg;
	contact_wrap(PQgetvalue(res, i, 1), hmac);
	const char *p2[2] = {hmac, PQgetvalue(res, i, 0)};
	return db_do(db, &set_contact, 2, p2);
}

int
employees_wrap_contacts_batch(struct db *db, int batch, long *wrapped)
{
	return db_batch(db, &unwrapped_contacts, batch, 0, wrap_contact_row, NULL, wrapped);
}

int
employees_find(struct db *db, const char *id, json_t **employee)
{
	const char *params[1] = {id};

	return db_json(db, &get_employee, 1, params, employee, NULL);
}

static void
release_result(void *res)
{
	PQclear(res);
}

int
employees_archive_read(struct db *db, const char *id, const char *actor, const char *request_id,
                       struct employee_archive *out)
{
	const char *params[3] = {id, actor, request_id};
	PGresult *res = db_run_binary(db, &read_archive, 3, params, NULL, NULL, 1);

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	*out = (struct employee_archive){.employee_number = PQgetvalue(res, 0, 0),
	                                 .sha256 = PQgetvalue(res, 0, 1),
	                                 .bytes = PQgetvalue(res, 0, 2),
	                                 .len = (size_t)PQgetlength(res, 0, 2),
	                                 .release = release_result,
	                                 .owner = res};
	return 0;
}
