/* health: whether the database answers. See health.h. */
#include "store/health.h"
#include "store/db.h"

static struct db_stmt ping = DB_STMT("SELECT 1");

int
health_check(struct db *db)
{
	return db_do(db, &ping, 0, NULL);
}
