/*
 * applications: applications, their moves and their history. See
 * applications.h. Every statement that writes a stage also writes its
 * history entry, its de-identified stage event and its audit entry, in the
 * same statement, so none happens without the others. Reads of one
 * application leave out a restricted record unless the caller may see it
 * (the flow says so from the actor's role).
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/page.h"
#include "store/applications.h"
#include "store/db.h"
#include "store/evaluations.h"

#define APP_JSON                                                                                   \
	"json_build_object('id', p.id, 'applicant_id', p.applicant_id, 'opening_id', "             \
	"p.opening_id, "                                                                           \
	"'stage', p.stage, 'created_at', rfc3339(p.created_at), 'updated_at', "                    \
	"rfc3339(p.updated_at), "                                                                  \
	"'closed_at', rfc3339(p.closed_at), 'version', p.version)::text"

/* The application p's applicant, visible to the caller ($VISIBLE: whether restricted ones are). */
#define VISIBLE(n)                                                                                 \
	" AND EXISTS (SELECT 1 FROM applicants a WHERE a.id = p.applicant_id "                     \
	"AND (a.restricted_at IS NULL OR $" #n "::boolean)) "

static struct db_stmt insert_app = DB_STMT(
    "WITH x AS (SELECT a.id AS applicant_id, o.id AS opening_id FROM applicants a, openings o "
    "  WHERE a.id = $1 AND o.id = $2::uuid AND o.status = 'open'), "
    "p AS (INSERT INTO applications (applicant_id, opening_id, stage) "
    "  SELECT applicant_id, opening_id, 'applied' FROM x "
    "  ON CONFLICT (applicant_id, opening_id) DO NOTHING RETURNING *), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor) "
    "  SELECT id, NULL, 'applied', $3 FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) SELECT track, opening_id, 'applied' "
    "FROM p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'application.create', applicant_id, 'application:' || id, $4 FROM p) "
    "SELECT " APP_JSON " FROM p");

static struct db_stmt find_for =
    DB_STMT("SELECT id FROM applications WHERE applicant_id = $1 AND opening_id = $2::uuid");

static struct db_stmt get_app =
    DB_STMT("SELECT " APP_JSON " FROM applications p WHERE p.id = $1" VISIBLE(2));

/* Lists leave restricted records out for everyone, hr too (DESIGN: "left out of lists"). */
static struct db_stmt list_apps = DB_STMT(
    "SELECT " APP_JSON ", rfc3339(p.created_at), p.id FROM applications p "
    "WHERE (p.created_at, p.id) < ($1::timestamptz, $2::uuid) "
    "AND ($4::uuid IS NULL OR p.opening_id = $4::uuid) AND ($5::text IS NULL OR p.stage = $5) "
    "AND NOT EXISTS (SELECT 1 FROM applicants a WHERE a.id = p.applicant_id "
    "  AND a.restricted_at IS NOT NULL) "
    "ORDER BY p.created_at DESC, p.id DESC LIMIT $3::int");

/* An application's applicant not restricted (every list leaves restricted records out). */
#define LISTED                                                                                     \
	" AND NOT EXISTS (SELECT 1 FROM applicants a WHERE a.id = p.applicant_id "                 \
	"  AND a.restricted_at IS NOT NULL) "

/*
 * $1 the opening: how many of its applications are at each stage, {stage:
 * n}: the counts kept as applications are written (migration 0072), less
 * those of restricted records (few, found from their own index).
 */
static struct db_stmt stage_counts =
    DB_STMT("SELECT coalesce(json_object_agg(stage, n), '{}')::text FROM ("
            "  SELECT stage, sum(n) AS n FROM ("
            "    SELECT stage, n FROM application_counts WHERE opening_id = $1 "
            "    UNION ALL "
            "    SELECT p.stage, -1 FROM applicants a JOIN applications p ON p.applicant_id = a.id "
            "    WHERE a.restricted_at IS NOT NULL AND p.opening_id = $1) u "
            "  GROUP BY stage HAVING sum(n) > 0) x");

/*
 * Longest in their stage first (updated_at is when the stage was entered):
 * $1 the stage, $2 and $3 the keyset (updated_at, id) after which, $4 the
 * LIMIT, $5 the opening (longest_of only).
 */
#define LONGEST_TAIL                                                                               \
	" AND p.stage = $1 AND (p.updated_at, p.id) > ($2::timestamptz, $3::uuid)" LISTED          \
	"ORDER BY p.updated_at, p.id LIMIT $4::int"
static struct db_stmt longest_of = DB_STMT("SELECT " APP_JSON " FROM applications p "
                                           "WHERE p.opening_id = $5::uuid" LONGEST_TAIL);
static struct db_stmt longest_any =
    DB_STMT("SELECT " APP_JSON " FROM applications p WHERE true" LONGEST_TAIL);

