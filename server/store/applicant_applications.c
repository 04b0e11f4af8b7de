/*
 * applicant_applications: an applicant's own view of their applications.
 * See applicant_applications.h. The JSON is PostgreSQL's own.
 */
#include <stdlib.h>

#include "store/applicant_applications.h"
#include "store/db.h"

static struct db_stmt own_applications = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object('id', p.id, 'opening_id', p.opening_id, "
    "  'opening_title', o.title, 'stage', p.stage) ORDER BY p.created_at, p.id), '[]')::text "
    "FROM applications p JOIN openings o ON o.id = p.opening_id WHERE p.applicant_id = $1");

int
applicant_applications_list(struct db *db, const char *applicant_id, json_t **items)
{
	const char *params[1] = {applicant_id};
	PGresult *res = db_run(db, &own_applications, 1, params);

	if (res == NULL)
		return -1;
	*items = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return *items != NULL ? 0 : -1;
}
