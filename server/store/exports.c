/*
 * exports: the packages of know_specific requests. See exports.h. Their
 * chunks are store/export_chunks.c's; a download opens the package's first
 * chunk before the download is counted or audited, so one that cannot open
 * it (the key database away) uses none of the link's three.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents_rows.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/evaluations.h"
#include "store/export_chunks.h"
#include "store/exports.h"
#include "store/vault.h"

/* A package has a key of its own: destroyed when it expires, or with its applicant. */
static struct db_stmt create = DB_STMT(
    "INSERT INTO exports (request_id, applicant_id, token_sha256, token_expires_at, expires_at, "
    "  key_id) "
    "VALUES ($1, $2, $3, now() + make_interval(hours => $4::int), "
    "  now() + make_interval(days => $5::int), $6::uuid) RETURNING id");

int
exports_create(struct db *db, const char *request_id, const char *applicant_id,
               const char *token_sha256, char id[37])
{
	char hours[8], days[8], kid[37];
	unsigned char key[SEAL_KEY_LEN];
	PGresult *row;
	int rc;

	if (vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	explicit_bzero(key, sizeof(key)); /* the chunks find it by the package's id */
	snprintf(hours, sizeof(hours), "%d", EXPORT_LINK_HOURS);
	snprintf(days, sizeof(days), "%d", EXPORT_KEEP_DAYS);
	const char *params[6] = {request_id, applicant_id, token_sha256, hours, days, kid};
	if ((rc = db_row(db, &create, 6, params, &row)) != 0) {
		if (vault_destroy((const char *const[]){kid}, 1) != 0)
			rc = -1; /* an unused key stays: it seals nothing */
		return rc;
	}
	snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
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

/* What else is about the person, beside their record (flows/record.c): who looked and changed
 * what, by role, and their privacy requests. */
static struct db_stmt subject = DB_STMT(
    "SELECT json_build_object("
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

static struct db_stmt documents = DB_STMT("SELECT d.id, d.size, " DOCUMENT_NAME(
    "d") " FROM documents d "
         "WHERE d.applicant_id = $1 ORDER BY d.created_at, d.id");

int
exports_documents(struct db *db, const char *applicant_id, json_t **docs)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &documents, 1, params);

	if (res == NULL)
		return -1;
	*docs = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		char *name = documents_row_name(res, i, 2);
		if (name == NULL) {
			json_decref(*docs);
			*docs = NULL;
			break;
		}
		json_array_append_new(
		    *docs, json_pack("{s:s, s:s, s:I}", "id", PQgetvalue(res, i, 0), "filename",
		                     name, "size", (json_int_t)atoll(PQgetvalue(res, i, 1))));
		free(name);
	}
	PQclear(res);
	return *docs ? 0 : -1;
}

static struct db_stmt find_link =
    DB_STMT("SELECT id, applicant_id, size, sha256 FROM exports WHERE token_sha256 = $1 "
            "  AND token_expires_at > now() AND expires_at > now() AND downloads < $2::int "
            "  AND sha256 IS NOT NULL");

static struct db_stmt find_own =
    DB_STMT("SELECT id, applicant_id, size, sha256 FROM exports WHERE id = $1 "
            "  AND applicant_id = $2 AND expires_at > now() AND sha256 IS NOT NULL");

/* One of the link's downloads used, if any is left: the package's id when it was. */
static struct db_stmt count_link =
    DB_STMT("WITH x AS (UPDATE exports SET downloads = downloads + 1 WHERE id = $1 "
            "    AND token_sha256 = $2 AND token_expires_at > now() AND expires_at > now() "
            "    AND downloads < $4::int RETURNING id, applicant_id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT 'applicant', 'export.download', applicant_id, 'export:' || id, $3 FROM x) "
            "SELECT count(*) FROM x");

static struct db_stmt audit_own =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "SELECT 'applicant', 'export.download', applicant_id, 'export:' || id, $2 "
            "FROM exports WHERE id = $1");

/* Open the package of row 0 (id, applicant_id, size, sha256) of res, res cleared: 0, 1 or -1. */
static int
open_found(struct db *db, struct pool *pool, unsigned wait_ms, PGresult *res,
           struct export_stream **out)
{
	int rc;

	if (PQntuples(res) != 1) {
		PQclear(res);
		return 1;
	}
	size_t size = (size_t)strtoull(PQgetvalue(res, 0, 2), NULL, 10);
	rc = exports_stream_open(db, pool, wait_ms, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
	                         size, PQgetvalue(res, 0, 3), out);
	PQclear(res);
	return rc;
}

int
exports_download_link(struct db *db, struct pool *pool, unsigned wait_ms, const char *token_sha256,
                      const char *request_id, struct export_stream **stream)
{
	char max[8];
	PGresult *res;
	long counted;
	int rc;

	snprintf(max, sizeof(max), "%d", EXPORT_LINK_DOWNLOADS);
	const char *find[2] = {token_sha256, max};
	if ((res = db_run(db, &find_link, 2, find)) == NULL)
		return -1;
	if ((rc = open_found(db, pool, wait_ms, res, stream)) != 0)
		return rc;
	/* the package opened: only now does the download count */
	const char *count[4] = {exports_stream_id(*stream), token_sha256, request_id, max};
	if ((rc = db_count(db, &count_link, 4, count, &counted)) == 0 && counted == 1)
		return 0;
	exports_stream_free(*stream);
	*stream = NULL;
	return rc != 0 ? -1 : 1; /* the last download went to someone else meanwhile */
}

int
exports_download_own(struct db *db, struct pool *pool, unsigned wait_ms, const char *id,
                     const char *applicant_id, const char *request_id,
                     struct export_stream **stream)
{
	const char *find[2] = {id, applicant_id};
	const char *audit[2] = {id, request_id};
	PGresult *res;
	int rc;

	if ((res = db_run(db, &find_own, 2, find)) == NULL)
		return -1;
	if ((rc = open_found(db, pool, wait_ms, res, stream)) != 0)
		return rc;
	if (db_do(db, &audit_own, 2, audit) == 0)
		return 0;
	exports_stream_free(*stream);
	*stream = NULL;
	return -1;
}

static struct db_stmt sweep = DB_STMT(
    "WITH x AS (DELETE FROM exports WHERE expires_at <= now() AND NOT $1::boolean RETURNING 1) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM exports WHERE expires_at <= now()) "
    "  ELSE (SELECT count(*) FROM x) END");

int
exports_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	int rc = db_count(db, &sweep, 1, params, n);

	if (rc == 0 && !dry && *n > 0)
		erasure_shred_after_commit(db); /* their keys (queued by the rows' trigger) */
	return rc;
}
