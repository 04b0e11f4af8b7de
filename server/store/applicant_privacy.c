/*
 * applicant_privacy: what a privacy request changes of a record in place
 * (applicants.h): an erasure held back restricts it, an opt-out (or a
 * browser's Sec-GPC) records the person's choice. Each change writes its
 * audit entry in the same statement.
 */
#include <stdio.h>
#include <stdlib.h>

#include "applicant_rows.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/erasure.h"

static struct db_stmt restrict_record = DB_STMT(
    "WITH a AS (UPDATE applicants SET restricted_at = now(), restricted_until = $3::timestamptz, "
    "    restricted_request = $4::uuid, marketing_opt_in = false, "
    "    social_handles = NULL, social_sealed = NULL, version = version + 1, updated_at = now() "
    "  WHERE id = $1 RETURNING id), "
    "d AS (DELETE FROM documents WHERE applicant_id IN (SELECT id FROM a) AND kind <> 'resume' "
    "  RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.restrict', id, "
    "    'marketing_opt_in,social_handles,documents:' || (SELECT count(*) FROM d), $2 FROM a) "
    "SELECT (SELECT count(*) FROM d) FROM a");

int
applicants_restrict(struct db *db, const char *id, const char *request_id, const char *until,
                    const char *privacy_request, long *documents)
{
	const char *params[4] = {id, request_id, until, privacy_request};
	PGresult *row;
	int rc = db_row(db, &restrict_record, 4, params, &row);

	if (rc == 0) {
		*documents = strtol(PQgetvalue(row, 0, 0), NULL, 10);
		PQclear(row);
		/* what it dropped (social handles) dies with the record key it was sealed under */
		if ((rc = applicant_rows_rekey(db, id)) == 1)
			rc = 0; /* its key is gone already: nothing left to read */
		if (rc == 0)
			erasure_shred_after_commit(db);
	}
	return rc;
}

static struct db_stmt opt_out = DB_STMT(
    "WITH a AS (UPDATE applicants SET marketing_opt_in = false, sharing_opt_out = true, "
    "    version = version + 1, updated_at = now() "
    "  WHERE " BY_EMAIL(
        "$1",
        "$4") " RETURNING id), "
              "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
              "  SELECT $2, 'applicant.update', id, 'marketing_opt_in,sharing_opt_out', $3 FROM a) "
              "SELECT id FROM a");

int
applicants_opt_out(struct db *db, const char *email, const char *actor, const char *request_id,
                   char id[37])
{
	PGresult *row;
	char *h;
	int rc;

	if (applicant_rows_lookup(db, email, &h) != 0)
		return -1;
	const char *params[4] = {h, actor, request_id, email};
	if ((rc = db_row(db, &opt_out, 4, params, &row)) == 0) {
		snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	free(h);
	return rc;
}

static struct db_stmt share_opt_out = DB_STMT(
    "WITH a AS (UPDATE applicants SET sharing_opt_out = true, version = version + 1, "
    "    updated_at = now() "
    "  WHERE " BY_EMAIL(
        "$1", "$4") " AND NOT sharing_opt_out RETURNING id), "
                    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
                    "  SELECT $2, 'applicant.update', id, 'sharing_opt_out', $3 FROM a) "
                    "SELECT count(*) FROM a");

int
applicants_share_opt_out(struct db *db, const char *email, const char *actor,
                         const char *request_id)
{
	char *h;
	long n;
	int rc;

	if (applicant_rows_lookup(db, email, &h) != 0)
		return -1;
	const char *params[4] = {h, actor, request_id, email};
	rc = db_count(db, &share_opt_out, 4, params, &n);
	free(h);
	return rc;
}
