/*
 * applicants: the applicant's row, and the only module that reads or writes
 * an applicant's personal columns (full_name, email, phone, address,
 * social_handles): when data keys come, the only place that encrypts and
 * decrypts them. Nothing here knows a request: callers pass who acts (the
 * actor and request id for the audit entry) and get JSON back.
 *
 * Every statement that reads a full record or changes one writes its audit
 * entry in the same statement (a data-modifying CTE), so a record is never
 * read or changed without its entry, and the pair costs one round trip.
 * Deleting is erasure.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/profile.h"
#include "domain/retention.h"
#include "store/applicants.h"
#include "store/db.h"

#define COLUMNS                                                                                    \
	"a.id, a.full_name, a.email, a.phone, a.title, a.job_title, a.address::text, "             \
	"a.social_handles::text, a.source_type, a.source_detail, a.marketing_opt_in, "             \
	"a.legal_hold_reason, rfc3339(a.legal_hold_set_at), rfc3339(a.created_at), "               \
	"rfc3339(a.updated_at), a.version, a.privacy_notice_version, "                             \
	"rfc3339(a.privacy_notice_accepted_at), rfc3339(a.age_16_or_over_at), "                    \
	"extract(epoch FROM a.created_at), a.address->>'country', "                                \
	"a.address->>'region', " RETENTION_APPS_SQL ", " RETENTION_POLICIES_SQL                    \
	", a.sharing_opt_out, a.restricted_at IS NOT NULL"

enum {
	C_ID,
	C_NAME,
	C_EMAIL,
	C_PHONE,
	C_TITLE,
	C_JOB,
	C_ADDRESS,
	C_SOCIAL,
	C_SRC_TYPE,
	C_SRC_DETAIL,
	C_MARKETING,
	C_HOLD_REASON,
	C_HOLD_AT,
	C_CREATED,
	C_UPDATED,
	C_VERSION,
	C_NOTICE_VERSION,
	C_NOTICE_AT,
	C_AGE_AT,
	C_CREATED_EPOCH,
	C_ADDR_COUNTRY,
	C_ADDR_REGION,
	C_APPS,
	C_POLICIES,
	C_SHARING,
	C_RESTRICTED
};

static json_t *
col_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static json_t *
col_json(const PGresult *res, int row, int col)
{
	json_t *v;

	if (PQgetisnull(res, row, col))
		return json_null();
	v = json_loads(PQgetvalue(res, row, col), 0, NULL);
	return v ? v : json_null();
}

/* The editable members, in the order clients see them. */
static json_t *
editable_from_row(const PGresult *res, int row)
{
	json_t *doc = json_object();
	json_t *addr = col_json(res, row, C_ADDRESS);

	json_object_set_new(doc, "full_name", col_text(res, row, C_NAME));
	json_object_set_new(doc, "email", col_text(res, row, C_EMAIL));
	json_object_set_new(doc, "phone", col_text(res, row, C_PHONE));
	json_object_set_new(doc, "title", col_text(res, row, C_TITLE));
	json_object_set_new(doc, "job_title", col_text(res, row, C_JOB));
	if (json_is_object(addr)) { /* jsonb sorts keys; give them back in the documented order */
		json_t *ordered = json_object();
		for (int i = 0; profile_address_keys[i]; i++) {
			json_t *v = json_object_get(addr, profile_address_keys[i]);
			json_object_set(ordered, profile_address_keys[i], v ? v : json_null());
		}
		json_decref(addr);
		addr = ordered;
	}
	json_object_set_new(doc, "address", addr);
	json_object_set_new(doc, "social_handles", col_json(res, row, C_SOCIAL));
	json_object_set_new(doc, "source",
	                    json_pack("{s:o, s:o}", "type", col_text(res, row, C_SRC_TYPE),
	                              "detail", col_text(res, row, C_SRC_DETAIL)));
	json_object_set_new(doc, "marketing_opt_in",
	                    json_boolean(PQgetvalue(res, row, C_MARKETING)[0] == 't'));
	return doc;
}

