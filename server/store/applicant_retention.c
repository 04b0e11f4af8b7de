/*
 * applicant_retention: what the retention walk reads of applicants (the
 * purge, jobs/purge.c): the ids that may be due, and each one's retention
 * subject (when it was made, where it lives, its hold, its applications, its
 * restriction). No personal value is read here. See applicants.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "applicant_retention.h"
#include "core/xalloc.h"
#include "domain/retention.h"
#include "store/applicants.h"
#include "store/db.h"

#define SUBJECT_COLUMNS                                                                            \
	"a.id, extract(epoch FROM a.created_at), a.country, a.region, "                            \
	"a.legal_hold_set_at IS NOT NULL, " RETENTION_APPS_SQL ", a.restricted_at IS NOT NULL"

/*
 * The retention walk: a cursor over the ids of applicants that may be due,
 * in id order, made once with a hash anti-join (one pass over applicants
 * and applications) and kept past commits (WITH HOLD), then fetched a batch
 * at a time. An applicant with an open application is never due
 * (domain/retention.c), so they are left out here instead of each one's
 * applications being built and judged; walking the primary key and probing
 * each applicant's applications instead read a million rows at random, 22 s
 * of a purge at a million applicants; this takes about a second there
 * (make bench). A restricted record is judged whatever it holds.
 */
#define WALK_CURSOR "retention_walk"

int
applicants_walk_begin(struct db *db)
{
	if (db_exec(db, "CLOSE ALL") != 0 || db_begin(db) != 0)
		return -1;
	/* a UNION: with an OR, the anti-join became a probe per applicant again */
	if (db_exec(db,
	            "DECLARE " WALK_CURSOR " NO SCROLL CURSOR WITH HOLD FOR "
	            "SELECT a.id FROM applicants a WHERE NOT EXISTS (SELECT 1 FROM applications p "
	            "WHERE p.applicant_id = a.id AND p.stage NOT IN ('rejected', 'withdrawn', "
	            "'hired')) UNION SELECT id FROM applicants WHERE restricted_at IS NOT NULL "
	            "ORDER BY 1") != 0 ||
	    db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

PGresult *
applicants_walk_next(struct db *db, int limit)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM " WALK_CURSOR, limit);
	return db_query(db, sql);
}

void
applicants_walk_end(struct db *db)
{
	(void)!db_exec(db, "CLOSE ALL");
}

static struct db_stmt subjects_of = DB_STMT(
    "SELECT " SUBJECT_COLUMNS " FROM applicants a WHERE a.id = ANY ($1::uuid[]) ORDER BY a.id");

PGresult *
applicants_subjects(struct db *db, const char *ids)
{
	const char *params[1] = {ids};

	return db_run(db, &subjects_of, 1, params);
}

static struct db_stmt count_all = DB_STMT("SELECT count(*) FROM applicants");

int
applicants_count(struct db *db, long *n)
{
	return db_count(db, &count_all, 0, NULL, n);
}

static struct db_stmt lock_batch = DB_STMT(
    "SELECT " SUBJECT_COLUMNS " FROM applicants a WHERE a.id = ANY ($1::uuid[]) ORDER BY a.id "
    "FOR UPDATE SKIP LOCKED");

PGresult *
applicants_lock_subjects(struct db *db, const char *ids)
{
	const char *params[1] = {ids};

	return db_run(db, &lock_batch, 1, params);
}

/* A record's retention inputs, read in the caller's transaction (the record locked by then). */
static struct db_stmt retention_of =
    DB_STMT("SELECT " RETENTION_APPS_SQL ", " RETENTION_POLICIES_SQL
            ", extract(epoch FROM now()), extract(epoch FROM a.created_at), "
            "a.legal_hold_set_at IS NOT NULL FROM applicants a WHERE a.id = $1");

int
applicants_retention_of(struct db *db, const char *id, struct applicant_retention *out)
{
	const char *params[1] = {id};
	PGresult *row;
	int rc = db_row(db, &retention_of, 1, params, &row);

	if (rc != 0)
		return rc;
	out->apps = xstrdup(PQgetvalue(row, 0, 0));
	out->policies = xstrdup(PQgetvalue(row, 0, 1));
	out->now = atof(PQgetvalue(row, 0, 2));
	out->created_at = atof(PQgetvalue(row, 0, 3));
	out->held = PQgetvalue(row, 0, 4)[0] == 't';
	PQclear(row);
	return 0;
}

void
applicants_retention_fini(struct applicant_retention *r)
{
	free(r->apps);
	free(r->policies);
	r->apps = r->policies = NULL;
}

static struct db_stmt holds =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('id', h.id, "
            "'set_at', rfc3339(h.legal_hold_set_at)) ORDER BY h.legal_hold_set_at, h.id), "
            "'[]')::text FROM (SELECT id, legal_hold_set_at FROM applicants "
            "WHERE legal_hold_set_at IS NOT NULL ORDER BY legal_hold_set_at, id LIMIT 200) h");

int
applicants_holds_list(struct db *db, json_t **out)
{
	int rc = db_json(db, &holds, 0, NULL, out, NULL);

	if (rc > 0)
		*out = json_array();
	return rc < 0 ? -1 : 0;
}
