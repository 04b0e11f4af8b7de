/*
 * erasure: the only code that deletes an applicant. See erasure.h. Each
 * statement writes the tombstone, the audit entry and the deletion together,
 * so no record is ever gone without its trace, nor traced without being gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/erasure.h"

static struct db_stmt find_tombstone =
    DB_STMT("SELECT disposition, rfc3339(at), employee_id, run_id, rule FROM applicant_tombstones "
            "WHERE applicant_id = $1");

static struct db_stmt erase_one =
    DB_STMT("WITH d AS (DELETE FROM applicants WHERE id = $1 AND legal_hold_set_at IS NULL "
            "  AND ($2::int IS NULL OR version = $2::int) RETURNING id), "
            "t AS (INSERT INTO applicant_tombstones (applicant_id, disposition) SELECT id, "
            "'deleted' FROM d), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $3, 'applicant.delete', id, 'applicant', $4 FROM d) "
            "SELECT count(*) FROM d");

static struct db_stmt erase_batch =
    DB_STMT("WITH x AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS x(id, rule)), "
            "t AS (INSERT INTO applicant_tombstones (applicant_id, disposition, run_id, rule) "
            "  SELECT id, 'purged', $3::uuid, rule FROM x), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $4, 'applicant.purge', id, 'purge_run:' || $3, $5 FROM x), "
            "d AS (DELETE FROM applicants a USING x WHERE a.id = x.id RETURNING a.id) "
            "SELECT count(*) FROM d");

static struct db_stmt erase_transferred =
    DB_STMT("WITH t AS (INSERT INTO applicant_tombstones (applicant_id, disposition, employee_id) "
            "  VALUES ($1, 'transferred', $2)), "
            "d AS (DELETE FROM applicants WHERE id = $1 RETURNING id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  VALUES ($3, 'applicant.transfer', $1, 'employee:' || $2, $4)) "
            "SELECT count(*) FROM d");

static void
copy_col(char *dst, size_t len, const PGresult *res, int col)
{
	snprintf(dst, len, "%s", PQgetisnull(res, 0, col) ? "" : PQgetvalue(res, 0, col));
}

int
erasure_tombstone(struct db *db, const char *id, struct tombstone *t)
{
	const char *params[1] = {id};
	PGresult *res;
	int rc = db_row(db, &find_tombstone, 1, params, &res);

	if (rc == 0) {
		copy_col(t->disposition, sizeof(t->disposition), res, 0);
		copy_col(t->at, sizeof(t->at), res, 1);
		copy_col(t->employee_id, sizeof(t->employee_id), res, 2);
		copy_col(t->run_id, sizeof(t->run_id), res, 3);
		copy_col(t->rule, sizeof(t->rule), res, 4);
	}
	PQclear(res);
	return rc;
}

int
erasure_delete(struct db *db, const char *id, const char *version, const char *actor,
               const char *request_id, bool *erased)
{
	const char *params[4] = {id, version, actor, request_id};
	long n = 0;

	if (db_count(db, &erase_one, 4, params, &n) != 0)
		return -1;
	*erased = n == 1;
	return 0;
}

int
erasure_purge(struct db *db, const char *ids, const char *rules, const char *run_id,
              const char *actor, const char *request_id, long *purged)
{
	const char *params[5] = {ids, rules, run_id, actor, request_id};

	return db_count(db, &erase_batch, 5, params, purged);
}

int
erasure_transfer(struct db *db, const char *applicant_id, const char *employee_id,
                 const char *actor, const char *request_id)
{
	const char *params[4] = {applicant_id, employee_id, actor, request_id};
	long n = 0;

	return db_count(db, &erase_transferred, 4, params, &n);
}
