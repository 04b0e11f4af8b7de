/*
 * employees: the hire transaction's rows (locks, closing the applications, the employee
 * record with its archive) and the employee archive.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/employees.h"
#include "store/db.h"
#include "store/evaluations.h"

/*
 * Locks in one order everywhere: the applicant, then their applications (an
 * erasure deletes the applicant's row and then, by cascade, the
 * applications; a hire that took them the other way round could deadlock
 * with it).
 */
struct db_stmt employees_lock_applicant_of =
    DB_STMT("SELECT a.id FROM applicants a JOIN applications p ON p.applicant_id = a.id "
            "WHERE p.id = $1 FOR UPDATE OF a");

struct db_stmt employees_lock_offer =
    DB_STMT("SELECT p.stage, p.applicant_id, rfc3339(now()), extract(epoch FROM now())::bigint "
            "FROM applications p WHERE p.id = $1 FOR UPDATE");

struct db_stmt employees_hired_before =
    DB_STMT("SELECT id FROM employees WHERE application_id = $1");

struct db_stmt employees_number_taken =
    DB_STMT("SELECT 1 FROM employees WHERE employee_number = $1");

/* This application to hired, the applicant's other open ones to withdrawn. */
struct db_stmt employees_close_applications = DB_STMT(
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

/* Every application with its opening, full history and evaluations (summaries sealed). */
static struct db_stmt applications_json = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object("
    "  'id', p.id, 'stage', p.stage, 'created_at', rfc3339(p.created_at), 'closed_at', "
    "rfc3339(p.closed_at), "
    "  'opening', json_build_object('id', o.id, 'title', o.title, 'department', o.department, "
    "    'country', o.country, 'region', o.region, 'location', o.location), "
    "  'history', (SELECT coalesce(json_agg(json_build_object('from', h.from_stage, 'to', "
    "h.to_stage, "
    "    'at', rfc3339(h.at), 'actor', h.actor, 'reason', h.reason) ORDER BY h.id), '[]') "
    "    FROM application_history h WHERE h.application_id = p.id), "
    "  'evaluations', (SELECT coalesce(json_agg(json_build_object('id', v.id, 'score', v.score, "
    "    'summary', v.summary, 'summary_sealed', v.summary_sealed::text, 'author', v.author, "
    "    'created_at', rfc3339(v.created_at)) ORDER BY "
    "v.created_at, v.id), '[]') "
    "    FROM evaluations v WHERE v.application_id = p.id)) ORDER BY p.created_at, p.id), "
    "'[]')::text "
    "FROM applications p JOIN openings o ON o.id = p.opening_id WHERE p.applicant_id = $1");

/* The employee record, once its archive's chunks are written; erasure.c then removes the
 * recruitment record. */
struct db_stmt employees_insert_employee =
    DB_STMT("INSERT INTO employees (id, employee_number, applicant_id, application_id, start_date, "
            "hired_at, archive, archive_size, archive_sha256) "
            "VALUES ($1, $2, $3, $4, $5::date, now(), NULL, $6::bigint, $7)");

/* One chunk of an archive as it is built (binary). */
struct db_stmt employees_insert_chunk = DB_STMT("INSERT INTO employee_archive_chunks (employee_id, "
                                                "seq, bytes) VALUES ($1, $2::int, $3::bytea)");

struct db_stmt employees_get_employee =
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
struct db_stmt employees_read_archive =
    DB_STMT("WITH e AS (SELECT id, applicant_id, employee_number, archive_sha256, " ARCHIVE_BYTES
            " AS archive FROM employees WHERE id = $1), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'employee.archive.read', applicant_id, 'employee:' || id, $3 FROM e) "
            "SELECT employee_number, archive_sha256, archive FROM e");

char *
employees_applications(struct db *db, const char *applicant_id)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &applications_json, 1, params);
	json_t *apps, *app;
	char *out = NULL;
	size_t i;
	int rc = 0;

	if (res == NULL)
		return NULL;
	apps = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	json_array_foreach(apps, i, app) if (rc == 0) rc =
	    evaluations_open(db, json_object_get(app, "evaluations"), applicant_id);
	if (apps != NULL && rc == 0)
		out = json_dumps(apps, JSON_COMPACT);
	json_decref(apps);
	return out;
}