static json_t *
hold_from_row(const PGresult *res, int row)
{
	if (PQgetisnull(res, row, C_HOLD_AT))
		return json_null();
	return json_pack("{s:o, s:o}", "reason", col_text(res, row, C_HOLD_REASON), "set_at",
	                 col_text(res, row, C_HOLD_AT));
}

/* Where the record stands: when it expires and what keeps it. */
static json_t *
retention_from_row(const PGresult *res, int row)
{
	const struct policies *p = retention_policies_cached(PQgetvalue(res, row, C_POLICIES));
	struct verdict v;

	bool restricted = PQgetvalue(res, row, C_RESTRICTED)[0] == 't';

	if (p == NULL ||
	    (restricted
	         ? retention_judge_restricted(p, atof(PQgetvalue(res, row, C_CREATED_EPOCH)),
	                                      !PQgetisnull(res, row, C_HOLD_AT),
	                                      PQgetvalue(res, row, C_APPS), &v)
	         : retention_judge_json(
	               p, atof(PQgetvalue(res, row, C_CREATED_EPOCH)),
	               PQgetisnull(res, row, C_ADDR_COUNTRY) ? NULL
	                                                     : PQgetvalue(res, row, C_ADDR_COUNTRY),
	               PQgetisnull(res, row, C_ADDR_REGION) ? NULL
	                                                    : PQgetvalue(res, row, C_ADDR_REGION),
	               !PQgetisnull(res, row, C_HOLD_AT), PQgetvalue(res, row, C_APPS), &v)) != 0)
		return json_null();
	return retention_json(&v);
}

/* What the applicant agreed to when applying; null for records staff entered. */
static json_t *
consent_from_row(const PGresult *res, int row)
{
	if (PQgetisnull(res, row, C_NOTICE_AT))
		return json_null();
	return json_pack(
	    "{s:o, s:o, s:b, s:o}", "privacy_notice_version", col_text(res, row, C_NOTICE_VERSION),
	    "privacy_notice_accepted_at", col_text(res, row, C_NOTICE_AT), "age_16_or_over",
	    !PQgetisnull(res, row, C_AGE_AT), "age_attested_at", col_text(res, row, C_AGE_AT));
}

static json_t *
applicant_from_row(const PGresult *res, int row)
{
	json_t *doc = json_pack("{s:o}", "id", col_text(res, row, C_ID));
	json_t *fields = editable_from_row(res, row);

	json_object_update(doc, fields);
	json_decref(fields);
	json_object_set_new(doc, "sharing_opt_out",
	                    json_boolean(PQgetvalue(res, row, C_SHARING)[0] == 't'));
	json_object_set_new(doc, "restricted",
	                    json_boolean(PQgetvalue(res, row, C_RESTRICTED)[0] == 't'));
	json_object_set_new(doc, "consent", consent_from_row(res, row));
	json_object_set_new(doc, "legal_hold", hold_from_row(res, row));
	json_object_set_new(doc, "retention", retention_from_row(res, row));
	json_object_set_new(doc, "created_at", col_text(res, row, C_CREATED));
	json_object_set_new(doc, "updated_at", col_text(res, row, C_UPDATED));
	json_object_set_new(doc, "version", json_integer(atol(PQgetvalue(res, row, C_VERSION))));
	return doc;
}

/* The nine editable members as statement parameters, from a normalised document. */
struct row_params {
	const char *v[10];
	char *address, *social;
};

