/* privacy: the privacy-request log. See privacy.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/fold.h"
#include "core/page.h"
#include "domain/privacy.h"
#include "domain/retention.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/privacy.h"
#include "store/vault.h"

#include "privacy_sealed.h"
#include "sealing.h"

static struct db_stmt insert_request = DB_STMT(
    "WITH r AS (INSERT INTO privacy_requests (id, type, status, channel, applicant_id, "
    "    email_masked, received_at, confirm_by, confirmed_at, verification_level, due_at, "
    "    details, corrections, agent, sealed, key_id, requester_key) "
    "  SELECT $15::uuid, $1, $2, $3, $4::uuid, $5, t.at, to_timestamp($7::bigint), now(), $8, "
    "    to_timestamp($14::bigint), $9, $10::jsonb, $11::jsonb, $16::bytea, $17::uuid, "
    "    $18::text "
    "  FROM (SELECT coalesce(to_timestamp($6::bigint), now()) AS at) t "
    "  WHERE t.at <= now() + interval '1 minute' "
    "  RETURNING id), "
    "c AS (INSERT INTO privacy_request_contacts (request_id, sealed) SELECT id, "
    "$12::bytea "
    "  FROM r WHERE $12::bytea IS NOT NULL), "
    "e AS (INSERT INTO privacy_request_events (request_id, event, actor_role) "
    "  SELECT id, 'received', $13 FROM r) "
    "SELECT id FROM r");

int
privacy_insert(struct db *db, const struct privacy_new *p, char id[37])
{
	char confirm[24], due[24], kid[37], *sealed, *contact;
	PGresult *row;
	int rc;

	/* the parts the log keeps only for a while: sealed under the request's own key */
	if (uuid_v4(id) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	json_t *corr = p->corrections ? json_loads(p->corrections, JSON_DECODE_ANY, NULL) : NULL;
	json_t *agent = p->agent ? json_loads(p->agent, JSON_DECODE_ANY, NULL) : NULL;
	json_t *parts = json_pack("{s:s?, s:o, s:o}", "details", p->details, "corrections",
	                          corr ? corr : json_null(), "agent", agent ? agent : json_null());
	rc = privacy_sealed_make(db, id, parts, p->email, kid, &sealed, &contact);
	json_decref(parts);
	if (rc != 0)
		return -1;
	snprintf(confirm, sizeof(confirm), "%lld", p->confirm_by);
	snprintf(due, sizeof(due), "%lld", p->due_at);
	char requester[65];
	privacy_requester_key(p->email, requester);
	const char *params[18] = {p->type,
	                          p->status,
	                          p->channel,
	                          p->applicant_id,
	                          p->email_masked,
	                          p->received_at,
	                          confirm,
	                          p->verification_level,
	                          NULL,
	                          NULL,
	                          NULL,
	                          contact,
	                          p->actor_role,
	                          due,
	                          id,
	                          sealed,
	                          kid,
	                          requester[0] ? requester : NULL};
	rc = db_row(db, &insert_request, 18, params, &row);
	free(sealed);
	free(contact);
	if (rc != 0) {
		if (vault_destroy((const char *const[]){kid}, 1) != 0)
			rc = -1; /* a key that seals nothing stays */
		return rc;
	}
	snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	return 0;
}

static struct db_stmt add_event =
    DB_STMT("INSERT INTO privacy_request_events (request_id, event, actor_role) "
            "VALUES ($1, $2, $3)");

int
privacy_event(struct db *db, const char *id, const char *event, const char *actor_role)
{
	const char *params[3] = {id, event, actor_role};
	return db_do(db, &add_event, 3, params);
}

static struct db_stmt store_code =
    DB_STMT("WITH c AS (INSERT INTO privacy_verifications (code_sha256, request_id, expires_at) "
            "  VALUES ($1, $2, now() + make_interval(hours => $3::int)) RETURNING request_id) "
            "INSERT INTO privacy_request_events (request_id, event, actor_role) "
            "SELECT request_id, 'verification_sent', 'system' FROM c");

int
privacy_code_store(struct db *db, const char *id, const char *code_sha256)
{
	char hours[8];

	snprintf(hours, sizeof(hours), "%d", PRIVACY_VERIFY_HOURS);
	const char *params[3] = {code_sha256, id, hours};
	return db_do(db, &store_code, 3, params);
}

