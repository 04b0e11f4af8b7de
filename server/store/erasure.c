/*
 * erasure: the only code that deletes an applicant. See erasure.h. Each
 * statement writes the tombstone, the audit entry and the deletion together,
 * so no record is ever gone without its trace, nor traced without being gone.
 * With them every key of the applicant is queued for destruction
 * (key_shreds: the database's triggers queue the key of every row that goes,
 * migration 0030, whichever path deletes it); once the transaction commits,
 * the keys go from the key database and the queue rows with them. A crash,
 * or a key database away, leaves the rows, and the next pass destroys the
 * keys (erasure_shred: after every commit that queued some, at start, and
 * every minute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/vault.h"

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

/* The tombstone and the audit entry only for a row deleted (none: nothing is written). */
static struct db_stmt erase_transferred =
    DB_STMT("WITH d AS (DELETE FROM applicants WHERE id = $1 RETURNING id), "
            "t AS (INSERT INTO applicant_tombstones (applicant_id, disposition, employee_id) "
            "  SELECT id, 'transferred', $2 FROM d), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $3, 'applicant.transfer', id, 'employee:' || $2, $4 FROM d) "
            "SELECT count(*) FROM d");

static struct db_stmt due_shreds =
    DB_STMT("SELECT key_id::text FROM key_shreds ORDER BY at LIMIT 1000");
static struct db_stmt done_shreds =
    DB_STMT("DELETE FROM key_shreds WHERE key_id = ANY ($1::uuid[])");

int
erasure_shred(struct db *db, long *destroyed)
{
	*destroyed = 0;
	for (;;) {
		PGresult *res = db_run(db, &due_shreds, 0, NULL);
		int n;
		if (res == NULL)
			return -1;
		if ((n = PQntuples(res)) == 0) {
			PQclear(res);
			return 0;
		}
		const char **ids = xcalloc((size_t)n, sizeof(*ids));
		struct buf arr;
		buf_init(&arr, (size_t)n * 40 + 3);
		int ok = buf_append(&arr, "{", 1) == 0;
		for (int i = 0; i < n; i++) {
			ids[i] = PQgetvalue(res, i, 0);
			ok = ok && buf_printf(&arr, "%s%s", i ? "," : "", ids[i]) == 0;
		}
		ok = ok && buf_append(&arr, "}", 1) == 0;
		int rc = ok && vault_destroy(ids, (size_t)n) == 0 ? 0 : -1;
		const char *params[1] = {arr.data};
		if (rc == 0)
			rc = db_do(db, &done_shreds, 1, params);
		buf_fini(&arr);
		free(ids);
		PQclear(res);
		if (rc != 0)
			return -1;
		*destroyed += n;
		if (n < 1000)
			return 0;
	}
}

/* After the rows' deletion commits: destroy the keys (a failure leaves them queued). */
static void
shred_now(struct db *db)
{
	long n;

	if (erasure_shred(db, &n) != 0)
		log_msg(LOG_WARN, "data key",
		        "a data key could not be destroyed yet; it stays queued in key_shreds");
}

static struct db_stmt queue_state =
    DB_STMT("SELECT count(*), coalesce(floor(extract(epoch FROM now() - min(at))), 0)::bigint "
            "FROM key_shreds");

int
erasure_queue(struct db *db, long *queued, long *oldest_s)
{
	PGresult *row;
	int rc = db_row(db, &queue_state, 0, NULL, &row);

	if (rc != 0)
		return -1;
	*queued = atol(PQgetvalue(row, 0, 0));
	*oldest_s = atol(PQgetvalue(row, 0, 1));
	PQclear(row);
	return 0;
}

void
erasure_shred_after_commit(struct db *db)
{
	db_after_commit(db, shred_now);
}

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
	if (*erased)
		db_after_commit(db, shred_now);
	return 0;
}

int
erasure_purge(struct db *db, const char *ids, const char *rules, const char *run_id,
              const char *actor, const char *request_id, long *purged)
{
	const char *params[5] = {ids, rules, run_id, actor, request_id};

	if (db_count(db, &erase_batch, 5, params, purged) != 0)
		return -1;
	db_after_commit(db, shred_now);
	return 0;
}

int
erasure_transfer(struct db *db, const char *applicant_id, const char *employee_id,
                 const char *actor, const char *request_id, bool *transferred)
{
	const char *params[4] = {applicant_id, employee_id, actor, request_id};
	long n = 0;

	if (db_count(db, &erase_transferred, 4, params, &n) != 0)
		return -1;
	*transferred = n == 1;
	if (*transferred)
		db_after_commit(db, shred_now);
	return 0;
}
