/*
 * privacy_queue: HR's queue of privacy requests (open first, soonest due
 * first, a page at a time) and the year's figures. See privacy.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/page.h"
#include "store/db.h"
#include "store/privacy.h"

#include "privacy_sealed.h"

/* Whether a request has ended, as SQL: ended ones list after the open ones. */
#define ENDED "(r.status IN ('completed', 'denied'))"

/*
 * Open ones first, then the ended, each soonest due first: the keyset is
 * ("0 " or "1 " (ended) and the due date that counts, id), ascending, in
 * the order of the index privacy_requests_queue (migration 0075).
 */
static struct db_stmt page = DB_STMT_PLANNED_EACH_TIME(
    "SELECT " REQUEST_JSON "::text, CASE WHEN " ENDED " THEN '1 ' ELSE '0 ' END || "
    "rfc3339(coalesce(r.extended_due_at, r.due_at)), r.id "
    "FROM privacy_requests r "
    "WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.type = $2) "
    "AND ($3::boolean IS NULL OR (r.completed_at IS NULL AND now() > coalesce(r.extended_due_at, "
    "  r.due_at)) = $3::boolean) "
    "AND ($4::timestamptz IS NULL OR coalesce(r.extended_due_at, r.due_at) < $4::timestamptz) "
    "AND ($5::uuid IS NULL OR r.applicant_id = $5::uuid) "
    "AND ($6::text IS NULL OR (" ENDED ", coalesce(r.extended_due_at, r.due_at), r.id) > "
    "  (left($6, 1) = '1', substr($6, 3)::timestamptz, $7::uuid)) "
    "AND ($9::text IS NULL OR r.requester_key = $9::text) "
    "ORDER BY " ENDED ", coalesce(r.extended_due_at, r.due_at), r.id LIMIT $8::int");

int
privacy_page(struct db *db, const struct privacy_query *q, const struct page_want *want,
             struct page_of *out)
{
	char limit[16];
	PGresult *res;

	snprintf(limit, sizeof(limit), "%d", want->limit + 1);
	char requester[65];
	privacy_requester_key(q->requester, requester);
	const char *params[9] = {q->status,     q->type,         q->overdue,
	                         q->due_before, q->applicant_id, want->k1,
	                         want->k2,      limit,           requester[0] ? requester : NULL};
	if ((res = db_run(db, &page, 9, params)) == NULL)
		return -1;
	db_page(res, want->limit, 0, 1, 2, out);
	PQclear(res);
	size_t i;
	json_t *item;
	int rc = 0;
	json_array_foreach(out->items, i, item) if (rc == 0) rc = privacy_sealed_open(db, item);
	if (rc != 0)
		page_fini(out);
	return rc;
}

/* The year's requests as the CTE y the metrics read. */
#define METRICS_YEAR                                                                               \
	"WITH y AS (SELECT type, outcome, completed_at, extract(epoch FROM completed_at - "        \
	"received_at) / 86400 AS days FROM privacy_requests WHERE extract(year FROM received_at "  \
	"AT "                                                                                      \
	"TIME ZONE 'UTC') = $1::int) "

static struct db_stmt metrics_year = DB_STMT(
    METRICS_YEAR
    "SELECT coalesce(json_object_agg(t.type, json_build_object("
    "  'received', (SELECT count(*) FROM y WHERE y.type = t.type), "
    "  'fulfilled', (SELECT count(*) FROM y WHERE y.type = t.type AND y.outcome IN "
    "    ('fulfilled', 'partially_fulfilled')), "
    "  'denied', (SELECT count(*) FROM y WHERE y.type = t.type AND y.outcome = 'denied'), "
    "  'no_record', (SELECT count(*) FROM y WHERE y.type = t.type AND y.outcome = 'no_record'), "
    "  'open', (SELECT count(*) FROM y WHERE y.type = t.type AND y.completed_at IS NULL), "
    "  'median_days', (SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY "
    "y.days))::numeric, "
    "    1) FROM y WHERE y.type = t.type AND y.days IS NOT NULL), "
    "  'mean_days', (SELECT round(avg(y.days)::numeric, 1) FROM y WHERE y.type = t.type))), "
    "  '{}')::text "
    "FROM (SELECT unnest(ARRAY['know_categories', 'know_specific', 'delete', 'correct', "
    "  'opt_out']) AS type) t");

json_t *
privacy_metrics(struct db *db, int year)
{
	char y[8];
	PGresult *res;
	json_t *out;

	snprintf(y, sizeof(y), "%d", year);
	const char *params[1] = {y};
	if ((res = db_run(db, &metrics_year, 1, params)) == NULL)
		return NULL;
	out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return out;
}
