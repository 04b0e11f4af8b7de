/*
 * funnel: the de-identified stage events the funnel is counted from. See
 * funnel.h.
 */
#include <stdio.h>
#include <stdlib.h>

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

static struct db_stmt funnel_all = DB_STMT(FUNNEL(""));
static struct db_stmt funnel_of = DB_STMT(FUNNEL("WHERE opening_id = $1::uuid"));

int
funnel_read(struct db *db, const char *opening_id, struct funnel_row *rows, size_t max, size_t *n)
{
	const char *params[1] = {opening_id};
	PGresult *res =
	    opening_id ? db_run(db, &funnel_of, 1, params) : db_run(db, &funnel_all, 0, NULL);

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