static struct db_stmt take_code = DB_STMT(
    "SELECT r.id, r.type, c.email, c.sealed::text, r.key_id::text FROM privacy_verifications v "
    "JOIN privacy_requests r ON r.id = v.request_id "
    "JOIN privacy_request_contacts c ON c.request_id = r.id "
    "WHERE v.code_sha256 = $1 AND v.expires_at > now() AND r.status = 'awaiting_verification' "
    "FOR UPDATE OF r");

int
privacy_code_take(struct db *db, const char *code_sha256, char id[37], char type[32], char **email)
{
	const char *params[1] = {code_sha256};
	PGresult *row;
	int rc = db_row(db, &take_code, 1, params, &row);

	if (rc != 0)
		return rc;
	snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
	snprintf(type, 32, "%s", PQgetvalue(row, 0, 1));
	int down;
	*email =
	    privacy_sealed_contact(id, PQgetisnull(row, 0, 4) ? NULL : PQgetvalue(row, 0, 4),
	                           PQgetisnull(row, 0, 3) ? NULL : PQgetvalue(row, 0, 3),
	                           PQgetisnull(row, 0, 2) ? NULL : PQgetvalue(row, 0, 2), &down);
	PQclear(row);
	if (down)
		db_mark_unavailable(db);
	return down ? -1 : *email != NULL ? 0 : 1;
}

static struct db_stmt drop_codes =
    DB_STMT("DELETE FROM privacy_verifications WHERE request_id = $1");

int
privacy_code_drop(struct db *db, const char *id)
{
	const char *params[1] = {id};
	return db_do(db, &drop_codes, 1, params);
}

static struct db_stmt failed_try = DB_STMT(
    "WITH r AS (UPDATE privacy_requests SET failed_tries = failed_tries + 1, version = version + 1 "
    "  WHERE id = $1 RETURNING id, failed_tries), "
    "e AS (INSERT INTO privacy_request_events (request_id, event, actor_role) "
    "  SELECT id, 'verification_failed', 'requester' FROM r) "
    "SELECT failed_tries FROM r");

int
privacy_failed_try(struct db *db, const char *id, int *tries)
{
	const char *params[1] = {id};
	long n;

	if (db_count(db, &failed_try, 1, params, &n) != 0)
		return -1;
	*tries = (int)n;
	return 0;
}

static struct db_stmt verified =
    DB_STMT("WITH r AS (UPDATE privacy_requests SET status = 'in_progress', verified_at = now(), "
            "    applicant_id = coalesce($2::uuid, applicant_id), verification_level = $3, "
            "    data_points_matched = $4::int, "
            "    declaration_signed_at = CASE WHEN $5::text IS NOT NULL THEN now() END, "
            "    declaration_signed_name_sha256 = $5, version = version + 1 "
            "  WHERE id = $1 RETURNING id), "
            "v AS (DELETE FROM privacy_verifications WHERE request_id IN (SELECT id FROM r)) "
            "INSERT INTO privacy_request_events (request_id, event, actor_role) "
            "SELECT id, 'verified', 'requester' FROM r");

int
privacy_verified(struct db *db, const char *id, const char *applicant_id, const char *level,
                 int data_points, const char *signed_name)
{
	char points[8], keyed[65];

	snprintf(points, sizeof(points), "%d", data_points);
	if (signed_name != NULL) {
		char *msg = xasprintf("declaration:%s", signed_name);
		vault_rate_hash(msg, keyed);
		explicit_bzero(msg, strlen(msg));
		free(msg);
	}
	const char *params[5] = {id, applicant_id, level, points,
	                         signed_name != NULL ? keyed : NULL};
	return db_do(db, &verified, 5, params);
}

static struct db_stmt for_employee =
    DB_STMT("WITH r AS (UPDATE privacy_requests SET employee_id = $2::uuid, status_reason = $3, "
            "    version = version + 1 WHERE id = $1 RETURNING id) "
            "INSERT INTO privacy_request_events (request_id, event, actor_role) "
            "SELECT id, $4, 'system' FROM r");

int
privacy_for_employee(struct db *db, const char *id, const char *employee_id, const char *reason,
                     const char *event)
{
	const char *params[4] = {id, employee_id, reason, event};
	return db_do(db, &for_employee, 4, params);
}

