/*
 * funnel: the de-identified stage events the funnel is counted from. See
 * funnel.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "domain/funnel.h"

#include "store/db.h"
#include "store/funnel.h"

/*
 * Per stage: how many tracks reached it, how many left it, and the median
 * of the days from entering it to the track's next event (left_at, set
 * when that event is written: migration 0022). Of one opening, the events
 * are found through stage_events_opening_idx; one statement for both, with
 * "$1 IS NULL OR opening_id = $1", would be planned once, generically, as
 * a scan of every event.
 */
#define FUNNEL(where)                                                                              \
	"SELECT stage, count(DISTINCT track), count(left_at), "                                    \
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at) / "        \
	"86400.0) FILTER (WHERE left_at IS NOT NULL) "                                             \
	"FROM stage_events " where " GROUP BY stage"

static struct db_stmt funnel_of = DB_STMT(FUNNEL("WHERE opening_id = $1::uuid"));

/*
 * Of every opening: the counts kept as events are written (migration 0070),
 * a row per stage and shard, and the histogram of stays, a row per stage,
 * bucket and shard: some thousands of rows however many events there are.
 */
static struct db_stmt reached_all =
    DB_STMT("SELECT stage, sum(n) FROM funnel_reached GROUP BY stage");
static struct db_stmt stays_all = DB_STMT(
    "SELECT stage, bucket, sum(n) FROM funnel_stays GROUP BY stage, bucket ORDER BY stage, bucket");

/* The row of stage among rows[0..*n), added when there is none and room: NULL when full. */
static struct funnel_row *
row_of(struct funnel_row *rows, size_t max, size_t *n, const char *stage)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(rows[i].stage, stage) == 0)
			return &rows[i];
	if (*n == max)
		return NULL;
	struct funnel_row *row = &rows[(*n)++];
	memset(row, 0, sizeof(*row));
	snprintf(row->stage, sizeof(row->stage), "%s", stage);
	return row;
}

/* One stage's stays (rows i..j of res, its buckets in order) into its row: left and median. */
static void
stays_into(struct funnel_row *row, const PGresult *res, int i, int j)
{
	size_t n = (size_t)(j - i);
	struct funnel_bucket *b = xcalloc(n ? n : 1, sizeof(*b));

	for (int k = i; k < j; k++) {
		b[k - i].bucket = atoi(PQgetvalue(res, k, 1));
		b[k - i].n = atol(PQgetvalue(res, k, 2));
		row->left += b[k - i].n;
	}
	double median = funnel_histogram_median(b, n);
	row->has_median = median >= 0;
	row->median_days = row->has_median ? median / 86400.0 : 0;
	free(b);
}

/* The funnel of every opening from the kept counts: 0, or -1. */
static int
read_all(struct db *db, struct funnel_row *rows, size_t max, size_t *n)
{
	PGresult *reached = db_run(db, &reached_all, 0, NULL), *stays = NULL;

	if (reached == NULL || (stays = db_run(db, &stays_all, 0, NULL)) == NULL) {
		PQclear(reached);
		return -1;
	}
	*n = 0;
	for (int i = 0; i < PQntuples(reached); i++) {
		struct funnel_row *row = row_of(rows, max, n, PQgetvalue(reached, i, 0));
		if (row != NULL)
			row->reached = atol(PQgetvalue(reached, i, 1));
	}
	for (int i = 0, j; i < PQntuples(stays); i = j) {
		for (j = i; j < PQntuples(stays) &&
		            strcmp(PQgetvalue(stays, j, 0), PQgetvalue(stays, i, 0)) == 0;
		     j++)
			;
		struct funnel_row *row = row_of(rows, max, n, PQgetvalue(stays, i, 0));
		if (row != NULL)
			stays_into(row, stays, i, j);
	}
	PQclear(reached);
	PQclear(stays);
	return 0;
}

int
funnel_read(struct db *db, const char *opening_id, struct funnel_row *rows, size_t max, size_t *n)
{
	const char *params[1] = {opening_id};

	if (opening_id == NULL)
		return read_all(db, rows, max, n);
	PGresult *res = db_run(db, &funnel_of, 1, params);

	if (res == NULL)
		return -1;
	for (*n = 0; *n < max && (int)*n < PQntuples(res); (*n)++) {
		struct funnel_row *row = &rows[*n];
		int i = (int)*n;
		snprintf(row->stage, sizeof(row->stage), "%s", PQgetvalue(res, i, 0));
		row->reached = atol(PQgetvalue(res, i, 1));
		row->left = atol(PQgetvalue(res, i, 2));
		row->has_median = !PQgetisnull(res, i, 3);
		row->median_days = row->has_median ? atof(PQgetvalue(res, i, 3)) : 0;
	}
	PQclear(res);
	return 0;
}
