/*
 * funnel: the de-identified stage events the funnel is counted from.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/funnel.h"
#include "store/db.h"

/*
 * Per stage: how many tracks reached it, how many left it, and the median
 * of the days from entering it to the next event of the same track. Of one
 * opening, the events are found through stage_events_opening_idx; a single
 * statement for both, with "$1 IS NULL OR opening_id = $1", is planned
 * once, generically, as a scan of every event (make bench: 40 ms a funnel
 * at 100,000 applications, growing with them).
 */
#define FUNNEL(where)                                                                              \
	"WITH ev AS (SELECT track, stage, at, lead(at) OVER (PARTITION BY track ORDER BY at, id) " \
	"AS left_at FROM stage_events " where ") "                                                 \
	"SELECT stage, count(DISTINCT track), count(left_at), "                                    \
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at) / "        \
	"86400.0) FILTER (WHERE left_at IS NOT NULL) "                                             \
	"FROM ev GROUP BY stage"

struct db_stmt funnel_all = DB_STMT(FUNNEL(""));
struct db_stmt funnel_of = DB_STMT(FUNNEL("WHERE opening_id = $1::uuid"));
