/*
 * db: connections and statements. A statement is named on the server by its
 * address in this process (no counter, no limit, nothing to assign); each
 * connection keeps the set of statements it has prepared and forgets them
 * all when it reconnects. Failures are classified here, by SQLSTATE, and
 * nowhere else.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "core/log.h"
#include "core/page.h"
#include "store/db.h"

#define RECONNECT_BACKOFF_MS 250

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Server notices can quote data; they go nowhere. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

enum db_fail
db_classify(const char *s)
{
	if (s == NULL || *s == '\0')
		return DB_UNAVAILABLE;
	if (strcmp(s, "23505") == 0)
		return DB_UNIQUE;
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
		return DB_RETRY;
	if (strncmp(s, "08", 2) == 0 || strncmp(s, "53", 2) == 0 || strncmp(s, "57P", 3) == 0 ||
	    strcmp(s, "57014") == 0 || strcmp(s, "25006") == 0 || strcmp(s, "55000") == 0)
		return DB_UNAVAILABLE;
	if (strcmp(s, "42501") == 0 || strcmp(s, "P0001") == 0)
		return DB_REFUSED;
	if (strcmp(s, "RD001") == 0)
		return DB_RESTRICTED;
	if (strcmp(s, "54000") == 0)
		return DB_TOO_LARGE;
	if (strncmp(s, "22", 2) == 0 || strncmp(s, "23", 2) == 0)
		return DB_INVALID;
	return DB_BUG;
}

void
db_record_failure(struct db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->pg);

	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	snprintf(db->constraint, sizeof(db->constraint), "%s", constraint ? constraint : "");
	snprintf(db->message, sizeof(db->message), "%s", msg ? msg : "");
	db->fail = db_classify(state);
	if (db->pg == NULL || PQstatus(db->pg) != CONNECTION_OK)
		db->fail = DB_UNAVAILABLE;
	if (db->fail == DB_BUG && !db->standalone)
		log_msg(LOG_ERROR, "database error", "sqlstate=%s constraint=%s", db->sqlstate,
		        db->constraint[0] ? db->constraint : "-");
	/* the failure that aborted the transaction, for its COMMIT (see tx_failed) */
	if (!db->tx_failed && db->pg != NULL && PQtransactionStatus(db->pg) == PQTRANS_INERROR) {
		db->tx_failed = true;
		db->tx_fail = db->fail;
		memcpy(db->tx_sqlstate, db->sqlstate, sizeof(db->tx_sqlstate));
		memcpy(db->tx_constraint, db->constraint, sizeof(db->tx_constraint));
		memcpy(db->tx_message, db->message, sizeof(db->tx_message));
	}
}

/*
 * A COMMIT that PostgreSQL answered with the tag ROLLBACK: a statement
 * failed inside the transaction and nothing was committed. It fails as
 * that statement did (when it ran here), so the caller answers as it would
 * have then.
 */
static void
record_rolled_back(struct db *db)
{
	if (db->tx_failed) {
		db->fail = db->tx_fail;
		memcpy(db->sqlstate, db->tx_sqlstate, sizeof(db->sqlstate));
		memcpy(db->constraint, db->tx_constraint, sizeof(db->constraint));
		memcpy(db->message, db->tx_message, sizeof(db->message));
		return;
	}
	db->fail = DB_BUG;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "25P02"); /* in_failed_sql_transaction */
	db->constraint[0] = '\0';
	snprintf(db->message, sizeof(db->message), "COMMIT of an aborted transaction");
	if (!db->standalone)
		log_msg(LOG_ERROR, "database error", "sqlstate=25P02 a COMMIT was rolled back");
}

void
db_mark_unavailable(struct db *db)
{
	db->fail = DB_UNAVAILABLE;
	db->sqlstate[0] = db->constraint[0] = db->message[0] = '\0';
}

static PGconn *
open_conn(const char *conninfo)
{
	/* Defaults first: the keywords in the caller's string come later and win. */
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *const values[] = {"3", "recruitd", conninfo, NULL};
	PGconn *pg = PQconnectdbParams(keys, values, 1);

	if (pg != NULL)
		PQsetNoticeProcessor(pg, quiet, NULL);
	return pg;
}

int
db_reconnect(struct db *db)
{
	long long now = now_ms();

	if (now < db->next_connect_ms)
		return -1;
	PQfinish(db->pg);
	db_forget_prepared(db, false);
	db->tx_failed = false;
	db->pg = open_conn(db->conninfo);
	if (db->pg != NULL && PQstatus(db->pg) == CONNECTION_OK)
		return 0;
	db_record_failure(db, NULL);
	PQfinish(db->pg);
	db->pg = NULL;
	db->next_connect_ms = now + RECONNECT_BACKOFF_MS;
	return -1;
}

