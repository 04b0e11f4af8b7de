/* pending: submissions waiting for their confirmation code. See pending.h. */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/pending.h"

static struct db_stmt insert_pending = DB_STMT(
    "INSERT INTO pending_submissions (code_sha256, full_name, email, phone, opening_id, "
    "  marketing_opt_in, sharing_opt_out, privacy_notice_version, filename, content_type, size, "
    "  sha256, content, expires_at) "
    "SELECT $1, $2, $3, $4, o.id, $5::boolean, $6::boolean, $7, $8, $9, $10::bigint, $11, "
    "  $12::bytea, now() + make_interval(hours => $13::int) "
    "FROM openings o WHERE o.id = $14::uuid AND o.status = 'open' RETURNING id");

int
pending_insert(struct db *db, const struct pending_new *p)
{
	char size[24], hours[8];
	PGresult *res;
	int rc;

	snprintf(size, sizeof(size), "%zu", p->len);
	snprintf(hours, sizeof(hours), "%d", PENDING_HOURS);
	const char *params[14] = {p->code_sha256,
	                          p->full_name,
	                          p->email,
	                          p->phone,
	                          p->marketing_opt_in ? "true" : "false",
	                          p->sharing_opt_out ? "true" : "false",
	                          p->notice_version,
	                          p->filename,
	                          p->content_type,
	                          size,
	                          p->sha256,
	                          (const char *)p->data,
	                          hours,
	                          p->opening_id};
	int lengths[14] = {[11] = (int)p->len}, formats[14] = {[11] = 1};
	if (!db_fits(db, p->len) ||
	    (res = db_run_binary(db, &insert_pending, 14, params, lengths, formats, 0)) == NULL)
		return -1;
	rc = PQntuples(res) == 1 ? 0 : 1;
	PQclear(res);
	return rc;
}

static struct db_stmt take_pending =
    DB_STMT("SELECT id FROM pending_submissions WHERE code_sha256 = $1 AND expires_at > now() "
            "FOR UPDATE");

int
pending_take(struct db *db, const char *code_sha256, char id[37])
{
	const char *params[1] = {code_sha256};
	PGresult *row;
	int rc = db_row(db, &take_pending, 1, params, &row);

	if (rc == 0) {
		snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	return rc;
}

/* The applicant's application to the submission's opening, if any, and whether that is open. */
static struct db_stmt pending_state =
    DB_STMT("SELECT (SELECT p.id FROM applications p WHERE p.applicant_id = $2 "
            "    AND p.opening_id = s.opening_id), o.status = 'open' "
            "FROM pending_submissions s JOIN openings o ON o.id = s.opening_id WHERE s.id = $1");

static struct db_stmt attach = DB_STMT(
    "WITH s AS (DELETE FROM pending_submissions WHERE id = $1 RETURNING *), "
    "p AS (INSERT INTO applications (applicant_id, opening_id, stage) "
    "  SELECT $2::uuid, opening_id, 'applied' FROM s RETURNING id, track, opening_id), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor) "
    "  SELECT id, NULL, 'applied', 'applicant' FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) "
    "  SELECT track, opening_id, 'applied' FROM p), "
    "d AS (INSERT INTO documents (applicant_id, kind, filename, content_type, size, sha256, "
    "    content) "
    "  SELECT $2::uuid, 'resume', filename, content_type, size, sha256, content FROM s "
    "  RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', v.action, $2::uuid, v.target, $3 FROM p, d, LATERAL (VALUES "
    "    ('application.create', 'application:' || p.id), "
    "    ('document.upload', 'document:' || d.id)) v(action, target)) "
    "SELECT p.id FROM p");

int
pending_attach(struct db *db, const char *pending_id, const char *applicant_id,
               const char *request_id, char application_id[37])
{
	const char *params[3] = {pending_id, applicant_id, request_id};
	PGresult *row;
	int rc;

	if ((rc = db_row(db, &pending_state, 2, params, &row)) != 0)
		return rc < 0 ? -1 : 1;
	if (!PQgetisnull(row, 0, 0)) {
		snprintf(application_id, 37, "%s", PQgetvalue(row, 0, 0));
		rc = 2;
	} else if (PQgetvalue(row, 0, 1)[0] != 't') {
		rc = 1;
	}
	PQclear(row);
	if (rc != 0)
		return rc;
	if ((rc = db_row(db, &attach, 3, params, &row)) != 0)
		return rc < 0 ? -1 : 1;
	snprintf(application_id, 37, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	return 0;
}

static struct db_stmt sweep = DB_STMT(
    "WITH s AS (DELETE FROM pending_submissions WHERE expires_at <= now() AND NOT $1::boolean "
    "  RETURNING 1) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM pending_submissions "
    "  WHERE expires_at <= now()) ELSE (SELECT count(*) FROM s) END");

int
pending_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	return db_count(db, &sweep, 1, params, n);
}
