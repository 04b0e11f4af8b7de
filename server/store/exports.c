/* exports: the packages of know_specific requests. See exports.h. */
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/exports.h"

static struct db_stmt create = DB_STMT(
    "INSERT INTO exports (request_id, applicant_id, token_sha256, token_expires_at, expires_at) "
    "VALUES ($1, $2, $3, now() + make_interval(hours => $4::int), "
    "  now() + make_interval(days => $5::int)) RETURNING id");

int
exports_create(struct db *db, const char *request_id, const char *applicant_id,
               const char *token_sha256, char id[37])
{
	char hours[8], days[8];
	PGresult *row;
	int rc;

	snprintf(hours, sizeof(hours), "%d", EXPORT_LINK_HOURS);
	snprintf(days, sizeof(days), "%d", EXPORT_KEEP_DAYS);
	const char *params[5] = {request_id, applicant_id, token_sha256, hours, days};
	if ((rc = db_row(db, &create, 5, params, &row)) != 0)
		return rc;
	snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	return 0;
}

static struct db_stmt chunk =
    DB_STMT("INSERT INTO export_chunks (export_id, seq, bytes) VALUES ($1, $2::int, $3::bytea)");

int
exports_chunk(struct db *db, const char *id, int seq, const void *data, size_t len)
{
	char s[16];
	PGresult *res;

	snprintf(s, sizeof(s), "%d", seq);
	const char *params[3] = {id, s, data};
	int lengths[3] = {0, 0, (int)len}, formats[3] = {0, 0, 1};
	if (!db_fits(db, len) ||
	    (res = db_run_binary(db, &chunk, 3, params, lengths, formats, 0)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static struct db_stmt seal =
    DB_STMT("UPDATE exports SET size = $2::bigint, sha256 = $3 WHERE id = $1");

int
exports_seal(struct db *db, const char *id, size_t size, const char *sha256)
{
	char s[24];

	snprintf(s, sizeof(s), "%zu", size);
	const char *params[3] = {id, s, sha256};
	return db_do(db, &seal, 3, params);
}

/* Who did something, as the person is told: themselves, the system, or staff (never a name). */
#define ACTOR_ROLE(col) "CASE WHEN " col " IN ('applicant', 'system') THEN " col " ELSE 'staff' END"

static struct db_stmt subject = DB_STMT(
    "SELECT json_build_object("
    "'applications', coalesce((SELECT json_agg(json_build_object('id', p.id, 'opening', "
    "  o.title, 'stage', p.stage, 'created_at', rfc3339(p.created_at), 'history', "
    "  coalesce((SELECT json_agg(json_build_object('from', h.from_stage, 'to', h.to_stage, "
    "    'at', rfc3339(h.at)) ORDER BY h.at) FROM application_history h "
    "    WHERE h.application_id = p.id), '[]'), "
    "  'evaluations', coalesce((SELECT json_agg(json_build_object('score', e.score, "
    "    'summary', e.summary, 'at', rfc3339(e.created_at)) ORDER BY e.created_at) "
    "    FROM evaluations e WHERE e.application_id = p.id), '[]')) ORDER BY p.created_at) "
    "  FROM applications p JOIN openings o ON o.id = p.opening_id WHERE p.applicant_id = $1), "
    "  '[]'), "
    "'documents', coalesce((SELECT json_agg(json_build_object('id', d.id, 'kind', d.kind, "
    "  'filename', d.filename, 'content_type', d.content_type, 'size', d.size, 'sha256', "
    "  d.sha256, 'created_at', rfc3339(d.created_at)) ORDER BY d.created_at, d.id) "
    "  FROM documents d WHERE d.applicant_id = $1), '[]'), "
    "'audit', coalesce((SELECT json_agg(json_build_object('at', rfc3339(a.at), 'action', "
    "  a.action, 'actor_role', " ACTOR_ROLE(
        "a.actor") ") ORDER BY a.at) "
                   "  FROM audit_log a WHERE a.applicant_id = $1), '[]'), "
                   "'privacy_requests', coalesce((SELECT json_agg(json_build_object('id', r.id, "
                   "'type', "
                   "  r.type, 'status', r.status, 'received_at', rfc3339(r.received_at), "
                   "'completed_at', "
                   "  rfc3339(r.completed_at), 'outcome', r.outcome) ORDER BY r.received_at) "
                   "  FROM privacy_requests r WHERE r.applicant_id = $1), '[]'))::text");

json_t *
exports_subject_data(struct db *db, const char *applicant_id)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &subject, 1, params);
	json_t *out;

	if (res == NULL)
		return NULL;
	out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return out;
}

static struct db_stmt documents = DB_STMT(
    "SELECT id, filename, size FROM documents WHERE applicant_id = $1 ORDER BY created_at, id");

PGresult *
exports_documents(struct db *db, const char *applicant_id)
{
	const char *params[1] = {applicant_id};
	return db_run(db, &documents, 1, params);
}

static struct db_stmt document_bytes = DB_STMT("SELECT content FROM documents WHERE id = $1");

PGresult *
exports_document_bytes(struct db *db, const char *document_id)
{
	const char *params[1] = {document_id};
	return db_run_binary(db, &document_bytes, 1, params, NULL, NULL, 1);
}

#define PACKAGE_BYTES                                                                              \
	"(SELECT string_agg(c.bytes, ''::bytea ORDER BY c.seq) FROM export_chunks c "              \
	"WHERE c.export_id = x.id)"

static struct db_stmt download_link =
    DB_STMT("WITH x AS (UPDATE exports SET downloads = downloads + 1 WHERE token_sha256 = $1 "
            "    AND token_expires_at > now() AND expires_at > now() AND downloads < $3::int "
            "    AND sha256 IS NOT NULL RETURNING id, applicant_id, sha256), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT 'applicant', 'export.download', applicant_id, 'export:' || id, $2 FROM x) "
            "SELECT x.sha256, " PACKAGE_BYTES " FROM x");

int
exports_download_link(struct db *db, const char *token_sha256, const char *request_id,
                      PGresult **res)
{
	char max[8];

	snprintf(max, sizeof(max), "%d", EXPORT_LINK_DOWNLOADS);
	const char *params[3] = {token_sha256, request_id, max};
	if ((*res = db_run_binary(db, &download_link, 3, params, NULL, NULL, 1)) == NULL)
		return -1;
	return PQntuples(*res) == 1 ? 0 : 1;
}

static struct db_stmt download_own = DB_STMT(
    "WITH x AS (SELECT id, applicant_id, sha256 FROM exports WHERE id = $1 AND applicant_id = $2 "
    "    AND expires_at > now() AND sha256 IS NOT NULL), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'export.download', applicant_id, 'export:' || id, $3 FROM x) "
    "SELECT x.sha256, " PACKAGE_BYTES " FROM x");

int
exports_download_own(struct db *db, const char *id, const char *applicant_id,
                     const char *request_id, PGresult **res)
{
	const char *params[3] = {id, applicant_id, request_id};
	if ((*res = db_run_binary(db, &download_own, 3, params, NULL, NULL, 1)) == NULL)
		return -1;
	return PQntuples(*res) == 1 ? 0 : 1;
}

static struct db_stmt sweep = DB_STMT(
    "WITH x AS (DELETE FROM exports WHERE expires_at <= now() AND NOT $1::boolean RETURNING 1) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM exports WHERE expires_at <= now()) "
    "  ELSE (SELECT count(*) FROM x) END");

int
exports_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	return db_count(db, &sweep, 1, params, n);
}
