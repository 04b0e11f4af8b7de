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

struct db_stmt funnel_all = DB_STMT(FUNNEL(""));
struct db_stmt funnel_of = DB_STMT(FUNNEL("WHERE opening_id = $1::uuid"));
