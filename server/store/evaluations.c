/*
 * evaluations: a staff member's score and summary of an application. The
 * summary is sealed under the applicant's history key (store/vault.h; an
 * evaluation of before the history keys: under the applicant's data key,
 * whose id is the applicant's), which goes with the applicant; every
 * statement here answers it sealed ("summary_sealed", bytea text, with the
 * key's id, "key_id") and evaluations_open replaces it with the text. The reads and the write find
 * the application only when the caller may see its applicant (a
 * restricted record: hr's alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/db.h"
#include "store/evaluations.h"
#include "store/vault.h"

#define FIELD "evaluation"
#define REASON_FIELD "stage_reason"

#define EVAL_JSON                                                                                  \
	"json_build_object('id', v.id, 'application_id', v.application_id, 'score', v.score, "     \
	"'summary', v.summary, 'summary_sealed', v.summary_sealed::text, 'key_id', "               \
	"coalesce(v.key_id, p.applicant_id), 'author', v.author, "                                 \
	"'created_at', rfc3339(v.created_at))"

/* The application p's applicant is visible to the caller ($n: whether restricted ones are). */
#define VISIBLE(n)                                                                                 \
	" AND EXISTS (SELECT 1 FROM applicants a WHERE a.id = p.applicant_id "                     \
	"AND (a.restricted_at IS NULL OR $" #n "::boolean)) "

/* The applicant and their history key (NULL for a record from before the history keys). */
static struct db_stmt applicant_of =
    DB_STMT("SELECT p.applicant_id, (SELECT a.history_key::text FROM applicants a "
            "  WHERE a.id = p.applicant_id) FROM applications p WHERE p.id = $1" VISIBLE(2));

/* A record from before the history keys gets one (a concurrent maker's wins). */
static struct db_stmt set_history_key =
    DB_STMT("WITH u AS (UPDATE applicants SET history_key = $2::uuid WHERE id = $1 "
            "  AND history_key IS NULL RETURNING history_key) "
            "SELECT coalesce((SELECT history_key FROM u), "
            "  (SELECT history_key FROM applicants WHERE id = $1))::text");

static struct db_stmt insert_eval = DB_STMT(
    "WITH p AS (SELECT id, applicant_id FROM applications WHERE id = $1), "
    "v AS (INSERT INTO evaluations (application_id, score, summary_sealed, author, key_id) "
    "  SELECT id, $2::smallint, $3::bytea, $4, $6::uuid FROM p RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $4, 'evaluation.create', p.applicant_id, 'evaluation:' || v.id, $5 FROM v, p) "
    "SELECT " EVAL_JSON "::text FROM v, p");

static struct db_stmt list_evals =
    DB_STMT("SELECT coalesce(json_agg(" EVAL_JSON " ORDER BY v.created_at, v.id) "
            "  FILTER (WHERE v.id IS NOT NULL), '[]')::text, p.applicant_id "
            "FROM applications p LEFT JOIN evaluations v ON v.application_id = p.id WHERE p.id = "
            "$1" VISIBLE(2) "GROUP BY p.id");

static struct db_stmt get_eval =
    DB_STMT("SELECT " EVAL_JSON "::text, p.applicant_id FROM evaluations v "
            "JOIN applications p ON p.id = v.application_id WHERE v.id = $1" VISIBLE(2));

