/*
 * purge: retention runs in bounded batches. See purge.h for the guarantees.
 * The engine judges; store/applicants.c reads the subjects and
 * store/erasure.c deletes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/digest.h"
#include "core/log.h"
#include "domain/retention.h"
#include "jobs/purge.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/email_changes.h"
#include "store/erasure.h"
#include "store/exports.h"
#include "store/pending.h"
#include "store/privacy.h"
#include "store/purge_runs.h"
#include "store/rate.h"

struct run {
	char id[37];
	bool dry;
	const char *actor, *request_id;
	struct policies policies;
	double now;
	long examined, expired, held, purged;
	json_t *by_rule, *ids, *swept;
};

/* Judge row i; true when it should be purged now (expired, not held). Fills the rule's label. */
static bool
judge_row(struct run *run, const PGresult *res, int i, bool count, char *label, size_t len)
{
	struct verdict v;

	if ((PQgetvalue(res, i, 6)[0] == 't'
	         ? retention_judge_restricted(&run->policies, atof(PQgetvalue(res, i, 1)),
	                                      PQgetvalue(res, i, 4)[0] == 't',
	                                      PQgetvalue(res, i, 5), &v)
	         : retention_judge_json(&run->policies, atof(PQgetvalue(res, i, 1)),
	                                PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2),
	                                PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3),
	                                PQgetvalue(res, i, 4)[0] == 't', PQgetvalue(res, i, 5),
	                                &v)) != 0 ||
	    !retention_is_past(&v, run->now))
		return false;
	retention_rule_label(v.rule, label, len);
	if (count) {
		run->expired++;
		json_object_set_new(
		    run->by_rule, label,
		    json_integer(json_integer_value(json_object_get(run->by_rule, label)) + 1));
		if (v.held)
			run->held++;
	}
	return !v.held;
}