static struct db_stmt finish = DB_STMT(
    "WITH r AS (UPDATE privacy_requests SET status = $2, outcome = $3, outcome_detail = $4, "
    "    categories = coalesce($5::jsonb, categories), items = coalesce($6::jsonb, items), "
    "    completed_at = now(), applicant_id = coalesce($8::uuid, applicant_id), "
    "    version = version + 1 "
    "  WHERE id = $1 AND completed_at IS NULL RETURNING id), "
    "c AS (DELETE FROM privacy_request_contacts WHERE request_id IN (SELECT id FROM r)), "
    "v AS (DELETE FROM privacy_verifications WHERE request_id IN (SELECT id FROM r)), "
    "e AS (INSERT INTO privacy_request_events (request_id, event, actor_role) "
    "  SELECT id, $2, $7 FROM r) "
    "SELECT count(*) FROM r");

static struct db_stmt forget_if_erased =
    DB_STMT("WITH u AS (UPDATE privacy_requests r SET sealed = NULL, key_id = NULL "
            "  WHERE r.id = $1 AND r.key_id IS NOT NULL AND r.applicant_id IS NOT NULL "
            "  AND NOT EXISTS (SELECT 1 FROM applicants a WHERE a.id = r.applicant_id) "
            "  RETURNING 1) SELECT count(*) FROM u");

int
privacy_finish(struct db *db, const char *id, const char *status, const char *outcome,
               const char *detail, const char *categories, const char *items,
               const char *actor_role, const char *applicant_id)
{
	const char *params[8] = {id,         status, outcome,    detail,
	                         categories, items,  actor_role, applicant_id};
	long n;
	int rc = 1;

	/* the completion's words are sealed with the request (kept readable only from before) */
	if (detail != NULL &&
	    (rc = privacy_sealed_put(db, id, "outcome_detail", json_string(detail))) < 0)
		return -1;
	if (rc == 0)
		params[3] = NULL;
	if (db_count(db, &finish, 8, params, &n) != 0)
		return -1;
	if (n == 1) { /* its subject erased meanwhile: its parts go now (the outcome is queued) */
		const char *p1[1] = {id};
		long gone;
		if (db_count(db, &forget_if_erased, 1, p1, &gone) != 0)
			return -1;
		if (gone > 0)
			erasure_shred_after_commit(db);
	}
	return n == 1 ? 0 : 1;
}

static struct db_stmt extend_state =
    DB_STMT("SELECT extended_due_at IS NOT NULL, completed_at IS NOT NULL OR now() >= due_at, "
            "floor(extract(epoch FROM received_at))::bigint "
            "FROM privacy_requests WHERE id = $1 FOR UPDATE");

/* $4: the extended due date, counted in the company's zone (not the session's TimeZone). */
static struct db_stmt extend =
    DB_STMT("WITH r AS (UPDATE privacy_requests SET extended_due_at = to_timestamp($4::bigint), "
            "    extension_reason = $2, version = version + 1 WHERE id = $1 RETURNING id) "
            "INSERT INTO privacy_request_events (request_id, event, actor_role) "
            "SELECT id, 'extended', $3 FROM r");

int
privacy_extend(struct db *db, const struct zone *zone, const char *id, const char *reason,
               const char *actor_role)
{
	char due[24];
	const char *params[4] = {id, reason, actor_role, due};
	PGresult *row;
	int rc = db_row(db, &extend_state, 1, params, &row);

	if (rc != 0)
		return rc;
	rc = PQgetvalue(row, 0, 0)[0] == 't' ? 2 : PQgetvalue(row, 0, 1)[0] == 't' ? 3 : 0;
	time_t received = (time_t)strtoll(PQgetvalue(row, 0, 2), NULL, 10);
	PQclear(row);
	if (rc != 0)
		return rc;
	snprintf(due, sizeof(due), "%lld",
	         (long long)privacy_add_days(received, PRIVACY_EXTENDED_DAYS, zone));
	if ((rc = privacy_sealed_put(db, id, "extension_reason", json_string(reason))) < 0)
		return -1;
	if (rc == 0)
		params[1] = NULL; /* sealed with the request */
	return db_do(db, &extend, 4, params);
}

static struct db_stmt get_request =
    DB_STMT("SELECT " REQUEST_JSON "::text FROM privacy_requests r WHERE r.id = $1 "
            "AND ($2::uuid IS NULL OR r.applicant_id = $2::uuid)");