static struct db_stmt lock_app =
    DB_STMT("SELECT p.stage, p.version, coalesce(o.country, ''), coalesce(o.region, ''), "
            "(SELECT a.sharing_opt_out FROM applicants a WHERE a.id = p.applicant_id) FROM "
            "applications p "
            "JOIN openings o ON o.id = p.opening_id "
            "WHERE p.id = $1 AND ($2::uuid IS NULL OR p.applicant_id = $2::uuid)" VISIBLE(
                3) "FOR UPDATE OF p");

static struct db_stmt write_move = DB_STMT(
    "WITH p AS (UPDATE applications SET stage = $2, updated_at = now(), version = version + 1, "
    "    closed_at = CASE WHEN $2 IN ('hired', 'rejected', 'withdrawn') THEN now() END "
    "  WHERE id = $1 RETURNING *), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor, "
    "    reason_sealed, key_id) SELECT id, $3, $2, $4, $5::bytea, $7::uuid FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) SELECT track, opening_id, $2 FROM "
    "p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $4, 'application.transition', applicant_id, 'application:' || id || ':' || $3 || '>' "
    "|| $2, $6 FROM p) "
    "SELECT " APP_JSON " FROM p");

static struct db_stmt audit_override =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "SELECT $2, 'application.sharing_override', applicant_id, 'application:' || id, $3 "
            "FROM applications WHERE id = $1");

/* A history entry: its reason sealed (reason_sealed, under key_id) or of before (reason). */
#define HISTORY_MEMBERS                                                                            \
	"'from', h.from_stage, 'to', h.to_stage, 'at', rfc3339(h.at), 'actor', h.actor, "          \
	"'reason', h.reason, 'reason_sealed', h.reason_sealed::text, 'key_id', h.key_id"

static struct db_stmt history_json =
    DB_STMT("SELECT json_agg(json_build_object(" HISTORY_MEMBERS ") ORDER BY h.id)::text, "
            "p.applicant_id FROM applications p LEFT JOIN application_history h "
            "ON h.application_id = p.id WHERE p.id = $1" VISIBLE(2) "GROUP BY p.id");

int
applications_insert(struct db *db, const char *applicant_id, const char *opening_id,
                    const char *actor, const char *request_id, json_t **app)
{
	const char *params[4] = {applicant_id, opening_id, actor, request_id};

	return db_json(db, &insert_app, 4, params, app, NULL);
}

int
applications_existing(struct db *db, const char *applicant_id, const char *opening_id, char id[37])
{
	const char *params[2] = {applicant_id, opening_id};
	PGresult *row;
	int rc = db_row(db, &find_for, 2, params, &row);

	if (rc == 0) {
		snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	return rc;
}

int
applications_find(struct db *db, const char *id, bool sees_restricted, json_t **app)
{
	const char *params[2] = {id, sees_restricted ? "true" : "false"};

	return db_json(db, &get_app, 2, params, app, NULL);
}

int
applications_page(struct db *db, const char *opening_id, const char *stage,
                  const struct page_want *want, struct page_of *out)
{
	char limit[16];

	snprintf(limit, sizeof(limit), "%d", want->limit + 1);
	const char *params[5] = {want->k1, want->k2, limit, opening_id, stage};
	PGresult *res = db_run(db, &list_apps, 5, params);

	if (res == NULL)
		return -1;
	db_page(res, want->limit, 0, 1, 2, out);
	PQclear(res);
	return 0;
}

int
applications_stage_counts(struct db *db, const char *opening_id, json_t **counts)
{
	return db_json(db, &stage_counts, 1, (const char *[]){opening_id}, counts, NULL) == 0 ? 0
	                                                                                      : -1;
}

int
applications_longest(struct db *db, const char *opening_id, const char *stage, const char *after_at,
                     const char *after_id, int limit, json_t **apps)
{
	char lim[16];

	snprintf(lim, sizeof(lim), "%d", limit);
	const char *params[5] = {stage, after_at ? after_at : "-infinity",
	                         after_id ? after_id : "00000000-0000-0000-0000-000000000000", lim,
	                         opening_id};
	PGresult *res =
	    db_run(db, opening_id ? &longest_of : &longest_any, opening_id ? 5 : 4, params);
	if (res == NULL)
		return -1;
	*apps = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(*apps, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return 0;
}

int
applications_lock(struct db *db, const char *id, const char *applicant_id, bool sees_restricted,
                  struct application_lock *out)
{
	const char *params[3] = {id, applicant_id, sees_restricted ? "true" : "false"};
	PGresult *row;
	int rc = db_row(db, &lock_app, 3, params, &row);

	if (rc != 0)
		return rc;
	snprintf(out->stage, sizeof(out->stage), "%s", PQgetvalue(row, 0, 0));
	out->version = atol(PQgetvalue(row, 0, 1));
	snprintf(out->country, sizeof(out->country), "%s", PQgetvalue(row, 0, 2));
	snprintf(out->region, sizeof(out->region), "%s", PQgetvalue(row, 0, 3));
	out->sharing_opt_out = PQgetvalue(row, 0, 4)[0] == 't';
	PQclear(row);
	return 0;
}

int
applications_write_move(struct db *db, const char *id, const char *from, const char *to,
                        const char *reason, const char *actor, const char *request_id, json_t **app)
{
	char key_id[37] = "", *sealed = NULL;

	/* the reason under the applicant's history key, which goes with them */
	if (reason != NULL && evaluations_seal_reason(db, id, reason, key_id, &sealed) != 0)
		return -1;
	const char *params[7] = {id, to, from, actor, sealed, request_id, sealed ? key_id : NULL};
	int rc = db_json(db, &write_move, 7, params, app, NULL);

	free(sealed);
	return rc == 0 ? 0 : -1; /* the row is locked: it is there */
}

int
applications_audit_override(struct db *db, const char *id, const char *actor,
                            const char *request_id)
{
	const char *params[3] = {id, actor, request_id};

	return db_do(db, &audit_override, 3, params);
}

int
applications_find_history(struct db *db, const char *id, bool sees_restricted, json_t **history)
{
	const char *params[2] = {id, sees_restricted ? "true" : "false"};
	PGresult *row;
	int rc = db_row(db, &history_json, 2, params, &row);

	if (rc != 0)
		return rc;
	*history = json_loads(PQgetvalue(row, 0, 0), 0, NULL);
	rc = *history == NULL ? -1 : evaluations_open_reasons(db, *history, PQgetvalue(row, 0, 1));
	PQclear(row);
	if (rc != 0) {
		json_decref(*history);
		*history = NULL;
		return -1;
	}
	return 0;
}

#define APP_MEMBERS                                                                                \
	"'id', p.id, 'opening_id', p.opening_id, 'stage', p.stage, 'created_at', "                 \
	"rfc3339(p.created_at), 'closed_at', rfc3339(p.closed_at), 'opening', "                    \
	"json_build_object('id', o.id, 'title', o.title, 'department', o.department, 'country', "  \
	"o.country, 'region', o.region, 'location', o.location)"

static struct db_stmt of_applicant = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object(" APP_MEMBERS ") ORDER BY p.created_at, p.id), "
    "'[]')::text FROM applications p JOIN openings o ON o.id = p.opening_id "
    "WHERE p.applicant_id = $1");

