/* outbox: e-mail waiting to be delivered. See outbox.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/outbox.h"
#include "store/vault.h"

static struct db_stmt enqueue =
    DB_STMT("INSERT INTO mail_outbox (id, kind, applicant_id, sealed, key_id, request_id) "
            "VALUES ($1, $2, $3::uuid, $4::bytea, $5::uuid, $6)");

static struct db_stmt claim =
    DB_STMT("SELECT id, kind, to_address, subject, body, attempts, "
            "  created_at < now() - interval '24 hours' AS given_up, sealed::text, key_id::text "
            "FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= now() "
            "ORDER BY next_attempt_at LIMIT $1::int FOR UPDATE SKIP LOCKED");

/* Sent: the words and their key go (the row's trigger queues the key, migration 0032). */
static struct db_stmt sent = DB_STMT(
    "UPDATE mail_outbox SET status = 'sent', finished_at = now(), outcome = $2, "
    "  attempts = attempts + 1, to_address = NULL, subject = NULL, body = NULL, sealed = NULL, "
    "  key_id = NULL WHERE id = $1");

/* 30 s, doubling with each try, at most an hour between tries. */
static struct db_stmt retry =
    DB_STMT("UPDATE mail_outbox SET attempts = attempts + 1, outcome = $3, "
            "  next_attempt_at = now() + least(interval '1 hour', interval '30 seconds' * power(2, "
            "attempts)), "
            "  status = CASE WHEN $2::boolean THEN 'failed' ELSE 'pending' END, "
            "  finished_at = CASE WHEN $2::boolean THEN now() END, "
            "  to_address = CASE WHEN $2::boolean THEN NULL ELSE to_address END, "
            "  subject = CASE WHEN $2::boolean THEN NULL ELSE subject END, "
            "  body = CASE WHEN $2::boolean THEN NULL ELSE body END, "
            "  sealed = CASE WHEN $2::boolean THEN NULL ELSE sealed END, "
            "  key_id = CASE WHEN $2::boolean THEN NULL ELSE key_id END WHERE id = $1");

int
outbox_enqueue(struct db *db, const struct outbox_mail *m, const char *request_id)
{
	unsigned char key[SEAL_KEY_LEN];
	char id[37], kid[37];
	bool failed = false;

	if (uuid_v4(id) != 0 || vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db); /* no randomness, or no key database: 503 */
		return -1;
	}
	json_t *words =
	    json_pack("{s:s?, s:s?, s:s?}", "to", m->to, "subject", m->subject, "body", m->body);
	char *plain = jsonx_dump(words);
	json_decref(words);
	char *sealed = vault_seal_text(key, id, "mail", plain, &failed);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(plain, strlen(plain));
	free(plain);
	int rc = -1;
	if (!failed) {
		const char *params[6] = {id, m->kind, m->applicant_id, sealed, kid, request_id};
		rc = db_do(db, &enqueue, 6, params);
	}
	free(sealed);
	if (rc != 0 && vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a message not stored stays unused");
	return rc;
}

static char *
dup_col(const PGresult *res, int i, int col)
{
	return PQgetisnull(res, i, col) ? NULL : xstrdup(PQgetvalue(res, i, col));
}

/* Open row i's words (sealed under key, or as stored before the keys) into m. */
static void
open_words(const PGresult *res, int i, const unsigned char *key, struct outbox_message *m)
{
	if (PQgetisnull(res, i, 7)) { /* queued before the keys: as it was stored */
		m->to = dup_col(res, i, 2);
		m->subject = dup_col(res, i, 3);
		m->body = dup_col(res, i, 4);
		return;
	}
	char *plain = key ? vault_open_text(key, m->id, "mail", PQgetvalue(res, i, 7)) : NULL;
	json_t *words = plain ? json_loads(plain, 0, NULL) : NULL;
	if (plain) {
		explicit_bzero(plain, strlen(plain));
		free(plain);
	}
	const char *to = json_string_value(json_object_get(words, "to"));
	const char *subject = json_string_value(json_object_get(words, "subject"));
	const char *body = json_string_value(json_object_get(words, "body"));
	m->to = to ? xstrdup(to) : NULL;
	m->subject = subject ? xstrdup(subject) : NULL;
	m->body = body ? xstrdup(body) : NULL;
	m->unreadable = words == NULL;
	json_decref(words);
}

int
outbox_claim(struct db *db, int limit, struct outbox_message **out, int *n)
{
	char lim[16];
	PGresult *res;

	snprintf(lim, sizeof(lim), "%d", limit);
	const char *params[1] = {lim};
	if ((res = db_run(db, &claim, 1, params)) == NULL)
		return -1;
	int rows = PQntuples(res), rc = 0;
	const char **kids = xcalloc((size_t)rows + 1, sizeof(*kids));
	unsigned char(*keys)[SEAL_KEY_LEN] = xcalloc((size_t)rows + 1, SEAL_KEY_LEN);
	bool *found = xcalloc((size_t)rows + 1, sizeof(*found));
	size_t nk = 0;
	for (int i = 0; i < rows; i++)
		kids[i] = PQgetisnull(res, i, 8) ? "00000000-0000-0000-0000-000000000000"
		                                 : PQgetvalue(res, i, 8);
	nk = (size_t)rows;
	if (nk > 0 && vault_keys(kids, nk, keys, found) != 0) {
		db_mark_unavailable(db);
		rc = -1;
	}
	*out = xcalloc((size_t)rows + 1, sizeof(**out));
	*n = rc == 0 ? rows : 0;
	for (int i = 0; i < *n; i++) {
		struct outbox_message *m = &(*out)[i];
		snprintf(m->id, sizeof(m->id), "%s", PQgetvalue(res, i, 0));
		m->kind = xstrdup(PQgetvalue(res, i, 1));
		m->given_up = PQgetvalue(res, i, 6)[0] == 't';
		open_words(res, i, found[i] ? keys[i] : NULL, m);
	}
	explicit_bzero(keys, ((size_t)rows + 1) * SEAL_KEY_LEN);
	free(keys);
	free(found);
	free(kids);
	PQclear(res);
	return rc;
}

static void
wipe_free(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

void
outbox_messages_free(struct outbox_message *m, int n)
{
	for (int i = 0; m != NULL && i < n; i++) {
		free(m[i].kind);
		wipe_free(m[i].to);
		wipe_free(m[i].subject);
		wipe_free(m[i].body);
	}
	free(m);
}

int
outbox_sent(struct db *db, const char *id, const char *outcome)
{
	const char *params[2] = {id, outcome};
	int rc = db_do(db, &sent, 2, params);

	if (rc == 0)
		erasure_shred_after_commit(db); /* its key, once the delivery's batch commits */
	return rc;
}

int
outbox_retry(struct db *db, const char *id, int give_up, const char *outcome)
{
	const char *params[3] = {id, give_up ? "true" : "false", outcome};
	int rc = db_do(db, &retry, 3, params);

	if (rc == 0 && give_up)
		erasure_shred_after_commit(db);
	return rc;
}