struct db *
db_connect(const char *conninfo)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->standalone = true;
	db->conninfo = db->own_conninfo = xstrdup(conninfo);
	db->pg = open_conn(conninfo);
	if (db->pg == NULL || PQstatus(db->pg) != CONNECTION_OK) {
		fprintf(stderr, "cannot connect to the database: %s",
		        db->pg ? PQerrorMessage(db->pg) : "out of memory\n");
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->pg);
	db_forget_prepared(db, true);
	free(db->own_conninfo);
	free(db);
}

void
db_forget_prepared(struct db *db, bool free_set)
{
	if (db->prepared != NULL)
		memset(db->prepared, 0, db->capprepared * sizeof(*db->prepared));
	db->nprepared = 0;
	if (free_set) {
		free(db->prepared);
		db->prepared = NULL;
		db->capprepared = 0;
	}
}

static size_t
slot_of(const struct db *db, const struct db_stmt *st)
{
	size_t i = ((uintptr_t)st >> 4) * 11400714819323198485u & (db->capprepared - 1);

	while (db->prepared[i] != NULL && db->prepared[i] != st)
		i = (i + 1) & (db->capprepared - 1);
	return i;
}

static bool
is_prepared(const struct db *db, const struct db_stmt *st)
{
	return db->capprepared > 0 && db->prepared[slot_of(db, st)] == st;
}

/* Remember st as prepared; the set grows at half full. */
static void
remember(struct db *db, const struct db_stmt *st)
{
	if (2 * (db->nprepared + 1) > db->capprepared) {
		const struct db_stmt **old = db->prepared;
		size_t oldcap = db->capprepared;
		db->capprepared = oldcap ? 2 * oldcap : 128;
		db->prepared = xcalloc(db->capprepared, sizeof(*db->prepared));
		db->nprepared = 0;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k] != NULL) {
				db->prepared[slot_of(db, old[k])] = old[k];
				db->nprepared++;
			}
		free(old);
	}
	db->prepared[slot_of(db, st)] = st;
	db->nprepared++;
}

static bool
succeeded(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);
	return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}

PGresult *
db_run_binary(struct db *db, struct db_stmt *st, int n, const char *const *params,
              const int *lengths, const int *formats, int result_format)
{
	PGresult *res;

	if (db->pg == NULL) {
		db_record_failure(db, NULL);
		return NULL;
	}
	if (st->each_time) {
		res =
		    PQexecParams(db->pg, st->sql, n, NULL, params, lengths, formats, result_format);
	} else {
		char name[32];

		snprintf(name, sizeof(name), "s%" PRIxPTR, (uintptr_t)st);
		if (!is_prepared(db, st)) {
			res = PQprepare(db->pg, name, st->sql, 0, NULL);
			if (!succeeded(res)) {
				db_record_failure(db, res);
				PQclear(res);
				return NULL;
			}
			PQclear(res);
			remember(db, st);
		}
		res = PQexecPrepared(db->pg, name, n, params, lengths, formats, result_format);
	}
	if (succeeded(res)) {
		db->fail = DB_OK;
		return res;
	}
	db_record_failure(db, res);
	PQclear(res);
	return NULL;
}

PGresult *
db_run(struct db *db, struct db_stmt *st, int n, const char *const *params)
{
	return db_run_binary(db, st, n, params, NULL, NULL, 0);
}

int
db_do(struct db *db, struct db_stmt *st, int n, const char *const *params)
{
	PGresult *res = db_run(db, st, n, params);

	PQclear(res);
	return res ? 0 : -1;
}

int
db_row(struct db *db, struct db_stmt *st, int n, const char *const *params, PGresult **row)
{
	PGresult *res = db_run(db, st, n, params);

	*row = NULL;
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	*row = res;
	return 0;
}

bool
db_fits(struct db *db, size_t len)
{
	if (len <= (size_t)INT_MAX)
		return true;
	db->fail = DB_TOO_LARGE;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "54000");
	db->constraint[0] = db->message[0] = '\0';
	return false;
}

