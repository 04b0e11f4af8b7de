/*
 * evaluations: a staff member's score and summary of an application. The
 * summary is sealed under the applicant's data key (store/vault.h); every
 * statement here answers it sealed ("summary_sealed", bytea text) and
 * evaluations_open replaces it with the text. The reads and the write find
 * the application only when the caller may see its applicant (a
 * restricted record: hr's alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/evaluations.h"
#include "store/vault.h"

#define FIELD "evaluation"

#define EVAL_JSON                                                                                  \
	"json_build_object('id', v.id, 'application_id', v.application_id, 'score', v.score, "     \
	"'summary', v.summary, 'summary_sealed', v.summary_sealed::text, 'author', v.author, "     \
	"'created_at', rfc3339(v.created_at))"

/* The application p's applicant is visible to the caller ($n: whether restricted ones are). */
#define VISIBLE(n)                                                                                 \
	" AND EXISTS (SELECT 1 FROM applicants a WHERE a.id = p.applicant_id "                     \
	"AND (a.restricted_at IS NULL OR $" #n "::boolean)) "

static struct db_stmt applicant_of =
    DB_STMT("SELECT p.applicant_id FROM applications p WHERE p.id = $1" VISIBLE(2));

static struct db_stmt insert_eval = DB_STMT(
    "WITH p AS (SELECT id, applicant_id FROM applications WHERE id = $1), "
    "v AS (INSERT INTO evaluations (application_id, score, summary_sealed, author) "
    "  SELECT id, $2::smallint, $3::bytea, $4 FROM p RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $4, 'evaluation.create', p.applicant_id, 'evaluation:' || v.id, $5 FROM v, p) "
    "SELECT " EVAL_JSON "::text FROM v");

static struct db_stmt list_evals =
    DB_STMT("SELECT coalesce(json_agg(" EVAL_JSON " ORDER BY v.created_at, v.id) "
            "  FILTER (WHERE v.id IS NOT NULL), '[]')::text, p.applicant_id "
            "FROM applications p LEFT JOIN evaluations v ON v.application_id = p.id WHERE p.id = "
            "$1" VISIBLE(2) "GROUP BY p.id");

static struct db_stmt get_eval =
    DB_STMT("SELECT " EVAL_JSON "::text, p.applicant_id FROM evaluations v "
            "JOIN applications p ON p.id = v.application_id WHERE v.id = $1" VISIBLE(2));

/* Open one evaluation object's summary in place: 0, or 1 when it does not open. */
static int
open_one(json_t *e, const unsigned char *key, const char *applicant_id)
{
	const char *sealed = json_string_value(json_object_get(e, "summary_sealed"));

	if (sealed != NULL) {
		char *text = key ? vault_open_text(key, applicant_id, FIELD, sealed) : NULL;
		if (text == NULL)
			return 1;
		json_object_set_new(e, "summary", json_string(text));
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_object_del(e, "summary_sealed");
	return 0;
}

int
evaluations_open(struct db *db, json_t *evals, const char *applicant_id)
{
	unsigned char key[SEAL_KEY_LEN];
	bool sealed = false;
	size_t i;
	json_t *e;
	int rc = 0;

	json_t *list = json_is_array(evals) ? evals : json_pack("[O]", evals);
	json_array_foreach(list, i, e) sealed |=
	    json_object_get(e, "summary_sealed") != NULL &&
	    !json_is_null(json_object_get(e, "summary_sealed"));
	if (sealed && (rc = vault_key(applicant_id, key)) < 0)
		db_mark_unavailable(db);
	json_array_foreach(list, i,
	                   e) if (rc == 0 && open_one(e, sealed ? key : NULL, applicant_id)) rc = 1;
	if (list != evals)
		json_decref(list);
	explicit_bzero(key, sizeof(key));
	return rc;
}

int
evaluations_add(struct db *db, const char *application_id, bool sees_restricted, int score,
                const char *summary, const char *author, const char *request_id, json_t **out)
{
	unsigned char key[SEAL_KEY_LEN];
	const char *params[5] = {application_id, sees_restricted ? "true" : "false"};
	char applicant[37], score_s[8], *sealed;
	bool failed = false;
	PGresult *row;
	int rc;

	if ((rc = db_row(db, &applicant_of, 2, params, &row)) != 0)
		return rc;
	snprintf(applicant, sizeof(applicant), "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	if (vault_key_or_new(applicant, key) != 0) {
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
	rc = db_json(db, &insert_eval, 5, params, out, NULL);
	free(sealed);
	if (rc != 0)
		return rc;
	json_object_set_new(*out, "summary", summary ? json_string(summary) : json_null());
	json_object_del(*out, "summary_sealed");
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

int
evaluations_seal_batch(struct db *db, int batch, long *sealed)
{
	char limit[16];
	PGresult *res;
	int rc = 0;

	*sealed = 0;
	snprintf(limit, sizeof(limit), "%d", batch);
	const char *params[1] = {limit};
	if (db_begin(db) != 0 || (res = db_run(db, &unsealed_evals, 1, params)) == NULL)
		return -1;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		unsigned char key[SEAL_KEY_LEN];
		bool failed = false;
		const char *applicant = PQgetvalue(res, i, 1);
		if (vault_key_or_new(applicant, key) != 0) {
			rc = -1;
			break;
		}
		char *s = vault_seal_text(key, applicant, FIELD, PQgetvalue(res, i, 2), &failed);
		explicit_bzero(key, sizeof(key));
		const char *p2[2] = {PQgetvalue(res, i, 0), s};
		rc = failed ? -1 : db_do(db, &seal_eval, 2, p2);
		free(s);
	}
	*sealed = PQntuples(res);
	PQclear(res);
	if (rc != 0 || db_exec(db, "COMMIT") != 0) {
		db_rollback(db);
		*sealed = 0;
		return -1;
	}
	return 0;
}
