/*
 * harness_db: the suite's own connection to the main database (test_db,
 * db_value and the like), staff keys made in it, and the store as the
 * server uses it (the data keys opened from the suite's environment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "harness_parts.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/keys.h"
#include "store/vault.h"

static PGconn *pg;

void
harness_db_open(const char *url)
{
	pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "harness: cannot connect: %s", PQerrorMessage(pg));
		exit(1);
	}
}

void
harness_db_close(void)
{
	PQfinish(pg);
	pg = NULL;
}

void
await_lock_waits(int n)
{
	char want[16], *waiting = NULL;

	snprintf(want, sizeof(want), "%d", n);
	for (int i = 0; i < 200; i++) {
		free(waiting);
		waiting = db_value(
		    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
		    "AND backend_type = 'client backend' AND application_name = 'recruitd'",
		    NULL);
		if (strcmp(waiting, want) == 0)
			break;
		usleep(50000);
	}
	assert_string_equal(waiting, want);
	free(waiting);
}

char *
staff_token(const char *role, char *name_out)
{
	static int seq;
	char name[65], token[TOKEN_MAX_LEN];
	struct db *db = db_connect(getenv("RECRUITD_DATABASE_URL"));

	assert_non_null(db);
	snprintf(name, sizeof(name), "t%d-%d-%s-%ld", (int)getpid(), ++seq, role,
	         (long)time(NULL) % 100000);
	assert_int_equal(keys_create(db, role_parse(role), name, token), 0);
	db_close(db);
	if (name_out)
		strcpy(name_out, name);
	return xstrdup(token);
}

PGconn *
test_db(void)
{
	return pg;
}

static struct db *vault_db; /* a connection of the suite's own for store calls */
static bool vault_ready;

struct db *
harness_store(void)
{
	char err[256];

	if (!vault_ready) {
		if (vault_open(getenv("RECRUITD_KEYRING_FILE"), getenv("RECRUITD_MASTER_KEY_FILE"),
		               getenv("RECRUITD_KEYS_DATABASE_URL"), 1, 1024, err,
		               sizeof(err)) != 0)
			fail_msg("the key database: %s", err);
		vault_ready = true;
	}
	if (vault_db == NULL && (vault_db = db_connect(getenv("RECRUITD_DATABASE_URL"))) == NULL)
		fail_msg("cannot connect to the database");
	return vault_db;
}

void
harness_store_forget(void)
{
	if (vault_ready)
		vault_close();
	vault_ready = false;
}

const char *
email_hash_of(const char *email)
{
	static char ring[16][2 * 32 + 3];
	static unsigned next;
	char *h, set[17];

	if (applicants_email_hash(harness_store(), email, &h, set) != 0)
		fail_msg("the index key cannot be read");
	char *slot = ring[next++ % 16];
	snprintf(slot, sizeof(ring[0]), "%s", h);
	free(h);
	return slot;
}

char *
request_of_contact(const char *email)
{
	PGresult *res =
	    PQexec(pg, "SELECT c.request_id::text, c.sealed::text, r.key_id::text, "
	               "c.email FROM privacy_request_contacts c JOIN privacy_requests r "
	               "ON r.id = c.request_id");
	char *found = NULL;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("cannot read the contacts: %s", PQresultErrorMessage(res));
	(void)harness_store();
	for (int i = 0; found == NULL && i < PQntuples(res); i++) {
		const char *id = PQgetvalue(res, i, 0);
		if (PQgetisnull(res, i, 1)) { /* from before the keys */
			if (strcmp(PQgetvalue(res, i, 3), email) == 0)
				found = xstrdup(id);
			continue;
		}
		unsigned char key[SEAL_KEY_LEN];
		if (PQgetisnull(res, i, 2) || vault_key(PQgetvalue(res, i, 2), key) != 0)
			continue;
		/* store/privacy_sealed.c binds the address to the request's id and "contact" */
		char *v = vault_open_text(key, id, "contact", PQgetvalue(res, i, 1));
		if (v != NULL && strcmp(v, email) == 0)
			found = xstrdup(id);
		free(v);
	}
	PQclear(res);
	return found;
}

char *
db_value(const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(pg, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	char *v = NULL;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("query failed: %s", PQresultErrorMessage(res));
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

void
db_exec_sql(const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(pg, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("statement failed: %s", PQresultErrorMessage(res));
	PQclear(res);
}

void
expect_db_value(const char *sql, const char *param, const char *want)
{
	char *v = db_value(sql, param);

	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s [%s]: %s, want %s", sql, param ? param : "", v ? v : "nothing", want);
	free(v);
}
