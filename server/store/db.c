/*
 * db: libpq connection pool and statements.
 *
 * Invariants: a slot is leased iff its `busy` flag is set, and only the
 * leaseholder touches its PGconn. A connection in the pool is idle (no
 * transaction open) or NULL (to be opened on the next lease). Statement ids
 * are process-wide; each connection remembers which ids it has prepared,
 * and forgets them all when it reconnects.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "core/log.h"

#define DB_MAX_STMTS 512
#define RECONNECT_BACKOFF_MS 250

struct db {
	PGconn *pg;
	const char *conninfo; /* the pool's, or owned when standalone */
	atomic_bool busy;
	bool standalone;
	bool prepared[DB_MAX_STMTS];
	long long next_connect_ms; /* after a failed connect, not before this */
	enum db_fail fail;
	char sqlstate[6];
	char constraint[64];
	char message[256];
};

struct pool {
	struct db *slots;
	unsigned n;
	char *conninfo;
	atomic_uint in_use;
	atomic_uint waiting;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static atomic_int next_stmt_id;
static atomic_uint next_thread_slot;
static _Thread_local unsigned thread_slot = UINT_MAX;

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
	if (strncmp(s, "22", 2) == 0 || strncmp(s, "23", 2) == 0)
		return DB_INVALID;
	return DB_BUG;
}

static void
record_failure(struct db *db, const PGresult *res)
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

/* (Re)open db's connection, at most once per backoff period. 0 or -1. */
static int
reconnect(struct db *db)
{
	long long now = now_ms();

	if (now < db->next_connect_ms)
		return -1;
	PQfinish(db->pg);
	memset(db->prepared, 0, sizeof(db->prepared));
	db->pg = open_conn(db->conninfo);
	if (db->pg != NULL && PQstatus(db->pg) == CONNECTION_OK)
		return 0;
	record_failure(db, NULL);
	PQfinish(db->pg);
	db->pg = NULL;
	db->next_connect_ms = now + RECONNECT_BACKOFF_MS;
	return -1;
}

/*
 * Whether an idle connection is still good. recruitd uses neither LISTEN
 * nor anything else the server sends unasked, so an idle connection with
 * something to read has been told goodbye (a FATAL message, then EOF, when
 * the server shut down or restarted). Look without blocking, so the request
 * that would have failed gets a fresh connection instead.
 */
static bool
usable(struct db *db)
{
	struct pollfd p;

	if (db->pg == NULL || PQstatus(db->pg) != CONNECTION_OK)
		return false;
	p.fd = PQsocket(db->pg);
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 0;
}

struct pool *
pool_create(const char *conninfo, unsigned size)
{
	struct pool *pool = xcalloc(1, sizeof(*pool));
	pthread_condattr_t attr;
	unsigned up = 0;

	pool->n = size;
	pool->conninfo = xstrdup(conninfo);
	pool->slots = xcalloc(size, sizeof(*pool->slots));
	pthread_mutex_init(&pool->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->cv, &attr);
	pthread_condattr_destroy(&attr);
	for (unsigned i = 0; i < size; i++) {
		pool->slots[i].conninfo = pool->conninfo;
		if (reconnect(&pool->slots[i]) == 0)
			up++;
	}
	log_msg(up == size ? LOG_INFO : LOG_WARN, "database pool", "size=%u connected=%u", size, up);
	return pool;
}

void
pool_free(struct pool *pool)
{
	if (pool == NULL)
		return;
	for (unsigned i = 0; i < pool->n; i++)
		PQfinish(pool->slots[i].pg);
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->cv);
	free(pool->slots);
	free(pool->conninfo);
	free(pool);
}

static struct db *
try_take(struct pool *pool)
{
	if (thread_slot == UINT_MAX)
		thread_slot = atomic_fetch_add(&next_thread_slot, 1);
	for (unsigned i = 0; i < pool->n; i++) {
		struct db *db = &pool->slots[(thread_slot + i) % pool->n];
		bool expected = false;
		if (!atomic_load_explicit(&db->busy, memory_order_relaxed) &&
		    atomic_compare_exchange_strong(&db->busy, &expected, true))
			return db;
	}
	return NULL;
}

