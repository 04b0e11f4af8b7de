/*
 * outbox: e-mail waiting to be delivered, written in the caller's
 * transaction with the change that causes it. Delivery (jobs/mail.c) claims
 * due rows FOR UPDATE SKIP LOCKED, so several processes never send one
 * twice. A finished message keeps no address, subject or body. Functions
 * return 0 or -1 (db_failure tells how).
 */
#ifndef RECRUITD_STORE_OUTBOX_H
#define RECRUITD_STORE_OUTBOX_H

#include <libpq-fe.h>

#include "core/xalloc.h"

struct db;

/* How long delivery is tried before a message is given up. */
#define OUTBOX_TRY_HOURS 24

/* A message to send; applicant_id may be NULL (someone not on record). */
struct outbox_mail {
	const char *kind; /* application_confirmation, sign_in, ... */
	const char *applicant_id;
	const char *to, *subject, *body;
};

/* Queue a message in the caller's transaction. */
int outbox_enqueue(struct db *db, const struct outbox_mail *m, const char *request_id) WARN_UNUSED;

/*
 * Claim up to limit due messages in the caller's transaction (they stay
 * locked until it ends): rows (id, kind, to_address, subject, body,
 * attempts, given_up) where given_up is "t" past OUTBOX_TRY_HOURS. PQclear
 * it; NULL when the database failed.
 */
PGresult *outbox_claim(struct db *db, int limit) WARN_UNUSED;

/* The message was delivered: keep only kind, times, request id and outcome. */
int outbox_sent(struct db *db, const char *id, const char *outcome) WARN_UNUSED;

/* Delivery failed: try again later (backing off), or give up (past OUTBOX_TRY_HOURS). */
int outbox_retry(struct db *db, const char *id, int give_up, const char *outcome) WARN_UNUSED;

#endif