/* Open one object's member (sealed as member_sealed) in place: 0, or 1 when it does not open. */
static int
open_one(json_t *e, const unsigned char *key, const char *applicant_id, const char *member,
         const char *field)
{
	char sealed_member[64];
	snprintf(sealed_member, sizeof(sealed_member), "%s_sealed", member);
	const char *sealed = json_string_value(json_object_get(e, sealed_member));

	if (sealed != NULL) {
		char *text = key ? vault_open_text(key, applicant_id, field, sealed) : NULL;
		if (text == NULL)
			return 1;
		json_object_set_new(e, member, json_string(text));
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_object_del(e, sealed_member);
	json_object_del(e, "key_id");
	return 0;
}

/* evaluations_open and evaluations_open_reasons: member of each object of list opened. */
static int
open_list(struct db *db, json_t *evals, const char *applicant_id, const char *member,
          const char *field)
{
	json_t *list = json_is_array(evals) ? evals : json_pack("[O]", evals);
	size_t n = json_array_size(list), i;
	const char **ids = xcalloc(n + 1, sizeof(*ids));
	unsigned char(*keys)[SEAL_KEY_LEN] = xcalloc(n + 1, SEAL_KEY_LEN);
	bool *found = xcalloc(n + 1, sizeof(*found));
	json_t *e;
	int rc = 0;

	/* every key at once (one round trip for those not cached): history keys, or keys of old */
	json_array_foreach(list, i, e) ids[i] = json_string_value(json_object_get(e, "key_id"));
	for (i = 0; i < n; i++)
		if (ids[i] == NULL)
			ids[i] = applicant_id;
	if (n > 0 && vault_keys(ids, n, keys, found) != 0) {
		db_mark_unavailable(db);
		rc = -1;
	}
	json_array_foreach(list, i, e) if (rc == 0 && open_one(e, found[i] ? keys[i] : NULL,
	                                                       applicant_id, member, field)) rc = 1;
	if (list != evals)
		json_decref(list);
	explicit_bzero(keys, (n + 1) * SEAL_KEY_LEN);
	free(keys);
	free(found);
	free(ids);
	return rc;
}

int
evaluations_open(struct db *db, json_t *evals, const char *applicant_id)
{
	return open_list(db, evals, applicant_id, "summary", FIELD);
}

int
evaluations_open_reasons(struct db *db, json_t *history, const char *applicant_id)
{
	return open_list(db, history, applicant_id, "reason", REASON_FIELD);
}

/* The history key of applicant (made now for a record from before them) into key_id and key. */
static int
history_key(struct db *db, const char *applicant, const PGresult *row, char key_id[37],
            unsigned char key[SEAL_KEY_LEN])
{
	char fresh[37];
	PGresult *res;
	int rc;

	if (!PQgetisnull(row, 0, 1)) {
		snprintf(key_id, 37, "%s", PQgetvalue(row, 0, 1));
		return vault_key(key_id, key) == 0 ? 0 : -1;
	}
	if (vault_fresh(fresh, key) != 0)
		return -1;
	const char *params[2] = {applicant, fresh};
	if ((rc = db_row(db, &set_history_key, 2, params, &res)) != 0)
		return -1;
	snprintf(key_id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (strcmp(key_id, fresh) != 0) { /* another's won: ours seals nothing */
		if (vault_destroy((const char *const[]){fresh}, 1) != 0)
			log_msg(LOG_WARN, "data key", "a key made for nothing stays unused");
		return vault_key(key_id, key) == 0 ? 0 : -1;
	}
	return 0;
}

int
evaluations_seal_reason(struct db *db, const char *application_id, const char *reason,
                        char key_id[37], char **sealed)
{
	unsigned char key[SEAL_KEY_LEN];
	const char *params[2] = {application_id, "true"};
	char applicant[37];
	bool failed = false;
	PGresult *row;
	int rc;

	*sealed = NULL;
	if ((rc = db_row(db, &applicant_of, 2, params, &row)) != 0)
		return -1; /* the caller holds the application locked: it is there */
	snprintf(applicant, sizeof(applicant), "%s", PQgetvalue(row, 0, 0));
	rc = history_key(db, applicant, row, key_id, key);
	PQclear(row);
	if (rc == 0)
		*sealed = vault_seal_text(key, applicant, REASON_FIELD, reason, &failed);
	explicit_bzero(key, sizeof(key));
	if (rc != 0 || failed) {
		free(*sealed);
		*sealed = NULL;
		db_mark_unavailable(db);
		return -1;
	}
	return 0;
}

int
evaluations_add(struct db *db, const char *application_id, bool sees_restricted, int score,
                const char *summary, const char *author, const char *request_id, json_t **out)
{
	unsigned char key[SEAL_KEY_LEN];
	const char *params[6] = {application_id, sees_restricted ? "true" : "false"};
	char applicant[37], score_s[8], key_id[37], *sealed;
	bool failed = false;
	PGresult *row;
	int rc;

	if ((rc = db_row(db, &applicant_of, 2, params, &row)) != 0)
		return rc;
	snprintf(applicant, sizeof(applicant), "%s", PQgetvalue(row, 0, 0));
	rc = history_key(db, applicant, row, key_id, key);
	PQclear(row);
	if (rc != 0) {
		explicit_bzero(key, sizeof(key));
		db_mark_unavailable(db);
		return -1;
	}
	sealed = vault_seal_text(key, applicant, FIELD, summary, &failed);
	explicit_bzero(key, sizeof(key));
	if (failed)
		return -1;
	snprintf(score_s, sizeof(score_s), "%d", score);
	params[1] = score_s;
	params[2] = sealed;
	params[3] = author;
	params[4] = request_id;
	params[5] = key_id;
	rc = db_json(db, &insert_eval, 6, params, out, NULL);
	free(sealed);
	if (rc != 0)
		return rc;
	json_object_set_new(*out, "summary", summary ? json_string(summary) : json_null());
	json_object_del(*out, "summary_sealed");
	json_object_del(*out, "key_id");
	return 0;
}

/* Row 0 of st's answer (JSON text, applicant id) opened. */
static int
opened(struct db *db, struct db_stmt *st, const char *id, bool sees_restricted, json_t **out)
{
	const char *params[2] = {id, sees_restricted ? "true" : "false"};
	PGresult *row;
	int rc = db_row(db, st, 2, params, &row);

	if (rc != 0)
		return rc;
	*out = json_loads(PQgetvalue(row, 0, 0), 0, NULL);
	rc = *out == NULL ? -1 : evaluations_open(db, *out, PQgetvalue(row, 0, 1));
	PQclear(row);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int
evaluations_of(struct db *db, const char *application_id, bool sees_restricted, json_t **list)
{
	return opened(db, &list_evals, application_id, sees_restricted, list);
}

int
evaluations_one(struct db *db, const char *id, bool sees_restricted, json_t **evaluation)
{
	return opened(db, &get_eval, id, sees_restricted, evaluation);
}

static struct db_stmt unsealed_evals =
    DB_STMT("SELECT v.id, p.applicant_id, v.summary FROM evaluations v JOIN applications p "
            "ON p.id = v.application_id WHERE v.summary IS NOT NULL ORDER BY v.id LIMIT $1::int "
            "FOR UPDATE OF v SKIP LOCKED");
static struct db_stmt seal_eval =
    DB_STMT("UPDATE evaluations SET summary_sealed = $2::bytea, summary = NULL WHERE id = $1");

/* An evaluation's summary of unsealed_evals' row i sealed (db_row_fn). */
static int
seal_eval_row(struct db *db, const PGresult *res, int i, void *arg)
{
	unsigned char key[SEAL_KEY_LEN];
	bool failed = false;
	const char *applicant = PQgetvalue(res, i, 1);

	(void)arg;
	if (vault_key_or_new(applicant, key) != 0)
		return -1;
	char *s = vault_seal_text(key, applicant, FIELD, PQgetvalue(res, i, 2), &failed);
	explicit_bzero(key, sizeof(key));
	const char *p2[2] = {PQgetvalue(res, i, 0), s};
	int rc = failed ? -1 : db_do(db, &seal_eval, 2, p2);
	free(s);
	return rc;
}

int
evaluations_seal_batch(struct db *db, int batch, long *sealed)
{
	return db_batch(db, &unsealed_evals, batch, 0, seal_eval_row, NULL, sealed);
}