static void
row_params_init(struct row_params *rp, const json_t *doc)
{
	json_t *a = json_object_get(doc, "address");
	json_t *s = json_object_get(doc, "source");

	rp->v[0] = json_string_value(json_object_get(doc, "full_name"));
	rp->v[1] = json_string_value(json_object_get(doc, "email"));
	rp->v[2] = json_string_value(json_object_get(doc, "phone"));
	rp->v[3] = json_string_value(json_object_get(doc, "title"));
	rp->v[4] = json_string_value(json_object_get(doc, "job_title"));
	rp->address = json_is_object(a) ? jsonx_dump(a) : NULL;
	rp->social = jsonx_dump(json_object_get(doc, "social_handles"));
	rp->v[5] = rp->address;
	rp->v[6] = rp->social;
	rp->v[7] = json_string_value(json_object_get(s, "type"));
	rp->v[8] = json_string_value(json_object_get(s, "detail"));
	rp->v[9] = json_is_true(json_object_get(doc, "marketing_opt_in")) ? "true" : "false";
}

static void
row_params_fini(struct row_params *rp)
{
	free(rp->address);
	free(rp->social);
}

/* ------------------------------------------------------------------ */
/* reads and writes                                                     */

static struct db_stmt insert_applicant = DB_STMT(
    "WITH a AS (INSERT INTO applicants (full_name, email, phone, title, job_title, address, "
    "  social_handles, source_type, source_detail, marketing_opt_in) "
    "  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10::boolean) "
    "  ON CONFLICT ((lower(email))) DO NOTHING RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $11, 'applicant.create', id, 'applicant', $12 FROM a) "
    "SELECT " COLUMNS " FROM a");

static struct db_stmt read_applicant =
    DB_STMT("WITH a AS (SELECT * FROM applicants WHERE id = $1), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'applicant.read', id, 'applicant', $3 FROM a) "
            "SELECT " COLUMNS " FROM a");

static struct db_stmt current_applicant =
    DB_STMT("SELECT " COLUMNS " FROM applicants a WHERE id = $1");

static struct db_stmt update_applicant =
    DB_STMT("WITH a AS (UPDATE applicants SET full_name = $3, email = $4, phone = $5, title = $6, "
            "  job_title = $7, address = $8::jsonb, social_handles = $9::jsonb, source_type = $10, "
            "  source_detail = $11, marketing_opt_in = $12::boolean, "
            "  sharing_opt_out = coalesce($16::boolean, sharing_opt_out), version = version + 1, "
            "updated_at = now() "
            "  WHERE id = $1 AND version = $2::int RETURNING *), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $13, 'applicant.update', id, $15, $14 FROM a) "
            "SELECT " COLUMNS " FROM a");

static struct db_stmt find_by_email =
    DB_STMT("SELECT id FROM applicants WHERE lower(email) = lower($1)");

/* Row 0 of res as the record and its version; res cleared. 0, or 1 when there is no row. */
static int
take_record(PGresult *res, json_t **record, long *version)
{
	int rc = 1;

	if (PQntuples(res) == 1) {
		*record = applicant_from_row(res, 0);
		if (version != NULL)
			*version = atol(PQgetvalue(res, 0, C_VERSION));
		rc = 0;
	}
	PQclear(res);
	return rc;
}

int
applicants_insert(struct db *db, const json_t *doc, const char *actor, const char *request_id,
                  json_t **record, long *version)
{
	struct row_params rp;
	const char *params[12];
	PGresult *res;
	int rc = -1;

	row_params_init(&rp, doc);
	memcpy(params, rp.v, sizeof(rp.v));
	params[10] = actor;
	params[11] = request_id;
	/* An address on record inserts nothing (never an error: the server's log would quote it).
	 */
	if ((res = db_run(db, &insert_applicant, 12, params)) != NULL)
		rc = take_record(res, record, version) == 0 ? 0 : 2;
	row_params_fini(&rp);
	return rc;
}

int
applicants_read(struct db *db, const char *id, const char *actor, const char *request_id,
                json_t **record, long *version)
{
	const char *params[3] = {id, actor, request_id};
	PGresult *res = db_run(db, &read_applicant, 3, params);

	return res == NULL ? -1 : take_record(res, record, version);
}