int
db_count(struct db *db, struct db_stmt *st, int nparams, const char *const *params, long *n)
{
	PGresult *res = db_run(db, st, nparams, params);

	if (res == NULL)
		return -1;
	*n = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int
db_begin(struct db *db)
{
	if (db->pg != NULL && PQtransactionStatus(db->pg) == PQTRANS_INTRANS)
		return 0;
	return db_exec(db, "BEGIN");
}

int
db_batch(struct db *db, struct db_stmt *st, int batch, int result_format, db_row_fn fn, void *arg,
         long *n)
{
	char limit[16];
	PGresult *res;
	int rc = 0;

	*n = 0;
	snprintf(limit, sizeof(limit), "%d", batch);
	const char *params[1] = {limit};
	if (db_begin(db) != 0 ||
	    (res = db_run_binary(db, st, 1, params, NULL, NULL, result_format)) == NULL)
		return -1;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = fn(db, res, i, arg);
	*n = PQntuples(res);
	PQclear(res);
	if (rc != 0 || db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		*n = 0;
		return -1;
	}
	return 0;
}

void
db_rollback(struct db *db)
{
	PGTransactionStatusType ts;

	if (db->pg == NULL)
		return;
	db->after_commit = NULL;
	db->tx_failed = false;
	ts = PQtransactionStatus(db->pg);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(db->pg, "ROLLBACK"));
}

void
db_after_commit(struct db *db, void (*fn)(struct db *db))
{
	PGTransactionStatusType ts = db->pg != NULL ? PQtransactionStatus(db->pg) : PQTRANS_IDLE;

	if (ts == PQTRANS_INTRANS)
		db->after_commit = fn;
	else if (ts != PQTRANS_INERROR) /* an aborted transaction commits nothing */
		fn(db);
}

char *
db_array(const char *const *values, size_t n)
{
	size_t len = 3;

	for (size_t i = 0; i < n; i++)
		len += values[i] ? 2 * strlen(values[i]) + 3 : 5;
	char *out = xmalloc(len), *o = out;
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		if (values[i] == NULL) {
			memcpy(o, "NULL", 4);
			o += 4;
			continue;
		}
		*o++ = '"';
		for (const char *c = values[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

PGresult *
db_query(struct db *db, const char *sql)
{
	PGresult *res;

	if (db->pg == NULL) {
		db_record_failure(db, NULL);
		return NULL;
	}
	res = PQexec(db->pg, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		db->fail = DB_OK;
		return res;
	}
	db_record_failure(db, res);
	PQclear(res);
	return NULL;
}

int
db_exec(struct db *db, const char *sql)
{
	PGresult *res;

	if (db->pg == NULL) {
		db_record_failure(db, NULL);
		return -1;
	}
	bool commit = strcmp(sql, "COMMIT") == 0;
	if (strcmp(sql, "BEGIN") == 0)
		db->tx_failed = false;
	res = PQexec(db->pg, sql);
	/* an aborted transaction's COMMIT succeeds as a statement, with the tag ROLLBACK */
	if (succeeded(res) && commit && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		PQclear(res);
		db->after_commit = NULL;
		record_rolled_back(db);
		db->tx_failed = false;
		return -1;
	}
	if (succeeded(res)) {
		PQclear(res);
		db->fail = DB_OK;
		if (PQtransactionStatus(db->pg) == PQTRANS_IDLE)
			db->tx_failed = false;
		if (commit && db->after_commit != NULL) {
			void (*fn)(struct db *) = db->after_commit;
			db->after_commit = NULL;
			fn(db);
		}
		return 0;
	}
	if (commit)
		db->after_commit = NULL;
	db_record_failure(db, res);
	if (PQtransactionStatus(db->pg) == PQTRANS_IDLE)
		db->tx_failed = false;
	PQclear(res);
	return -1;
}

enum db_fail
db_failure(const struct db *db)
{
	return db->fail;
}

const char *
db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

const char *
db_constraint(const struct db *db)
{
	return db->constraint;
}

const char *
db_message(const struct db *db)
{
	return db->message;
}

void
db_page(const PGresult *res, int limit, int json_col, int k1_col, int k2_col, struct page_of *out)
{
	int n = PQntuples(res);

	out->items = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(out->items,
		                      json_loads(PQgetvalue(res, i, json_col), 0, NULL));
	out->more = n > limit;
	out->k1[0] = out->k2[0] = '\0';
	if (out->more) {
		snprintf(out->k1, sizeof(out->k1), "%s", PQgetvalue(res, limit - 1, k1_col));
		if (k2_col >= 0)
			snprintf(out->k2, sizeof(out->k2), "%s",
			         PQgetvalue(res, limit - 1, k2_col));
	}
}

int
db_json(struct db *db, struct db_stmt *st, int n, const char *const *params, json_t **out,
        long *version)
{
	PGresult *res;
	int rc = db_row(db, st, n, params, &res);

	*out = NULL;
	if (rc != 0)
		return rc;
	*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	if (version != NULL)
		*version = atol(PQgetvalue(res, 0, 1));
	PQclear(res);
	return *out != NULL ? 0 : -1;
}