static struct db_stmt of_applicant_full = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object(" APP_MEMBERS ", "
    "  'history', (SELECT coalesce(json_agg(json_build_object(" HISTORY_MEMBERS ") ORDER BY "
    "    h.id), '[]') FROM application_history h WHERE h.application_id = p.id), "
    "  'evaluations', (SELECT coalesce(json_agg(json_build_object('id', v.id, 'score', v.score, "
    "    'summary', v.summary, 'summary_sealed', v.summary_sealed::text, "
    "    'key_id', coalesce(v.key_id, p.applicant_id), 'author', v.author, "
    "    'created_at', rfc3339(v.created_at)) ORDER BY v.created_at, v.id), '[]') "
    "    FROM evaluations v WHERE v.application_id = p.id)) ORDER BY p.created_at, p.id), "
    "'[]')::text FROM applications p JOIN openings o ON o.id = p.opening_id "
    "WHERE p.applicant_id = $1");

int
applications_of(struct db *db, const char *applicant_id, bool full, json_t **apps)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, full ? &of_applicant_full : &of_applicant, 1, params);
	json_t *app;
	size_t i;
	int rc = 0;

	*apps = NULL;
	if (res == NULL)
		return -1;
	*apps = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (*apps == NULL)
		return -1;
	json_array_foreach(*apps, i, app) if (full && rc == 0)
	{
		rc = evaluations_open(db, json_object_get(app, "evaluations"), applicant_id);
		if (rc == 0)
			rc = evaluations_open_reasons(db, json_object_get(app, "history"),
			                              applicant_id);
	}
	if (rc != 0) {
		json_decref(*apps);
		*apps = NULL;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* stage reasons from before migration 0035 (recruitctl keys seal-existing) */

static struct db_stmt unsealed_reasons =
    DB_STMT("SELECT h.id, h.application_id, h.reason FROM application_history h "
            "JOIN applications p ON p.id = h.application_id JOIN applicants a ON a.id = "
            "p.applicant_id WHERE h.reason IS NOT NULL ORDER BY h.id LIMIT $1::int "
            "FOR UPDATE OF h SKIP LOCKED");
static struct db_stmt seal_reason =
    DB_STMT("UPDATE application_history SET reason_sealed = $2::bytea, key_id = $3::uuid, "
            "reason = NULL WHERE id = $1");

/* A stage reason of unsealed_reasons' row i sealed under its history key (db_row_fn). */
static int
seal_reason_row(struct db *db, const PGresult *res, int i, void *arg)
{
	char key_id[37], *s = NULL;
	int rc;

	(void)arg;
	if ((rc = evaluations_seal_reason(db, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), key_id,
	                                  &s)) == 0) {
		const char *p3[3] = {PQgetvalue(res, i, 0), s, key_id};
		rc = db_do(db, &seal_reason, 3, p3);
	}
	free(s);
	return rc;
}

int
applications_seal_reasons_batch(struct db *db, int batch, long *sealed)
{
	return db_batch(db, &unsealed_reasons, batch, 0, seal_reason_row, NULL, sealed);
}
