/*
 * exports: the packages of know_specific requests. See exports.h. Each
 * chunk of a package is sealed under the applicant's data key, bound to the
 * package and its place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/db.h"
#include "store/evaluations.h"
#include "store/exports.h"
#include "store/vault.h"

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

static struct db_stmt chunk = DB_STMT(
    "INSERT INTO export_chunks (export_id, seq, bytes, sealed) VALUES ($1, $2::int, $3::bytea, "
    "true)");

/* "export:ID#SEQ", what a chunk is bound to. */
static void
chunk_field(char *out, size_t cap, const char *id, const char *seq)
{
	snprintf(out, cap, "export:%s#%s", id, seq);
}

int
exports_chunk(struct db *db, const char *applicant_id, const char *id, int seq, const void *data,
              size_t len)
{
	unsigned char key[SEAL_KEY_LEN], *sealed;
	char s[16], field[80];
	size_t n;
	PGresult *res;

	snprintf(s, sizeof(s), "%d", seq);
	chunk_field(field, sizeof(field), id, s);
	if (vault_key(applicant_id, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	sealed = vault_seal(key, applicant_id, field, data, len, &n);
	explicit_bzero(key, sizeof(key));
	if (sealed == NULL)
		return -1;
	const char *params[3] = {id, s, (const char *)sealed};
	int lengths[3] = {0, 0, (int)n}, formats[3] = {0, 0, 1};
	res = db_fits(db, n) ? db_run_binary(db, &chunk, 3, params, lengths, formats, 0) : NULL;
	free(sealed);
	if (res == NULL)
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
    "    'summary', e.summary, 'summary_sealed', e.summary_sealed::text, "
    "    'at', rfc3339(e.created_at)) ORDER BY e.created_at) "
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
	json_t *app;
	size_t i;
	int rc = out ? 0 : -1;
	json_array_foreach(json_object_get(out, "applications"), i, app) if (rc == 0) rc =
	    evaluations_open(db, json_object_get(app, "evaluations"), applicant_id);
	if (rc != 0) {
		json_decref(out);
		out = NULL;
	}
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

/* In the order of seq the number: "ORDER BY seq" alone named the text column (10 before 2). */
static struct db_stmt chunks =
    DB_STMT("SELECT c.seq::text, c.sealed::text, c.bytes FROM export_chunks c "
            "WHERE c.export_id = $1 ORDER BY c.seq");

static struct db_stmt download_link =
    DB_STMT("WITH x AS (UPDATE exports SET downloads = downloads + 1 WHERE token_sha256 = $1 "
            "    AND token_expires_at > now() AND expires_at > now() AND downloads < $3::int "
            "    AND sha256 IS NOT NULL RETURNING id, applicant_id, sha256), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT 'applicant', 'export.download', applicant_id, 'export:' || id, $2 FROM x) "
            "SELECT x.sha256, x.id, x.applicant_id FROM x");

static struct db_stmt download_own = DB_STMT(
    "WITH x AS (SELECT id, applicant_id, sha256 FROM exports WHERE id = $1 AND applicant_id = $2 "
    "    AND expires_at > now() AND sha256 IS NOT NULL), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'export.download', applicant_id, 'export:' || id, $3 FROM x) "
    "SELECT x.sha256, x.id, x.applicant_id FROM x");

void
exports_package_free(void *package)
{
	struct export_package *p = package;

	if (p == NULL)
		return;
	if (p->data != NULL)
		explicit_bzero(p->data, p->len);
	free(p->data);
	free(p);
}

/* Open the package of row 0 (sha256, id, applicant_id) of res, res cleared: 0, 1, or -1. */
static int
open_package(struct db *db, PGresult *res, struct export_package **out)
{
	unsigned char key[SEAL_KEY_LEN];
	struct export_package *p;
	struct buf b;
	int rc;

	buf_init(&b, (size_t)1 << 31);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 1;
	}
	char id[37], applicant[37];
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 1));
	snprintf(applicant, sizeof(applicant), "%s", PQgetvalue(res, 0, 2));
	p = xcalloc(1, sizeof(*p));
	snprintf(p->sha256, sizeof(p->sha256), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if ((rc = vault_key(applicant, key)) != 0) {
		if (rc < 0)
			db_mark_unavailable(db);
		exports_package_free(p);
		return rc;
	}
	const char *params[1] = {id};
	if ((res = db_run_binary(db, &chunks, 1, params, NULL, NULL, 1)) == NULL) {
		explicit_bzero(key, sizeof(key));
		exports_package_free(p);
		return -1;
	}
	rc = 0;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		char field[80];
		size_t n;
		const char *bytes = PQgetvalue(res, i, 2);
		size_t len = (size_t)PQgetlength(res, i, 2);
		if (strcmp(PQgetvalue(res, i, 1), "true") != 0) { /* from before the keys */
			if (buf_append(&b, bytes, len) != 0)
				rc = -1;
			continue;
		}
		chunk_field(field, sizeof(field), id, PQgetvalue(res, i, 0));
		unsigned char *plain = vault_unseal(key, applicant, field, bytes, len, &n);
		if (plain == NULL) {
			rc = 1;
			break;
		}
		if (buf_append(&b, plain, n) != 0)
			rc = -1;
		explicit_bzero(plain, n);
		free(plain);
	}
	explicit_bzero(key, sizeof(key));
	PQclear(res);
	if (rc != 0) {
		buf_fini(&b);
		exports_package_free(p);
		return rc;
	}
	p->len = b.len;
	p->data = (unsigned char *)buf_steal(&b);
	*out = p;
	return 0;
}

int
exports_download_link(struct db *db, const char *token_sha256, const char *request_id,
                      struct export_package **package)
{
	char max[8];
	PGresult *res;

	snprintf(max, sizeof(max), "%d", EXPORT_LINK_DOWNLOADS);
	const char *params[3] = {token_sha256, request_id, max};
	if ((res = db_run(db, &download_link, 3, params)) == NULL)
		return -1;
	return open_package(db, res, package);
}

int
exports_download_own(struct db *db, const char *id, const char *applicant_id,
                     const char *request_id, struct export_package **package)
{
	const char *params[3] = {id, applicant_id, request_id};
	PGresult *res;

	if ((res = db_run(db, &download_own, 3, params)) == NULL)
		return -1;
	return open_package(db, res, package);
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