int
applicants_current(struct db *db, const char *id, json_t **record, long *version)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &current_applicant, 1, params);

	return res == NULL ? -1 : take_record(res, record, version);
}

int
applicants_update(struct db *db, const char *id, long have, const json_t *doc, const char *actor,
                  const char *request_id, const char *target, json_t **record, long *version)
{
	const char *params[16];
	struct row_params rp;
	char v[24];
	PGresult *res;
	json_t *sharing = json_object_get(doc, "sharing_opt_out");

	row_params_init(&rp, doc);
	snprintf(v, sizeof(v), "%ld", have);
	params[0] = id;
	params[1] = v;
	memcpy(params + 2, rp.v, sizeof(rp.v));
	params[12] = actor;
	params[13] = request_id;
	params[14] = target;
	params[15] = sharing == NULL ? NULL : json_is_true(sharing) ? "true" : "false";
	res = db_run(db, &update_applicant, 16, params);
	row_params_fini(&rp);
	return res == NULL ? -1 : take_record(res, record, version);
}

int
applicants_find_email(struct db *db, const char *email, char id[37])
{
	const char *params[1] = {email};
	PGresult *res;
	int rc = db_row(db, &find_by_email, 1, params, &res);

	if (rc == 0)
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* lists and searches                                                   */

#define LIST_COLUMNS                                                                               \
	"id, full_name, email, job_title, rfc3339(created_at), rfc3339(updated_at), version"
#define LIST_ORDER " ORDER BY created_at DESC, id DESC LIMIT $3"

static struct db_stmt list_all = DB_STMT(
    "SELECT " LIST_COLUMNS " FROM applicants "
    "WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND restricted_at IS NULL" LIST_ORDER);

/*
 * A search (?q=) first looks for a page among the newest records before the
 * cursor, in order: SEARCH_WINDOW times as many records as a page holds.
 * Only when they hold less than a page, and the pattern has a trigram for
 * the indexes to use, it gathers every match before the cursor through them
 * and sorts those. So a common pattern finds its page among the newest
 * records, and a rare one never walks the whole table in order, whatever
 * the planner guesses: it assumes matches are spread evenly in time, and
 * they need not be (all of a name's matches may be among the oldest
 * records). A pattern without a trigram can use no index: the planner
 * chooses between walking in order and scanning, planning for the pattern
 * on every run.
 */
#define SEARCH_WINDOW 10

static struct db_stmt search_recent = DB_STMT(
    "SELECT " LIST_COLUMNS " FROM ("
    "  SELECT id, full_name, email, job_title, created_at, updated_at, version FROM applicants "
    "  WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND restricted_at IS NULL "
    "  ORDER BY created_at DESC, id DESC LIMIT $5) w "
    "WHERE full_name ILIKE $4 OR email ILIKE $4" LIST_ORDER);

static struct db_stmt search_sparse = DB_STMT(
    "WITH m AS MATERIALIZED ("
    "  SELECT id, full_name, email, job_title, created_at, updated_at, version FROM applicants "
    "  WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND restricted_at IS NULL "
    "  AND (full_name ILIKE $4 OR email ILIKE $4)) "
    "SELECT " LIST_COLUMNS " FROM m" LIST_ORDER);

static struct db_stmt search_any =
    DB_STMT_PLANNED_EACH_TIME("SELECT " LIST_COLUMNS " FROM applicants "
                              "WHERE (created_at, id) < ($1::timestamptz, $2::uuid) "
                              "AND restricted_at IS NULL "
                              "AND (full_name ILIKE $4 OR email ILIKE $4)" LIST_ORDER);

/* Whether pg_trgm finds a trigram in '%q%': q has three letters or digits in a row. */
static bool
has_trigram(const char *q)
{
	int run = 0;

	for (const unsigned char *c = (const unsigned char *)q; *c; c++) {
		if ((*c & 0xC0) == 0x80)
			continue; /* the rest of a UTF-8 character already counted */
		bool alnum = (*c >= '0' && *c <= '9') ||
		             ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') || *c >= 0xC0;
		run = alnum ? run + 1 : 0;
		if (run == 3)
			return true;
	}
	return false;
}

/* With opening_id and/or stage: applicants with an application that matches both. */
static struct db_stmt list_filtered = DB_STMT_PLANNED_EACH_TIME(
    "SELECT " LIST_COLUMNS " FROM applicants a "
    "WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND a.restricted_at IS NULL "
    "AND ($4::text IS NULL OR full_name ILIKE $4 OR email ILIKE $4) "
    "AND EXISTS (SELECT 1 FROM applications p WHERE p.applicant_id = a.id "
    "  AND ($5::uuid IS NULL OR p.opening_id = $5::uuid) AND ($6::text IS NULL OR p.stage = "
    "$6))" LIST_ORDER);

static json_t *
summaries(const PGresult *res, int n)
{
	json_t *items = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(
		    items,
		    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "id", col_text(res, i, 0),
		              "full_name", col_text(res, i, 1), "email", col_text(res, i, 2),
		              "job_title", col_text(res, i, 3), "created_at", col_text(res, i, 4),
		              "updated_at", col_text(res, i, 5), "version",
		              (json_int_t)atol(PQgetvalue(res, i, 6))));
	return items;
}