int
privacy_get(struct db *db, const char *id, const char *applicant_id, json_t **out)
{
	const char *params[2] = {id, applicant_id};
	PGresult *row;
	int rc = db_row(db, &get_request, 2, params, &row);

	if (rc != 0)
		return rc;
	*out = json_loads(PQgetvalue(row, 0, 0), 0, NULL);
	PQclear(row);
	if (*out != NULL && privacy_sealed_open(db, *out) != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return *out ? 0 : -1;
}

static struct db_stmt email_of =
    DB_STMT("SELECT c.email, c.sealed::text, r.key_id::text FROM privacy_request_contacts c "
            "JOIN privacy_requests r ON r.id = c.request_id WHERE c.request_id = $1");

int
privacy_email_of(struct db *db, const char *id, char **email)
{
	const char *params[1] = {id};
	PGresult *row;
	int rc = db_row(db, &email_of, 1, params, &row);

	*email = NULL;
	if (rc < 0)
		return -1;
	if (rc == 0) {
		int down;
		*email = privacy_sealed_contact(
		    id, PQgetisnull(row, 0, 2) ? NULL : PQgetvalue(row, 0, 2),
		    PQgetisnull(row, 0, 1) ? NULL : PQgetvalue(row, 0, 1),
		    PQgetisnull(row, 0, 0) ? NULL : PQgetvalue(row, 0, 0), &down);
		PQclear(row);
		if (down) {
			db_mark_unavailable(db);
			return -1;
		}
	}
	return 0;
}

static struct db_stmt sweep = DB_STMT(
    "WITH r AS (DELETE FROM privacy_requests WHERE completed_at < now() - interval '24 months' "
    "  AND NOT $1::boolean RETURNING 1) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM privacy_requests WHERE "
    "  completed_at < now() - interval '24 months') ELSE (SELECT count(*) FROM r) END");

/* 30 days after completion the request's personal parts go: their key is destroyed. */
static struct db_stmt forget_parts =
    DB_STMT("UPDATE privacy_requests SET sealed = NULL, key_id = NULL WHERE key_id IS NOT NULL "
            "AND completed_at < now() - interval '30 days'");

int
privacy_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	int rc = db_count(db, &sweep, 1, params, n);

	if (rc == 0 && !dry && (rc = db_do(db, &forget_parts, 0, NULL)) == 0)
		erasure_shred_after_commit(db);
	return rc;
}

static struct db_stmt holdings =
    DB_STMT("SELECT EXISTS (SELECT 1 FROM documents WHERE applicant_id = $1), "
            "EXISTS (SELECT 1 FROM applications WHERE applicant_id = $1), "
            "EXISTS (SELECT 1 FROM evaluations e JOIN applications p ON p.id = e.application_id "
            "  WHERE p.applicant_id = $1)");

int
privacy_holdings(struct db *db, const char *applicant_id, bool *documents, bool *applications,
                 bool *evaluations)
{
	const char *params[1] = {applicant_id};
	PGresult *row;
	int rc = db_row(db, &holdings, 1, params, &row);

	if (rc != 0)
		return rc;
	*documents = PQgetvalue(row, 0, 0)[0] == 't';
	*applications = PQgetvalue(row, 0, 1)[0] == 't';
	*evaluations = PQgetvalue(row, 0, 2)[0] == 't';
	PQclear(row);
	return 0;
}

/* The applicant's open applications withdrawn as an erasure request's first step, each audited. */
static struct db_stmt withdraw_open = DB_STMT(
    "WITH o AS (SELECT id, stage FROM applications WHERE applicant_id = $1 "
    "    AND stage NOT IN ('hired', 'rejected', 'withdrawn') FOR UPDATE), "
    "p AS (UPDATE applications a SET stage = 'withdrawn', updated_at = now(), "
    "    version = a.version + 1, closed_at = now() FROM o WHERE a.id = o.id "
    "  RETURNING a.id, a.track, a.opening_id, a.applicant_id, o.stage AS was), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor, reason) "
    "  SELECT id, was, 'withdrawn', 'applicant', 'an erasure request' FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) "
    "  SELECT track, opening_id, 'withdrawn' FROM p), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'application.transition', applicant_id, "
    "    'application:' || id || ':' || was || '>withdrawn', $2 FROM p) "
    "SELECT count(*) FROM p");

