/* rule_sets: the one version of a set of rules. See rule_sets.h. */
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/rule_sets.h"

static struct db_stmt bump =
    DB_STMT("UPDATE rule_set_versions SET version = version + 1 "
            "WHERE name = $1 AND ($2::bigint IS NULL OR version = $2::bigint) RETURNING version");

static struct db_stmt current = DB_STMT("SELECT version FROM rule_set_versions WHERE name = $1");

/* The version in a one-row answer: 0, 1 when there is no row, -1 failure. */
static int
one_version(struct db *db, struct db_stmt *st, int n, const char *const *params, long *version)
{
	PGresult *res;
	int rc = db_row(db, st, n, params, &res);

	if (rc == 0)
		*version = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

int
rule_set_bump(struct db *db, const char *name, long expect, long *version)
{
	char v[24];

	snprintf(v, sizeof(v), "%ld", expect);
	const char *params[2] = {name, expect ? v : NULL};
	return one_version(db, &bump, 2, params, version);
}

int
rule_set_version(struct db *db, const char *name, long *version)
{
	const char *params[1] = {name};

	return one_version(db, &current, 1, params, version);
}
