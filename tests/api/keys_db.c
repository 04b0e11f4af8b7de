/*
 * The key database as the API suites see it: whether it holds a key, and
 * taking it away and back (harness.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"

/* Whether the key database holds the key named id. */
bool
key_alive(const char *id)
{
	PGconn *keys = PQconnectdb(getenv("RECRUITD_KEYS_DATABASE_URL"));
	const char *p[1] = {id};
	assert_int_equal(PQstatus(keys), CONNECTION_OK);
	PGresult *k = PQexecParams(keys, "SELECT count(*) FROM data_keys WHERE id = $1", 1, NULL, p,
	                           NULL, NULL, 0);
	assert_int_equal(PQresultStatus(k), PGRES_TUPLES_OK);
	bool alive = strcmp(PQgetvalue(k, 0, 0), "1") == 0;
	PQclear(k);
	PQfinish(keys);
	return alive;
}

/* The key database's name, from RECRUITD_KEYS_DATABASE_URL. */
static char *
keys_db_name(void)
{
	const char *url = getenv("RECRUITD_KEYS_DATABASE_URL"), *d = strstr(url, "dbname=");
	assert_non_null(d);
	d += strlen("dbname=");
	return xasprintf("%.*s", (int)strcspn(d, " "), d);
}

/* Let the key database take connections, or refuse them and end those it has. */
void
keys_db_reachable(bool yes)
{
	char *name = keys_db_name();
	char *sql =
	    xasprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %s", name, yes ? "true" : "false");
	db_exec_sql(sql, NULL);
	free(sql);
	if (!yes)
		db_exec_sql(
		    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
		    name);
	free(name);
}