int
privacy_withdraw_open(struct db *db, const char *applicant_id, const char *request_id, long *n)
{
	const char *params[2] = {applicant_id, request_id};
	return db_count(db, &withdraw_open, 2, params, n);
}

static struct db_stmt set_corrections =
    DB_STMT("UPDATE privacy_requests SET corrections = $2::jsonb, version = version + 1 "
            "WHERE id = $1");

int
privacy_set_corrections(struct db *db, const char *id, const char *corrections)
{
	const char *params[2] = {id, corrections};
	json_t *value = json_loads(corrections, JSON_DECODE_ANY, NULL);
	int rc = value ? privacy_sealed_put(db, id, "corrections", value) : -1;

	if (rc != 1) /* sealed with the request; in plaintext only for a request from before */
		return rc;
	return db_do(db, &set_corrections, 2, params);
}

/* The record's country, else the country of the opening it applied to last. */
static struct db_stmt subject_country =
    DB_STMT("SELECT coalesce(a.country, (SELECT o.country FROM applications p JOIN openings o ON "
            "  o.id = p.opening_id WHERE p.applicant_id = a.id AND o.country IS NOT NULL "
            "  ORDER BY p.created_at DESC LIMIT 1), '') FROM applicants a WHERE a.id = $1");

int
privacy_subject_country(struct db *db, const char *applicant_id, char country[3])
{
	const char *params[1] = {applicant_id};
	PGresult *row;
	int rc = db_row(db, &subject_country, 1, params, &row);

	country[0] = '\0';
	if (rc != 0)
		return rc;
	snprintf(country, 3, "%s", PQgetvalue(row, 0, 0));
	PQclear(row);
	return 0;
}

/*
 * Requests whose link expired unused are denied as unverifiable, and the
 * address they waited on goes (DESIGN: "A request never verified is denied
 * as unverifiable once its link expires, and its contact data destroyed").
 */
#define UNVERIFIED                                                                                 \
	"r.status = 'awaiting_verification' AND ($2::uuid IS NULL OR r.id = $2::uuid) "            \
	"AND NOT EXISTS (SELECT 1 FROM privacy_verifications v WHERE v.request_id = r.id "         \
	"  AND v.expires_at > now())"

static struct db_stmt deny_unverified = DB_STMT_PLANNED_EACH_TIME(
    "WITH r AS (UPDATE privacy_requests r SET status = 'denied', outcome = 'denied', "
    "    outcome_detail = 'The request could not be verified: the link sent to the address "
    "was not followed within 72 hours.', completed_at = now(), version = version + 1, "
    "    sealed = NULL, key_id = NULL "
    "  WHERE NOT $1::boolean AND " UNVERIFIED " RETURNING id), "
    "c AS (DELETE FROM privacy_request_contacts WHERE request_id IN (SELECT id FROM r)), "
    "v AS (DELETE FROM privacy_verifications WHERE request_id IN (SELECT id FROM r)), "
    "e AS (INSERT INTO privacy_request_events (request_id, event, actor_role) "
    "  SELECT id, x.event, 'system' FROM r, unnest(ARRAY['verification_expired', 'denied']) "
    "  WITH ORDINALITY x(event, n) ORDER BY n) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM privacy_requests r WHERE " UNVERIFIED
    ") ELSE (SELECT count(*) FROM r) END");

int
privacy_deny_unverified(struct db *db, bool dry, const char *id, long *n)
{
	const char *params[2] = {dry ? "true" : "false", id};
	int rc = db_count(db, &deny_unverified, 2, params, n);

	if (rc == 0 && !dry && *n > 0)
		erasure_shred_after_commit(db); /* their keys: the contact data goes */
	return rc;
}

/* The applicant's row, locked against a concurrent legal hold (or any write) until commit. */
static struct db_stmt lock_subject =
    DB_STMT("SELECT 1 FROM applicants WHERE id = $1::uuid FOR NO KEY UPDATE");

int
privacy_lock_subject(struct db *db, const char *applicant_id)
{
	const char *params[1] = {applicant_id};
	PGresult *row;
	int rc = db_row(db, &lock_subject, 1, params, &row);

	if (rc == 0)
		PQclear(row);
	return rc;
}