/* '%q%' with LIKE's own metacharacters escaped, so q matches literally. */
static char *
like_pattern(const char *q)
{
	char *out = xmalloc(2 * strlen(q) + 3), *o = out;

	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

json_t *
applicants_page(struct db *db, const struct applicant_query *q)
{
	char *pattern = q->q && *q->q ? like_pattern(q->q) : NULL;
	const char *params[6] = {q->k1, q->k2, q->limit_param, pattern, q->opening, q->stage};
	PGresult *res;

	if (q->opening || q->stage) {
		res = db_run(db, &list_filtered, 6, params);
	} else if (pattern) {
		char window[16];
		snprintf(window, sizeof(window), "%d", SEARCH_WINDOW * (q->limit + 1));
		const char *search[5] = {q->k1, q->k2, q->limit_param, pattern, window};
		res = db_run(db, &search_recent, 5, search);
		if (res &&
		    PQntuples(res) <= q->limit) { /* less than a page and the next one's first */
			PQclear(res);
			res =
			    db_run(db, has_trigram(q->q) ? &search_sparse : &search_any, 4, params);
		}
	} else {
		res = db_run(db, &list_all, 3, params);
	}
	free(pattern);
	if (res == NULL)
		return NULL;
	json_t *items = summaries(res, PQntuples(res));
	PQclear(res);
	return items;
}

/* ------------------------------------------------------------------ */
/* legal holds and presence                                             */

static struct db_stmt set_hold =
    DB_STMT("WITH a AS (UPDATE applicants SET legal_hold_reason = $2, "
            "  legal_hold_set_at = coalesce(legal_hold_set_at, now()), version = version + 1, "
            "updated_at = now() "
            "  WHERE id = $1 RETURNING id, legal_hold_reason, legal_hold_set_at, version), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $3, 'legal_hold.set', id, 'applicant:legal_hold', $4 FROM a) "
            "SELECT json_build_object('reason', legal_hold_reason, 'set_at', "
            "rfc3339(legal_hold_set_at))::text, version "
            "FROM a");

static struct db_stmt lift_hold =
    DB_STMT("WITH a AS (UPDATE applicants SET legal_hold_reason = NULL, legal_hold_set_at = NULL, "
            "  version = version + 1, updated_at = now() WHERE id = $1 AND legal_hold_set_at IS "
            "NOT NULL RETURNING id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'legal_hold.lift', id, 'applicant:legal_hold', $3 FROM a) "
            "SELECT count(*) FROM a");

static struct db_stmt restricted_state =
    DB_STMT("SELECT restricted_at IS NOT NULL FROM applicants WHERE id = $1");

int
applicants_restricted(struct db *db, const char *id, bool *restricted)
{
	const char *params[1] = {id};
	PGresult *row;
	int rc = db_row(db, &restricted_state, 1, params, &row);

	if (rc == 0) {
		*restricted = PQgetvalue(row, 0, 0)[0] == 't';
		PQclear(row);
	}
	return rc;
}

static struct db_stmt hold_state =
    DB_STMT("SELECT legal_hold_set_at IS NOT NULL FROM applicants WHERE id = $1");

int
applicants_hold_write(struct db *db, const char *id, const char *reason, const char *actor,
                      const char *request_id, json_t **hold, long *version)
{
	const char *params[4] = {id, reason, actor, request_id};
	PGresult *res;
	int rc = db_row(db, &set_hold, 4, params, &res);

	if (rc == 0) {
		*hold = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		*version = atol(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

int
applicants_hold_clear(struct db *db, const char *id, const char *actor, const char *request_id)
{
	const char *params[3] = {id, actor, request_id};
	long lifted;

	if (db_count(db, &lift_hold, 3, params, &lifted) != 0)
		return -1;
	return lifted == 1 ? 0 : 1;
}

int
applicants_held(struct db *db, const char *id, bool *held)
{
	const char *params[1] = {id};
	PGresult *res;
	int rc = db_row(db, &hold_state, 1, params, &res);

	if (rc == 0)
		*held = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return rc;
}

int
applicants_exists(struct db *db, const char *id)
{
	bool held;

	return applicants_held(db, id, &held);
}

/* ------------------------------------------------------------------ */
/* a privacy request's erasure, held back by a floor or a hold          */

static struct db_stmt restrict_record = DB_STMT(
    "WITH a AS (UPDATE applicants SET restricted_at = now(), marketing_opt_in = false, "
    "    social_handles = '[]'::jsonb, version = version + 1, updated_at = now() "
    "  WHERE id = $1 RETURNING id), "
    "d AS (DELETE FROM documents WHERE applicant_id IN (SELECT id FROM a) AND kind <> 'resume' "
    "  RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.restrict', id, "
    "    'marketing_opt_in,social_handles,documents:' || (SELECT count(*) FROM d), $2 FROM a) "
    "SELECT (SELECT count(*) FROM d) FROM a");

int
applicants_restrict(struct db *db, const char *id, const char *request_id, long *documents)
{
	const char *params[2] = {id, request_id};
	PGresult *row;
	int rc = db_row(db, &restrict_record, 2, params, &row);

	if (rc == 0) {
		*documents = strtol(PQgetvalue(row, 0, 0), NULL, 10);
		PQclear(row);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* a privacy request's opt-out                                          */

static struct db_stmt opt_out =
    DB_STMT("WITH a AS (UPDATE applicants SET marketing_opt_in = false, sharing_opt_out = true, "
            "    version = version + 1, updated_at = now() "
            "  WHERE lower(email) = lower($1) RETURNING id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'applicant.update', id, 'marketing_opt_in,sharing_opt_out', $3 FROM a) "
            "SELECT id FROM a");

int
applicants_opt_out(struct db *db, const char *email, const char *actor, const char *request_id,
                   char id[37])
{
	const char *params[3] = {email, actor, request_id};
	PGresult *row;
	int rc = db_row(db, &opt_out, 3, params, &row);

	if (rc == 0) {
		snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
		PQclear(row);
	}
	return rc;
}

static struct db_stmt share_opt_out =
    DB_STMT("WITH a AS (UPDATE applicants SET sharing_opt_out = true, version = version + 1, "
            "    updated_at = now() "
            "  WHERE lower(email) = lower($1) AND NOT sharing_opt_out RETURNING id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'applicant.update', id, 'sharing_opt_out', $3 FROM a) "
            "SELECT count(*) FROM a");

int
applicants_share_opt_out(struct db *db, const char *email, const char *actor,
                         const char *request_id)
{
	const char *params[3] = {email, actor, request_id};
	long n;

	return db_count(db, &share_opt_out, 3, params, &n);
}

/* ------------------------------------------------------------------ */
/* confirming a pending submission                                      */

static struct db_stmt lock_by_pending = DB_STMT(
    "SELECT a.id FROM applicants a JOIN pending_submissions s ON lower(a.email) = lower(s.email) "
    "WHERE s.id = $1 FOR NO KEY UPDATE OF a");

static struct db_stmt insert_from_pending = DB_STMT(
    "WITH a AS (INSERT INTO applicants (full_name, email, phone, source_type, marketing_opt_in, "
    "    privacy_notice_version, privacy_notice_accepted_at, age_16_or_over_at, sharing_opt_out) "
    "  SELECT full_name, email, phone, 'direct', marketing_opt_in, privacy_notice_version, "
    "    accepted_at, accepted_at, sharing_opt_out OR $2::boolean FROM pending_submissions "
    "  WHERE id = $1 ON CONFLICT ((lower(email))) DO NOTHING RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.create', id, 'applicant', $3 FROM a) "
    "SELECT id FROM a");

/* Sec-GPC on either request records the sharing opt-out; nothing else of a record changes. */
static struct db_stmt gpc_opt_out = DB_STMT(
    "WITH a AS (UPDATE applicants SET sharing_opt_out = true, version = version + 1, "
    "    updated_at = now() "
    "  WHERE id = $1 AND NOT sharing_opt_out AND ($2::boolean OR (SELECT sharing_opt_out FROM "
    "    pending_submissions WHERE id = $3)) RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', 'applicant.update', id, 'sharing_opt_out', $4 FROM a) "
    "SELECT 1");

int
applicants_adopt(struct db *db, const char *pending_id, bool gpc, const char *request_id,
                 char id[37], bool *created)
{
	const char *params[3] = {pending_id, gpc ? "true" : "false", request_id};
	PGresult *row;
	int rc;

	*created = false;
	/* On record: lock it. Else create it; a concurrent confirmation may have won the
	 * address meanwhile (the insert then does nothing), and the second look sees it. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = db_row(db, &lock_by_pending, 1, params, &row)) < 0)
			return -1;
		if (rc == 0) {
			snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
			PQclear(row);
			const char *p2[4] = {id, params[1], pending_id, request_id};
			return db_do(db, &gpc_opt_out, 4, p2);
		}
		if (attempt == 1)
			break;
		if ((rc = db_row(db, &insert_from_pending, 3, params, &row)) < 0)
			return -1;
		if (rc == 0) {
			snprintf(id, 37, "%s", PQgetvalue(row, 0, 0));
			PQclear(row);
			*created = true;
			return 0;
		}
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* retention subjects                                                   */

#define SUBJECT_COLUMNS                                                                            \
	"a.id, extract(epoch FROM a.created_at), a.address->>'country', a.address->>'region', "    \
	"a.legal_hold_set_at IS NOT NULL, " RETENTION_APPS_SQL ", a.restricted_at IS NOT NULL"

static struct db_stmt next_batch =
    DB_STMT("SELECT " SUBJECT_COLUMNS
            " FROM applicants a WHERE a.id > $1::uuid ORDER BY a.id LIMIT $2::int");

static struct db_stmt lock_batch = DB_STMT(
    "SELECT " SUBJECT_COLUMNS " FROM applicants a WHERE a.id = ANY ($1::uuid[]) ORDER BY a.id "
    "FOR UPDATE SKIP LOCKED");

PGresult *
applicants_subjects(struct db *db, const char *after, const char *limit)
{
	const char *params[2] = {after, limit};

	return db_run(db, &next_batch, 2, params);
}

PGresult *
applicants_lock_subjects(struct db *db, const char *ids)
{
	const char *params[1] = {ids};

	return db_run(db, &lock_batch, 1, params);
}