static struct db *
wait_take(struct pool *pool, unsigned wait_ms)
{
	struct timespec deadline;
	struct db *db;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&pool->mu);
	atomic_fetch_add(&pool->waiting, 1);
	while ((db = try_take(pool)) == NULL)
		if (pthread_cond_timedwait(&pool->cv, &pool->mu, &deadline) == ETIMEDOUT) {
			db = try_take(pool);
			break;
		}
	atomic_fetch_sub(&pool->waiting, 1);
	pthread_mutex_unlock(&pool->mu);
	return db;
}

struct db *
pool_acquire(struct pool *pool, unsigned wait_ms)
{
	struct db *db = try_take(pool);

	if (db == NULL && (db = wait_take(pool, wait_ms)) == NULL)
		return NULL;
	atomic_fetch_add(&pool->in_use, 1);
	db->fail = DB_OK;
	if (!usable(db) && reconnect(db) != 0) {
		pool_release(pool, db);
		return NULL;
	}
	return db;
}

void
pool_release(struct pool *pool, struct db *db)
{
	if (db == NULL)
		return;
	if (db->pg != NULL) {
		PGTransactionStatusType ts = PQtransactionStatus(db->pg);
		if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
			PQclear(PQexec(db->pg, "ROLLBACK"));
		if (PQstatus(db->pg) != CONNECTION_OK || PQtransactionStatus(db->pg) != PQTRANS_IDLE) {
			PQfinish(db->pg);
			db->pg = NULL;
		}
	}
	atomic_fetch_sub(&pool->in_use, 1);
	atomic_store(&db->busy, false);
	if (atomic_load(&pool->waiting) > 0) {
		pthread_mutex_lock(&pool->mu);
		pthread_cond_signal(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
	}
}

void
pool_stats(struct pool *pool, unsigned *size, unsigned *in_use, unsigned *waiting)
{
	*size = pool->n;
	*in_use = atomic_load_explicit(&pool->in_use, memory_order_relaxed);
	*waiting = atomic_load_explicit(&pool->waiting, memory_order_relaxed);
}

struct db *
db_connect(const char *conninfo)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->standalone = true;
	db->conninfo = xstrdup(conninfo);
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
	free((char *)db->conninfo);
	free(db);
}

static int
stmt_id(struct db_stmt *st)
{
	int id = __atomic_load_n(&st->id, __ATOMIC_ACQUIRE);
	int want;

	if (id != 0)
		return id;
	want = atomic_fetch_add(&next_stmt_id, 1) + 1;
	if (want >= DB_MAX_STMTS)
		abort(); /* raise DB_MAX_STMTS */
	if (__atomic_compare_exchange_n(&st->id, &id, want, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return want;
	return id; /* another thread named it first; `want` stays unused */
}

static bool
succeeded(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);
	return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}

PGresult *
db_run_binary(struct db *db, struct db_stmt *st, int n, const char *const *params, const int *lengths,
	      const int *formats, int result_format)
{
	PGresult *res;

	if (db->pg == NULL) {
		record_failure(db, NULL);
		return NULL;
	}
	if (st->each_time) {
		res = PQexecParams(db->pg, st->sql, n, NULL, params, lengths, formats, result_format);
	} else {
		int id = stmt_id(st);
		char name[16];

		snprintf(name, sizeof(name), "s%d", id);
		if (!db->prepared[id]) {
			res = PQprepare(db->pg, name, st->sql, 0, NULL);
			if (!succeeded(res)) {
				record_failure(db, res);
				PQclear(res);
				return NULL;
			}
			PQclear(res);
			db->prepared[id] = true;
		}
		res = PQexecPrepared(db->pg, name, n, params, lengths, formats, result_format);
	}
	if (succeeded(res)) {
		db->fail = DB_OK;
		return res;
	}
	record_failure(db, res);
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
db_exec(struct db *db, const char *sql)
{
	PGresult *res;

	if (db->pg == NULL) {
		record_failure(db, NULL);
		return -1;
	}
	res = PQexec(db->pg, sql);
	if (succeeded(res)) {
		PQclear(res);
		db->fail = DB_OK;
		return 0;
	}
	record_failure(db, res);
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
