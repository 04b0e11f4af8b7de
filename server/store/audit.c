/*
 * audit: reading the append-only audit log, and committing the entries of
 * reads together.
 *
 * A read's entry must be committed before the read is answered, but a
 * commit per read is the most a read costs. So reads going on at the same
 * time share one: each thread queues its entry; the first that finds fewer
 * than FLUSHES commits under way takes the queue and writes it with one
 * statement on its own connection (autocommit), then wakes the threads
 * whose entries it wrote; whatever queued meanwhile is taken by the next of
 * them. Two commits may be under way at once, so an entry that arrives
 * during one need not wait for it to end before its own begins (PostgreSQL
 * flushes the two together). The lock is held only to link and unlink
 * queue entries, never across a statement.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"
#include "core/page.h"
#include "store/audit.h"
#include "store/db.h"

/* Newest first by sequence, each entry as JSON; $1 the sequence bound, $5 the limit. */
static struct db_stmt list_entries = DB_STMT(
    "SELECT json_build_object('at', rfc3339(at), 'actor', actor, 'action', action, "
    "'applicant_id', applicant_id, 'target', target, 'request_id', request_id)::text, seq "
    "FROM audit_log "
    "WHERE seq < $1::bigint AND ($2::uuid IS NULL OR applicant_id = $2::uuid) "
    "AND ($3::text IS NULL OR actor = $3) AND ($4::timestamptz IS NULL OR at >= $4::timestamptz) "
    "ORDER BY seq DESC LIMIT $5::int");

/* $1..$5: the columns as array literals, one element per entry, in the same order. */
static struct db_stmt insert_many =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[])");

static struct db_stmt insert_one =
    DB_STMT("INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "VALUES ($1, $2, $3::uuid, $4, $5)");

#define FLUSHES 2

struct waiter {
	const struct audit_entry *e;
	struct waiter *next;
	pthread_cond_t wake; /* its entry is written, or it may write the queue */
	bool done;
	int rc;
};

static struct {
	pthread_mutex_t mu;
	struct waiter *head, **tail;
	int writing; /* commits under way */
} q = {PTHREAD_MUTEX_INITIALIZER, NULL, &q.head, 0};

/* Write the entries of the list at w in one statement: 0 or -1. */
static int
write_all(struct db *db, struct waiter *w)
{
	size_t n = 0, i = 0;
	char *cols[5];
	int rc;

	for (struct waiter *x = w; x != NULL; x = x->next)
		n++;
	const char **v = xcalloc(5 * n, sizeof(*v)); /* column c of entry i at v[c * n + i] */
	for (struct waiter *x = w; x != NULL; x = x->next, i++) {
		v[i] = x->e->actor;
		v[n + i] = x->e->action;
		v[2 * n + i] = x->e->applicant_id;
		v[3 * n + i] = x->e->target;
		v[4 * n + i] = x->e->request_id;
	}
	for (int c = 0; c < 5; c++)
		cols[c] = db_array(v + c * n, n);
	rc = db_do(db, &insert_many, 5, (const char *const *)cols);
	for (int c = 0; c < 5; c++)
		free(cols[c]);
	free(v);
	return rc;
}

int
audit_commit_read(struct db *db, const struct audit_entry *e)
{
	struct waiter me = {.e = e, .wake = PTHREAD_COND_INITIALIZER};

	if (db->pg != NULL && PQtransactionStatus(db->pg) != PQTRANS_IDLE) {
		const char *params[5] = {e->actor, e->action, e->applicant_id, e->target,
		                         e->request_id};
		return db_do(db, &insert_one, 5, params);
	}
	pthread_mutex_lock(&q.mu);
	*q.tail = &me;
	q.tail = &me.next;
	while (!me.done) {
		if (q.writing == FLUSHES || q.head == NULL) { /* none free, or ours is taken */
			pthread_cond_wait(&me.wake, &q.mu);
			continue;
		}
		struct waiter *batch = q.head;
		q.head = NULL;
		q.tail = &q.head;
		q.writing++;
		pthread_mutex_unlock(&q.mu);

		int rc = write_all(db, batch);

		pthread_mutex_lock(&q.mu);
		for (struct waiter *x = batch, *next; x != NULL; x = next) {
			next = x->next; /* x may return (and its frame go) once done is seen */
			x->rc = rc;
			x->done = true;
			if (x != &me)
				pthread_cond_signal(&x->wake);
		}
		q.writing--;
		if (q.head != NULL) /* the first queued writes the rest */
			pthread_cond_signal(&q.head->wake);
	}
	pthread_mutex_unlock(&q.mu);
	pthread_cond_destroy(&me.wake);
	/*
	 * Not recorded, so not answered: 503, whatever refused the entry (on this
	 * connection or another thread's), never a 4xx about a request that was fine.
	 */
	if (me.rc != 0)
		db_mark_unavailable(db);
	return me.rc;
}

int
audit_page(struct db *db, const struct audit_filter *by, const struct page_want *want,
           struct page_of *out)
{
	char limit[16];

	snprintf(limit, sizeof(limit), "%d", want->limit + 1);
	const char *params[5] = {want->k1, by->applicant_id, by->actor, by->since, limit};
	PGresult *res = db_run(db, &list_entries, 5, params);

	if (res == NULL)
		return -1;
	db_page(res, want->limit, 0, 1, -1, out);
	PQclear(res);
	return 0;
}
