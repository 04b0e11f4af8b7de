/*
 * db: statements on a connection (leased from the pool, store/pool.h, or
 * standalone for recruitctl), each prepared once per connection.
 * PostgreSQL errors are classified here, by SQLSTATE, and nowhere else;
 * their text is never shown to clients or logged (it can quote data).
 */
#ifndef RECRUITD_DB_H
#define RECRUITD_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "core/xalloc.h"
#include "store/pool.h"

struct db;

/*
 * A statement, prepared on each connection on first use. Declare one per
 * query as a static: `static struct db_stmt get_one = DB_STMT("select ...");`
 */
struct db_stmt {
	const char *sql;
	bool each_time; /* not prepared: planned for its parameters on every run */
};
#define DB_STMT(text)                                                                              \
	{                                                                                          \
		.sql = (text)                                                                      \
	}
/*
 * A statement whose best plan depends on its parameters' values (a search
 * pattern), so a cached generic plan would be a gamble.
 */
#define DB_STMT_PLANNED_EACH_TIME(text)                                                            \
	{                                                                                          \
		.sql = (text), .each_time = true                                                   \
	}

enum db_fail {
	DB_OK = 0,
	DB_UNIQUE,      /* 23505: the caller turns it into a 409 */
	DB_INVALID,     /* 22xxx, 23xxx other than unique: bad data got past validation, 422 */
	DB_RETRY,       /* 40001, 40P01: serialization failure or deadlock, retry the transaction */
	DB_UNAVAILABLE, /* connection lost, server shutting down, too many connections: 503 */
	DB_REFUSED, /* 42501 and P0001 raised by our own triggers: the database refused a change */
	DB_TOO_LARGE,  /* 54000, or a value too long for a parameter: 413 */
	DB_RESTRICTED, /* RD001: a restricted record takes nothing new (migration 0025) */
	DB_BUG,        /* anything else: a defect in recruitd, 500 */
};

/* Classify a five-character SQLSTATE (NULL: the connection failed). */
enum db_fail db_classify(const char *sqlstate);

/* A single connection outside any pool (recruitctl). NULL on failure, reason on stderr. */
struct db *db_connect(const char *conninfo);
void db_close(struct db *db);

/*
 * Run a statement with n text parameters (NULL is SQL NULL). Returns the
 * result (the caller PQclears it) when it succeeded, or NULL, with the
 * failure kept for db_failure() and friends.
 */
PGresult *db_run(struct db *db, struct db_stmt *st, int n, const char *const *params) WARN_UNUSED;

/*
 * db_run with per-parameter lengths and formats (1: binary, for bytea; NULL
 * formats: all text) and a result format (1: every column in binary, as
 * bytea wants; text columns then come back as their bare bytes).
 */
PGresult *db_run_binary(struct db *db, struct db_stmt *st, int n, const char *const *params,
                        const int *lengths, const int *formats, int result_format) WARN_UNUSED;

/*
 * One batch of an upkeep pass (recruitctl keys seal-existing and its like),
 * in a transaction of its own: st, whose one parameter is the batch's size,
 * reads the rows (FOR UPDATE ... SKIP LOCKED, so requests go on), in binary
 * when result_format is 1; fn fixes each (0, or -1 to give up); then COMMIT,
 * or ROLLBACK on any failure. 0 with how many rows in *n (0: none left), or
 * -1 with *n 0.
 */
typedef int (*db_row_fn)(struct db *db, const PGresult *res, int row, void *arg);
int db_batch(struct db *db, struct db_stmt *st, int batch, int result_format, db_row_fn fn,
             void *arg, long *n) WARN_UNUSED;

/* db_run for statements whose rows are not needed: 0 or -1. */
int db_do(struct db *db, struct db_stmt *st, int n, const char *const *params) WARN_UNUSED;

/*
 * db_run for a statement answering one number (a count) in row 0, column 0:
 * 0 with *n set, or -1.
 */
int db_count(struct db *db, struct db_stmt *st, int nparams, const char *const *params,
             long *n) WARN_UNUSED;

/*
 * db_run for a statement answering at most one row: 0 with *row (the caller
 * PQclears it), 1 when there is no row, -1 when the database failed.
 */
int db_row(struct db *db, struct db_stmt *st, int n, const char *const *params,
           PGresult **row) WARN_UNUSED;

/*
 * Whether len bytes fit one statement parameter (libpq takes an int):
 * false, with the failure DB_TOO_LARGE kept, when they do not.
 */
bool db_fits(struct db *db, size_t len) WARN_UNUSED;

/* Open a transaction unless one is open already (the idempotency lock opens one). 0 or -1. */
int db_begin(struct db *db) WARN_UNUSED;

/*
 * End the connection's transaction, if one is open (a failed autocommit
 * statement leaves none: no stray ROLLBACK then).
 */
void db_rollback(struct db *db);

/*
 * Run fn once the connection's open transaction commits (through
 * db_exec(db, "COMMIT")), or now when none is open; forgotten when it rolls
 * back. One at a time.
 */
void db_after_commit(struct db *db, void (*fn)(struct db *db));

/*
 * A page from the rows of a list statement that asked for limit + 1 rows:
 * the JSON text of column json_col of the first `limit` rows as items, and
 * when there are more, the sort key (columns k1_col, k2_col; k2_col < 0:
 * none) of the last one. The caller PQclears res and page_fini()s out.
 */
struct page_of;
void db_page(const PGresult *res, int limit, int json_col, int k1_col, int k2_col,
             struct page_of *out);

/*
 * Plain SQL without parameters (transaction control, migrations): 0 or -1.
 * A COMMIT of a transaction that a failed statement aborted (PostgreSQL
 * answers it with the tag ROLLBACK) is a failure: db_failure() then tells
 * that statement's failure (DB_BUG, SQLSTATE 25P02, when it did not run
 * through this module), and db_after_commit's fn does not run.
 */
int db_exec(struct db *db, const char *sql) WARN_UNUSED;

/*
 * Run SQL of our own that cannot be prepared (FETCH from a cursor) and
 * answers rows: the result (the caller PQclears), or NULL as db_run.
 * Never with a value from outside: it takes no parameters.
 */
PGresult *db_query(struct db *db, const char *sql) WARN_UNUSED;

/*
 * An array literal of n values for a text[] or uuid[] parameter: each
 * quoted and escaped, NULL as SQL NULL. A new string (free it).
 */
char *db_array(const char *const *values, size_t n);

/*
 * Record a failure outside this connection (the key database did not
 * answer): db_failure then says DB_UNAVAILABLE, a 503.
 */
void db_mark_unavailable(struct db *db);

/* What went wrong with the last failed call. */
enum db_fail db_failure(const struct db *db);
const char *db_sqlstate(const struct db *db);   /* "" when the connection failed */
const char *db_constraint(const struct db *db); /* "" when none */
/* The server's message, for operator tools only (recruitctl); never sent to clients or logs. */
const char *db_message(const struct db *db);

/*
 * db_run for a statement answering at most one row whose column 0 is JSON
 * text (built by PostgreSQL): 0 with *out (a new reference), 1 when there is
 * no row, -1 when the database failed. version, when not NULL, gets column 1
 * (a version number the statement answers beside the JSON).
 */
struct json_t;
int db_json(struct db *db, struct db_stmt *st, int n, const char *const *params,
            struct json_t **out, long *version) WARN_UNUSED;

#endif
