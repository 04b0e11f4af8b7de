/* staff_sso: single sign-on states. See staff_sso.h. */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/staff_sso.h"

#define STR(x) #x
#define XSTR(x) STR(x)

static struct db_stmt derive =
    DB_STMT("SELECT encode(sha256(secret || convert_to('pkce|' || $1, 'UTF8')), 'hex'), "
            "encode(sha256(secret || convert_to('nonce|' || $1, 'UTF8')), 'hex') "
            "FROM server_secrets WHERE name = 'sso'");

static struct db_stmt begin =
    DB_STMT("INSERT INTO staff_sso_states (state_sha256, expires_at) "
            "VALUES ($1, now() + interval '" XSTR(STAFF_SSO_MINUTES) " minutes')");

static struct db_stmt use = DB_STMT("DELETE FROM staff_sso_states WHERE state_sha256 = $1 "
                                    "AND expires_at > now() RETURNING 1");

int
staff_sso_derive(struct db *db, const char *state, char verifier[65], char nonce[65])
{
	const char *v[1] = {state};
	PGresult *row;
	int rc = db_row(db, &derive, 1, v, &row);

	if (rc != 0)
		return rc;
	snprintf(verifier, 65, "%s", PQgetvalue(row, 0, 0));
	snprintf(nonce, 65, "%s", PQgetvalue(row, 0, 1));
	PQclear(row);
	return 0;
}

int
staff_sso_begin(struct db *db, const char *state_sha256)
{
	const char *v[1] = {state_sha256};

	return db_do(db, &begin, 1, v);
}

int
staff_sso_use(struct db *db, const char *state_sha256)
{
	const char *v[1] = {state_sha256};
	PGresult *row;
	int rc = db_row(db, &use, 1, v, &row);

	PQclear(row);
	return rc;
}
