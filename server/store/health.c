/*
 * health: whether the database answers.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/health.h"
#include "store/db.h"

struct db_stmt health_ping = DB_STMT("SELECT 1");