/* "{"a","b"}" for a uuid[] or text[] parameter, each element quoted and escaped. */
static char *
pg_array(json_t *values)
{
	size_t i, n = 3;
	json_t *v;
	json_array_foreach(values, i, v) n += 2 * strlen(json_string_value(v)) + 3;
	char *s = xmalloc(n), *o = s;
	*o++ = '{';
	json_array_foreach(values, i, v)
	{
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *c = json_string_value(v); *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return s;
}

/* Delete the candidates that are still due once locked. 0 or -1. */
static int
erase(struct db *db, struct run *run, json_t *candidates)
{
	char *ids = pg_array(candidates), label[160];
	PGresult *res = NULL;
	json_t *due = json_array(), *rules = json_array();
	int rc = -1;

	if (db_begin(db) != 0 || (res = applicants_lock_subjects(db, ids)) == NULL)
		goto done;
	for (int i = 0; i < PQntuples(res); i++)
		if (judge_row(run, res, i, false, label,
		              sizeof(label))) { /* judged again under the lock */
			json_array_append_new(due, json_string(PQgetvalue(res, i, 0)));
			json_array_append_new(rules, json_string(label));
		}
	if (json_array_size(due) > 0) {
		char *a = pg_array(due), *b = pg_array(rules);
		long purged = 0;
		int failed = erasure_purge(db, a, b, run->id, run->actor, run->request_id, &purged);
		run->purged += purged;
		free(a);
		free(b);
		if (failed)
			goto done;
		json_array_extend(run->ids, due);
	}
	rc = db_exec(db, "COMMIT");
done:
	if (rc != 0)
		db_rollback(db);
	PQclear(res);
	json_decref(due);
	json_decref(rules);
	free(ids);
	return rc;
}

/* The ids of res (one column) as a uuid[] literal. */
static char *
id_array(const PGresult *res)
{
	int n = PQntuples(res);
	const char **ids = xcalloc((size_t)n + 1, sizeof(*ids));

	for (int i = 0; i < n; i++)
		ids[i] = PQgetvalue(res, i, 0);
	char *s = db_array(ids, (size_t)n);
	free(ids);
	return s;
}

/* Walk every applicant that may be due once, a batch at a time. 0 or -1. */
static int
walk(struct db *db, struct run *run)
{
	char label[160];
	int rc = 0;

	/* every applicant is examined: those with an open application by the walk's statement */
	if (applicants_count(db, &run->examined) != 0 || applicants_walk_begin(db) != 0)
		return -1;
	while (rc == 0) {
		PGresult *batch = applicants_walk_next(db, PURGE_BATCH), *res = NULL;
		int n = batch ? PQntuples(batch) : 0;
		if (batch == NULL) {
			rc = -1;
			break;
		}
		if (n > 0) {
			char *ids = id_array(batch);
			res = applicants_subjects(db, ids);
			free(ids);
		}
		PQclear(batch);
		if (n == 0)
			break;
		if (res == NULL) {
			rc = -1;
			break;
		}
		json_t *candidates = json_array();
		for (int i = 0; i < PQntuples(res); i++)
			if (judge_row(run, res, i, true, label, sizeof(label)))
				json_array_append_new(candidates,
				                      json_string(PQgetvalue(res, i, 0)));
		PQclear(res);
		if (run->dry)
			json_array_extend(run->ids, candidates);
		else if (json_array_size(candidates) > 0)
			rc = erase(db, run, candidates);
		json_decref(candidates);
		if (n < PURGE_BATCH)
			break;
	}
	applicants_walk_end(db);
	return rc;
}

static int
finish(struct db *db, struct run *run, const char *status)
{
	char counts[4][24];
	char *by_rule = json_dumps(run->by_rule, JSON_COMPACT),
	     *ids = json_dumps(run->ids, JSON_COMPACT);
	snprintf(counts[0], 24, "%ld", run->examined);
	snprintf(counts[1], 24, "%ld", run->expired);
	snprintf(counts[2], 24, "%ld", run->held);
	snprintf(counts[3], 24, "%ld", run->purged);
	char *swept = json_dumps(run->swept, JSON_COMPACT);
	const char *params[9] = {run->id,   status,  counts[0], counts[1], counts[2],
	                         counts[3], by_rule, ids,       swept};
	int rc = db_do(db, &purge_runs_finish_run, 9, params);
	free(by_rule);
	free(ids);
	free(swept);
	return rc;
}

/*
 * What else expires goes in the same run: idempotency keys older than 24
 * hours, submissions never confirmed (with their resume), sign-in codes and
 * applicant tokens past their time, rate-limit windows a day old, privacy
 * requests ended over 24 months ago, privacy requests whose verification
 * link expired unused (denied as unverifiable, their address deleted), and
 * changes of address whose link expired. 0 or -1.
 */
static int
sweep(struct db *db, struct run *run)
{
	const char *params[1] = {run->dry ? "true" : "false"};
	long keys, pending, sessions, rates, requests, exports, unverified, changes;

	if (db_count(db, &purge_runs_sweep_idempotency, 1, params, &keys) != 0 ||
	    pending_sweep(db, run->dry, &pending) != 0 ||
	    auth_sweep(db, run->dry, &sessions) != 0 || rate_sweep(db, run->dry, &rates) != 0 ||
	    privacy_sweep(db, run->dry, &requests) != 0 ||
	    exports_sweep(db, run->dry, &exports) != 0 ||
	    privacy_deny_unverified(db, run->dry, NULL, &unverified) != 0 ||
	    email_changes_sweep(db, run->dry, &changes) != 0)
		return -1;
	json_object_set_new(run->swept, "idempotency_keys", json_integer(keys));
	json_object_set_new(run->swept, "pending_submissions", json_integer(pending));
	json_object_set_new(run->swept, "sign_in_codes_and_tokens", json_integer(sessions));
	json_object_set_new(run->swept, "rate_windows", json_integer(rates));
	json_object_set_new(run->swept, "privacy_requests", json_integer(requests));
	json_object_set_new(run->swept, "exports", json_integer(exports));
	json_object_set_new(run->swept, "privacy_requests_unverified", json_integer(unverified));
	json_object_set_new(run->swept, "email_changes", json_integer(changes));
	return 0;
}

/*
 * Let PostgreSQL reuse the space the deleted rows held (outside any
 * transaction). Without TRUNCATE, since giving trailing pages back to the
 * operating system takes an exclusive lock that VACUUM waits up to 5 s for
 * while any other transaction (another purge, the API) uses the table.
 */
static void
reclaim(struct db *db)
{
	if (db_exec(db, "VACUUM (ANALYZE, TRUNCATE false) applicants, documents, applications, "
	                "application_history, "
	                "evaluations, applicant_tokens, idempotency_keys") != 0)
		log_msg(LOG_WARN, "vacuum after purge failed", "sqlstate=%s", db_sqlstate(db));
}

json_t *
purge_run(struct db *db, bool dry_run, const char *actor, const char *request_id)
{
	struct run run = {.dry = dry_run, .actor = actor, .request_id = request_id};
	const char *start[3] = {run.id, dry_run ? "true" : "false", actor};
	PGresult *pol;
	json_t *report = NULL;

	const char *id[1] = {run.id};
	if (uuid_v4(run.id) != 0) {
		db_mark_unavailable(db); /* no randomness: 503 */
		return NULL;
	}
	if (db_do(db, &purge_runs_start_run, 3, start) != 0 ||
	    db_do(db, &purge_runs_claim, 1, id) != 0)
		return NULL;
	/* Keys of erasures a crash left queued go first (store/erasure.h). */
	long shredded;
	if (!dry_run && erasure_shred(db, &shredded) != 0)
		log_msg(LOG_WARN, "data keys", "queued keys could not be destroyed yet");
	/* Runs whose process died midway hold no lock: they failed, and say so. */
	if (db_do(db, &purge_runs_bury_dead, 1, id) != 0 ||
	    (pol = db_run(db, &purge_runs_load_policies, 0, NULL)) == NULL) {
		(void)!db_do(db, &purge_runs_release, 1, id);
		return NULL;
	}
	json_t *rules = json_loads(PQgetvalue(pol, 0, 0), 0, NULL);
	run.now = atof(PQgetvalue(pol, 0, 1));
	PQclear(pol);
	run.by_rule = json_object();
	run.ids = json_array();
	run.swept = json_object();
	if (retention_policies_parse(rules, &run.policies) == 0 && walk(db, &run) == 0 &&
	    sweep(db, &run) == 0 && finish(db, &run, "finished") == 0) {
		if (!dry_run && run.purged > 0)
			reclaim(db);
		report = purge_report(db, run.id);
	} else if (db_failure(db) != DB_UNAVAILABLE) {
		(void)!finish(db, &run, "failed");
	}
	(void)!db_do(db, &purge_runs_release, 1, id);
	json_decref(rules);
	json_decref(run.by_rule);
	json_decref(run.ids);
	json_decref(run.swept);
	retention_policies_free(&run.policies);
	return report;
}

json_t *
purge_report(struct db *db, const char *id)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &purge_runs_get_run, 1, params);
	json_t *report =
	    res && PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;

	PQclear(res);
	return report;
}
