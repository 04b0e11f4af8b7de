/* outbox: e-mail waiting to be delivered. See outbox.h. */
#include <stdio.h>
#include <stdlib.h>

#include "core/digest.h"
#include "store/db.h"
#include "store/outbox.h"

static struct db_stmt enqueue = DB_STMT(
    "INSERT INTO mail_outbox (id, kind, applicant_id, to_address, subject, body, request_id) "
    "VALUES ($1, $2, $3::uuid, $4, $5, $6, $7)");

static struct db_stmt claim =
    DB_STMT("SELECT id, kind, to_address, subject, body, attempts, "
            "  created_at < now() - interval '24 hours' AS given_up "
            "FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= now() "
            "ORDER BY next_attempt_at LIMIT $1::int FOR UPDATE SKIP LOCKED");

static struct db_stmt sent = DB_STMT(
    "UPDATE mail_outbox SET status = 'sent', finished_at = now(), outcome = $2, "
    "  attempts = attempts + 1, to_address = NULL, subject = NULL, body = NULL WHERE id = $1");

/* 30 s, doubling with each try, at most an hour between tries. */
static struct db_stmt retry =
    DB_STMT("UPDATE mail_outbox SET attempts = attempts + 1, outcome = $3, "
            "  next_attempt_at = now() + least(interval '1 hour', interval '30 seconds' * power(2, "
            "attempts)), "
            "  status = CASE WHEN $2::boolean THEN 'failed' ELSE 'pending' END, "
            "  finished_at = CASE WHEN $2::boolean THEN now() END, "
            "  to_address = CASE WHEN $2::boolean THEN NULL ELSE to_address END, "
            "  subject = CASE WHEN $2::boolean THEN NULL ELSE subject END, "
            "  body = CASE WHEN $2::boolean THEN NULL ELSE body END WHERE id = $1");

int
outbox_enqueue(struct db *db, const struct outbox_mail *m, const char *request_id)
{
	char id[37];

	if (uuid_v4(id) != 0) {
		db_mark_unavailable(db); /* no randomness: 503 */
		return -1;
	}
	const char *params[7] = {id,         m->kind, m->applicant_id, m->to,
	                         m->subject, m->body, request_id};
	return db_do(db, &enqueue, 7, params);
}

PGresult *
outbox_claim(struct db *db, int limit)
{
	char n[16];

	snprintf(n, sizeof(n), "%d", limit);
	const char *params[1] = {n};
	return db_run(db, &claim, 1, params);
}

int
outbox_sent(struct db *db, const char *id, const char *outcome)
{
	const char *params[2] = {id, outcome};
	return db_do(db, &sent, 2, params);
}

int
outbox_retry(struct db *db, const char *id, int give_up, const char *outcome)
{
	const char *params[3] = {id, give_up ? "true" : "false", outcome};
	return db_do(db, &retry, 3, params);
}
