/*
 * outbox: e-mail waiting to be delivered, written in the caller's
 * transaction with the change that causes it. Delivery (jobs/mail.c) claims
 * due rows FOR UPDATE SKIP LOCKED, so several processes never send one
 * twice. A message's address, subject and body are sealed under a key of
 * its own, destroyed once it is delivered or given up (or with its
 * applicant): a finished message keeps kind, times and status only.
 * Functions return 0 or -1 (db_failure tells how).
 */
#ifndef RECRUITD_STORE_OUTBOX_H
#define RECRUITD_STORE_OUTBOX_H

#include <libpq-fe.h>
#include <stdbool.h>

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

/* A claimed message, opened. */
struct outbox_message {
	char id[37];
	char *kind, *to, *subject, *body; /* new strings; to, subject, body NULL when unreadable */
	bool given_up;                    /* past OUTBOX_TRY_HOURS */
	bool unreadable;                  /* its key is gone: it can never be sent */
};

/*
 * Claim up to limit due messages in the caller's transaction (they stay
 * locked until it ends), opened: 0 with *out (free with outbox_messages_free)
 * and their count in *n, or -1 (the database, or the key database, failed).
 */
int outbox_claim(struct db *db, int limit, struct outbox_message **out, int *n) WARN_UNUSED;

/* Wipe and free n claimed messages. */
void outbox_messages_free(struct outbox_message *m, int n);

/* The message was delivered: keep only kind, times, request id and outcome. */
int outbox_sent(struct db *db, const char *id, const char *outcome) WARN_UNUSED;

/* Delivery failed: try again later (backing off), or give up (past OUTBOX_TRY_HOURS). */
int outbox_retry(struct db *db, const char *id, int give_up, const char *outcome) WARN_UNUSED;

#endif
