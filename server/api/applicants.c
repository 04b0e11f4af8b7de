/*
 * applicants: the applicant record, the core of what recruitd holds.
 *
 * Every statement that reads a full record or changes one writes its audit
 * entry in the same statement (a data-modifying CTE), so a record is never
 * read or changed without its entry, and the pair costs one round trip.
 * Deleting leaves a tombstone without personal data, so later reads answer
 * 410 with the disposition. Writes carry the record's version: If-Match, or
 * "version" in a patch, makes a stale write a 412 that changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applicants.h"
#include "api/applications.h"
#include "store/db.h"
#include "api/handlers.h"
#include "api/rest.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "api/idempotency.h"
#include "core/jsonx.h"
#include "edge/paging.h"
#include "core/problem.h"
#include "domain/retention.h"
#include "core/validate.h"

#define NAME_MAX_CHARS 200
#define TEXT_MAX_CHARS 200
#define EMAIL_MAX_CHARS 254
#define PHONE_MAX_CHARS 40
#define DETAIL_MAX_CHARS 500
#define HOLD_REASON_MAX_CHARS 500
#define MAX_SOCIAL_HANDLES 20

static const char *const editable[] = {"full_name", "email", "phone", "title", "job_title", "address",
				       "social_handles", "source", "marketing_opt_in", NULL};
static const char *const readonly[] = {"id", "legal_hold", "consent", "created_at", "updated_at", "version",
				       "retention", "applications", "documents", NULL};
static const char *const address_keys[] = {"line1", "line2", "city", "region", "postal_code", "country", NULL};
static const char *const social_keys[] = {"network", "handle", NULL};
static const char *const source_keys[] = {"type", "detail", NULL};
static const char *const source_types[] = {"direct", "recruiter", "agency", "referral", "event", "import", NULL};

/* ------------------------------------------------------------------ */
/* validation                                                           */

static void
check_email(const json_t *doc, struct problem *p)
{
	if (check_text(doc, "email", NULL, true, EMAIL_MAX_CHARS, p) &&
	    !is_email(json_string_value(json_object_get(doc, "email"))))
		problem_field(p, "email", "must be a valid e-mail address");
}

static void
check_phone(const json_t *doc, struct problem *p)
{
	json_t *v = json_object_get(doc, "phone");
	int digits = 0;

	if (!check_text(doc, "phone", NULL, false, PHONE_MAX_CHARS, p) || v == NULL || json_is_null(v))
		return;
	for (const char *s = json_string_value(v); *s; s++)
		digits += *s >= '0' && *s <= '9';
	if (digits < 3)
		problem_field(p, "phone", "must be a phone number");
}

static void
check_address(const json_t *doc, struct problem *p)
{
	json_t *a = json_object_get(doc, "address");
	json_t *country;

	if (a == NULL || json_is_null(a))
		return;
	if (!json_is_object(a)) {
		problem_field(p, "address", "must be an object or null");
		return;
	}
	check_known_keys(a, address_keys, NULL, "address", p);
	for (int i = 0; i < 5; i++)
		check_text(a, address_keys[i], "address", false, TEXT_MAX_CHARS, p);
	country = json_object_get(a, "country");
	if (country != NULL && !json_is_null(country) &&
	    !(json_is_string(country) && is_country_code(json_string_value(country))))
		problem_field(p, "address.country", "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US");
}

static void
check_social(const json_t *doc, struct problem *p)
{
	json_t *list = json_object_get(doc, "social_handles");
	json_t *item;
	size_t i;
	char path[48];

	if (list == NULL || json_is_null(list))
		return;
	if (!json_is_array(list)) {
		problem_field(p, "social_handles", "must be an array");
		return;
	}
	if (json_array_size(list) > MAX_SOCIAL_HANDLES)
		problem_field(p, "social_handles", "must have at most %d entries", MAX_SOCIAL_HANDLES);
	json_array_foreach(list, i, item) {
		snprintf(path, sizeof(path), "social_handles[%zu]", i);
		if (!json_is_object(item)) {
			problem_field(p, path, "must be an object {network, handle}");
			continue;
		}
		check_known_keys(item, social_keys, NULL, path, p);
		check_text(item, "network", path, true, 50, p);
		check_text(item, "handle", path, true, TEXT_MAX_CHARS, p);
	}
}

static void
check_source(const json_t *doc, bool creating, struct problem *p)
{
	json_t *s = json_object_get(doc, "source");

	if (s == NULL || json_is_null(s)) {
		if (!creating)
			problem_field(p, "source", "is required");
		return;
	}
	if (!json_is_object(s)) {
		problem_field(p, "source", "must be an object {type, detail}");
		return;
	}
	check_known_keys(s, source_keys, NULL, "source", p);
	check_enum(s, "type", "source", true, source_types, p);
	check_text(s, "detail", "source", false, DETAIL_MAX_CHARS, p);
}

bool
applicants_validate(const json_t *doc, bool creating, struct problem *p)
{
	bool had = problem_has_fields(p);

	check_known_keys(doc, editable, readonly, NULL, p);
	check_text(doc, "full_name", NULL, true, NAME_MAX_CHARS, p);
	check_email(doc, p);
	check_phone(doc, p);
	check_text(doc, "title", NULL, false, TEXT_MAX_CHARS, p);
	check_text(doc, "job_title", NULL, false, TEXT_MAX_CHARS, p);
	check_address(doc, p);
	check_social(doc, p);
	check_source(doc, creating, p);
	check_bool(doc, "marketing_opt_in", NULL, p);
	return !had && !problem_has_fields(p);
}

void
applicants_normalize(json_t *doc)
{
	json_t *a = json_object_get(doc, "address");
	json_t *s = json_object_get(doc, "source");

	for (int i = 0; editable[i]; i++)
		if (json_object_get(doc, editable[i]) == NULL)
			json_object_set_new(doc, editable[i], json_null());
	if (json_is_null(json_object_get(doc, "social_handles")))
		json_object_set_new(doc, "social_handles", json_array());
	if (json_is_null(json_object_get(doc, "marketing_opt_in")))
		json_object_set_new(doc, "marketing_opt_in", json_false());
	if (json_is_object(a))
		for (int i = 0; address_keys[i]; i++)
			if (json_object_get(a, address_keys[i]) == NULL)
				json_object_set_new(a, address_keys[i], json_null());
	if (!json_is_object(s))
		json_object_set_new(doc, "source", json_pack("{s:s, s:n}", "type", "recruiter", "detail"));
	else if (json_object_get(s, "detail") == NULL)
		json_object_set_new(s, "detail", json_null());
}

/* ------------------------------------------------------------------ */
/* representation                                                       */

#define COLUMNS                                                                                    \
	"a.id, a.full_name, a.email, a.phone, a.title, a.job_title, a.address::text, "             \
	"a.social_handles::text, a.source_type, a.source_detail, a.marketing_opt_in, "             \
	"a.legal_hold_reason, rfc3339(a.legal_hold_set_at), rfc3339(a.created_at), "               \
	"rfc3339(a.updated_at), a.version, a.privacy_notice_version, "                             \
	"rfc3339(a.privacy_notice_accepted_at), rfc3339(a.age_16_or_over_at), "                      \
	"extract(epoch FROM a.created_at), a.address->>'country', a.address->>'region', "            \
	RETENTION_APPS_SQL ", " RETENTION_POLICIES_SQL

enum {
	C_ID, C_NAME, C_EMAIL, C_PHONE, C_TITLE, C_JOB, C_ADDRESS, C_SOCIAL, C_SRC_TYPE, C_SRC_DETAIL,
	C_MARKETING, C_HOLD_REASON, C_HOLD_AT, C_CREATED, C_UPDATED, C_VERSION, C_NOTICE_VERSION,
	C_NOTICE_AT, C_AGE_AT, C_CREATED_EPOCH, C_ADDR_COUNTRY, C_ADDR_REGION, C_APPS, C_POLICIES
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
		for (int i = 0; address_keys[i]; i++) {
			json_t *v = json_object_get(addr, address_keys[i]);
			json_object_set(ordered, address_keys[i], v ? v : json_null());
		}
		json_decref(addr);
		addr = ordered;
	}
	json_object_set_new(doc, "address", addr);
	json_object_set_new(doc, "social_handles", col_json(res, row, C_SOCIAL));
	json_object_set_new(doc, "source", json_pack("{s:o, s:o}", "type", col_text(res, row, C_SRC_TYPE),
						     "detail", col_text(res, row, C_SRC_DETAIL)));
	json_object_set_new(doc, "marketing_opt_in", json_boolean(PQgetvalue(res, row, C_MARKETING)[0] == 't'));
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

	if (p == NULL ||
	    retention_judge_json(p, atof(PQgetvalue(res, row, C_CREATED_EPOCH)),
				 PQgetisnull(res, row, C_ADDR_COUNTRY) ? NULL : PQgetvalue(res, row, C_ADDR_COUNTRY),
				 PQgetisnull(res, row, C_ADDR_REGION) ? NULL : PQgetvalue(res, row, C_ADDR_REGION),
				 !PQgetisnull(res, row, C_HOLD_AT), PQgetvalue(res, row, C_APPS), &v) != 0)
		return json_null();
	return retention_json(&v);
}

/* What the applicant agreed to when applying; null for records staff entered. */
static json_t *
consent_from_row(const PGresult *res, int row)
{
	if (PQgetisnull(res, row, C_NOTICE_AT))
		return json_null();
	return json_pack("{s:o, s:o, s:b, s:o}", "privacy_notice_version", col_text(res, row, C_NOTICE_VERSION),
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
	json_object_set_new(doc, "consent", consent_from_row(res, row));
	json_object_set_new(doc, "legal_hold", hold_from_row(res, row));
	json_object_set_new(doc, "retention", retention_from_row(res, row));
	json_object_set_new(doc, "created_at", col_text(res, row, C_CREATED));
	json_object_set_new(doc, "updated_at", col_text(res, row, C_UPDATED));
	json_object_set_new(doc, "version", json_integer(atol(PQgetvalue(res, row, C_VERSION))));
	return doc;
}

/*
 * The record as the caller may see it. Applicants see their own record
 * without what HR keeps about it: the legal hold and the source's detail.
 */
static json_t *
view_of(const struct req *r, const PGresult *res, int row)
{
	json_t *doc = applicant_from_row(res, row);

	if (req_actor(r)->role == ROLE_APPLICANT) {
		json_object_del(doc, "legal_hold");
		json_object_del(doc, "retention"); /* it would tell of a hold */
		json_object_del(json_object_get(doc, "source"), "detail");
	}
	return doc;
}

/* Reply with the record in row 0 of res, with its ETag. */
static int
reply_applicant(struct req *r, unsigned status, const PGresult *res)
{
	reply_etag_version(r, atol(PQgetvalue(res, 0, C_VERSION)));
	return reply_json(r, status, view_of(r, res, 0));
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
/* answers shared by the handlers                                       */

static struct db_stmt find_tombstone = DB_STMT(
	"SELECT disposition, employee_id, rfc3339(at), run_id, rule FROM applicant_tombstones WHERE applicant_id = $1");

int
applicants_fail_absent(struct req *r, struct db *db, const char *id)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &find_tombstone, 1, params);
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return req_fail(r, 404, "no applicant with this id");
	}
	/* What the tombstone holds: why and when, never who. */
	const char *disposition = PQgetvalue(res, 0, 0);
	problem_extra(req_problem(r), "disposition", json_string(disposition));
	if (!PQgetisnull(res, 0, 1))
		problem_extra(req_problem(r), "employee_id", json_string(PQgetvalue(res, 0, 1)));
	problem_extra(req_problem(r), strcmp(disposition, "purged") == 0 ? "purged_at" : "at",
		      json_string(PQgetvalue(res, 0, 2)));
	if (!PQgetisnull(res, 0, 3))
		problem_extra(req_problem(r), "run_id", json_string(PQgetvalue(res, 0, 3)));
	if (!PQgetisnull(res, 0, 4))
		problem_extra(req_problem(r), "rule", json_string(PQgetvalue(res, 0, 4)));
	req_problem(r)->slug = "applicant-gone";
	rc = req_fail(r, 410, "this applicant's record is no longer held here (%s)", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static struct db_stmt find_by_email = DB_STMT("SELECT id FROM applicants WHERE lower(email) = lower($1)");

/* 409 naming the applicant who already has this e-mail address. */
static int
fail_duplicate_email(struct req *r, struct db *db, const char *email)
{
	const char *params[1] = {email};
	PGresult *res = db_run(db, &find_by_email, 1, params);

	/* Staff may learn whose address it is; an applicant may not. */
	if (res != NULL && PQntuples(res) == 1 && req_actor(r)->role != ROLE_APPLICANT)
		problem_extra(req_problem(r), "existing_id", json_string(PQgetvalue(res, 0, 0)));
	PQclear(res);
	req_problem(r)->slug = "duplicate-email";
	problem_field(req_problem(r), "email", "an applicant with this e-mail address is on record");
	return req_fail(r, 409, "an applicant with this e-mail address is on record");
}

/* The path's applicant id, or -1 with a 404 when it cannot be one. */
static int
path_id(struct req *r, const char **id)
{
	*id = req_param(r, 0);
	if (!is_uuid(*id))
		return req_fail(r, 404, "no applicant with this id");
	return 0;
}

/* ------------------------------------------------------------------ */
/* POST /v1/applicants                                                  */

static struct db_stmt insert_applicant = DB_STMT(
	"WITH a AS (INSERT INTO applicants (full_name, email, phone, title, job_title, address, "
	"  social_handles, source_type, source_detail, marketing_opt_in) "
	"  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10::boolean) RETURNING *), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $11, 'applicant.create', id, 'applicant', $12 FROM a) "
	"SELECT " COLUMNS " FROM a");

/* Insert, and with an Idempotency-Key store the response in the same transaction. */
static int
create_row(struct req *r, struct db *db, const json_t *doc)
{
	struct row_params rp;
	const char *params[12];
	PGresult *res;
	bool keyed = idem_wanted(r);
	int rc = -1;

	row_params_init(&rp, doc);
	memcpy(params, rp.v, sizeof(rp.v));
	params[10] = req_actor(r)->name;
	params[11] = req_id(r);
	if (keyed && db_exec(db, "BEGIN") != 0)
		goto done;
	if ((res = db_run(db, &insert_applicant, 12, params)) == NULL)
		goto done;
	json_t *body = applicant_from_row(res, 0);
	char *text = jsonx_dump(body);
	char *location = xasprintf("/v1/applicants/%s", PQgetvalue(res, 0, C_ID));
	rc = 0;
	if (keyed && idem_commit(r, db, "applicants.create", 201, text, location, PQgetvalue(res, 0, C_ID)) != 0)
		rc = -1;
	if (rc == 0) {
		reply_header(r, "Location", location);
		reply_etag_version(r, atol(PQgetvalue(res, 0, C_VERSION)));
		reply_owned(r, 201, "application/json", text, strlen(text), free, text); /* no second copy */
		text = NULL;
	}
	free(location);
	free(text);
	json_decref(body);
	PQclear(res);
done:
	row_params_fini(&rp);
	return rc;
}

int
applicants_create(struct req *r)
{
	json_t *doc = req_json(r);
	struct db *db;
	int rc;

	if (doc == NULL)
		return -1;
	if (!applicants_validate(doc, true, req_problem(r)))
		return req_fail_fields(r);
	if ((db = req_db(r)) == NULL)
		return -1;
	if ((rc = idem_replay(r, db, "applicants.create")) != 0)
		return rc > 0 ? 0 : -1;
	json_t *row = json_deep_copy(doc);
	applicants_normalize(row);
	rc = create_row(r, db, row);
	if (rc != 0 && db_failure(db) == DB_UNIQUE && strcmp(db_constraint(db), "applicants_email_key") == 0) {
		(void)!db_exec(db, "ROLLBACK");
		rc = fail_duplicate_email(r, db, json_string_value(json_object_get(row, "email")));
	} else if (rc != 0) {
		rc = idem_lost_race(r, db, "applicants.create");
	}
	json_decref(row);
	return rc;
}

/* ------------------------------------------------------------------ */
/* GET /v1/applicants                                                   */

#define LIST_COLUMNS "id, full_name, email, job_title, rfc3339(created_at), rfc3339(updated_at), version"
#define LIST_ORDER " ORDER BY created_at DESC, id DESC LIMIT $3"

static struct db_stmt list_all = DB_STMT(
	"SELECT " LIST_COLUMNS " FROM applicants "
	"WHERE (created_at, id) < ($1::timestamptz, $2::uuid)" LIST_ORDER);

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
	"  WHERE (created_at, id) < ($1::timestamptz, $2::uuid) "
	"  ORDER BY created_at DESC, id DESC LIMIT $5) w "
	"WHERE full_name ILIKE $4 OR email ILIKE $4" LIST_ORDER);

static struct db_stmt search_sparse = DB_STMT(
	"WITH m AS MATERIALIZED ("
	"  SELECT id, full_name, email, job_title, created_at, updated_at, version FROM applicants "
	"  WHERE (created_at, id) < ($1::timestamptz, $2::uuid) AND (full_name ILIKE $4 OR email ILIKE $4)) "
	"SELECT " LIST_COLUMNS " FROM m" LIST_ORDER);

static struct db_stmt search_any = DB_STMT_PLANNED_EACH_TIME(
	"SELECT " LIST_COLUMNS " FROM applicants "
	"WHERE (created_at, id) < ($1::timestamptz, $2::uuid) "
	"AND (full_name ILIKE $4 OR email ILIKE $4)" LIST_ORDER);

/* Whether pg_trgm finds a trigram in '%q%': q has three letters or digits in a row. */
static bool
has_trigram(const char *q)
{
	int run = 0;

	for (const unsigned char *c = (const unsigned char *)q; *c; c++) {
		if ((*c & 0xC0) == 0x80)
			continue; /* the rest of a UTF-8 character already counted */
		bool alnum = (*c >= '0' && *c <= '9') || ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') || *c >= 0xC0;
		run = alnum ? run + 1 : 0;
		if (run == 3)
			return true;
	}
	return false;
}

/* With opening_id and/or stage: applicants with an application that matches both. */
static struct db_stmt list_filtered = DB_STMT_PLANNED_EACH_TIME(
	"SELECT " LIST_COLUMNS " FROM applicants a "
	"WHERE (created_at, id) < ($1::timestamptz, $2::uuid) "
	"AND ($4::text IS NULL OR full_name ILIKE $4 OR email ILIKE $4) "
	"AND EXISTS (SELECT 1 FROM applications p WHERE p.applicant_id = a.id "
	"  AND ($5::uuid IS NULL OR p.opening_id = $5::uuid) AND ($6::text IS NULL OR p.stage = $6))" LIST_ORDER);

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

static json_t *
summaries(const PGresult *res, int n)
{
	json_t *items = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(items,
				      json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "id", col_text(res, i, 0),
						"full_name", col_text(res, i, 1), "email", col_text(res, i, 2),
						"job_title", col_text(res, i, 3), "created_at", col_text(res, i, 4),
						"updated_at", col_text(res, i, 5), "version",
						(json_int_t)atol(PQgetvalue(res, i, 6))));
	return items;
}

int
applicants_list(struct req *r)
{
	static const char *const allowed[] = {"q", "opening_id", "stage", "limit", "cursor", NULL};
	const char *q = req_query(r, "q"), *opening, *stage;
	struct page pg;
	struct db *db;
	PGresult *res;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0 ||
	    applications_filters(r, &opening, &stage) != 0)
		return -1;
	if (q != NULL && strlen(q) > 200) {
		problem_field(req_problem(r), "q", "must be at most 200 characters");
		return req_fail(r, 400, "bad search");
	}
	if ((db = req_db(r)) == NULL)
		return -1;
	char *pattern = q && *q ? like_pattern(q) : NULL;
	const char *params[6] = {pg.k1, pg.k2, pg.limit_param, pattern, opening, stage};
	if (opening || stage) {
		res = db_run(db, &list_filtered, 6, params);
	} else if (pattern) {
		char window[16];
		snprintf(window, sizeof(window), "%d", SEARCH_WINDOW * (pg.limit + 1));
		const char *search[5] = {pg.k1, pg.k2, pg.limit_param, pattern, window};
		res = db_run(db, &search_recent, 5, search);
		if (res && PQntuples(res) <= pg.limit) { /* less than a page and the next one's first */
			PQclear(res);
			res = db_run(db, has_trigram(q) ? &search_sparse : &search_any, 4, params);
		}
	} else {
		res = db_run(db, &list_all, 3, params);
	}
	free(pattern);
	if (res == NULL)
		return rest_fail_db(r, db);
	int n = PQntuples(res);
	json_t *body = rest_page_body(summaries(res, n > pg.limit ? pg.limit : n), res, pg.limit, 4, 0);
	PQclear(res);
	return reply_json(r, 200, body);
}

/* ------------------------------------------------------------------ */
/* GET /v1/applicants/{id}                                              */

static struct db_stmt read_applicant = DB_STMT(
	"WITH a AS (SELECT * FROM applicants WHERE id = $1), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $2, 'applicant.read', id, 'applicant', $3 FROM a) "
	"SELECT " COLUMNS " FROM a");

json_t *
applicants_read(struct req *r, struct db *db, const char *id, long *version)
{
	const char *params[3] = {id, req_actor(r)->name, req_id(r)};
	PGresult *res = db_run(db, &read_applicant, 3, params);
	json_t *doc = NULL;

	if (res == NULL) {
		rest_fail_db(r, db);
		return NULL;
	}
	if (PQntuples(res) == 1) {
		doc = view_of(r, res, 0);
		*version = atol(PQgetvalue(res, 0, C_VERSION));
	} else {
		applicants_fail_absent(r, db, id);
	}
	PQclear(res);
	return doc;
}

int
applicants_get(struct req *r)
{
	const char *id;
	struct db *db;
	json_t *doc;
	long version;

	if (path_id(r, &id) != 0 || (db = req_db(r)) == NULL)
		return -1;
	if ((doc = applicants_read(r, db, id, &version)) == NULL)
		return -1;
	reply_etag_version(r, version);
	return reply_json(r, 200, doc);
}

/* ------------------------------------------------------------------ */
/* PATCH /v1/applicants/{id}                                            */

static struct db_stmt current_applicant = DB_STMT("SELECT " COLUMNS " FROM applicants a WHERE id = $1");

static struct db_stmt update_applicant = DB_STMT(
	"WITH a AS (UPDATE applicants SET full_name = $3, email = $4, phone = $5, title = $6, "
	"  job_title = $7, address = $8::jsonb, social_handles = $9::jsonb, source_type = $10, "
	"  source_detail = $11, marketing_opt_in = $12::boolean, version = version + 1, updated_at = now() "
	"  WHERE id = $1 AND version = $2::int RETURNING *), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $13, 'applicant.update', id, $15, $14 FROM a) "
	"SELECT " COLUMNS " FROM a");

json_t *
applicants_load(struct db *db, const char *id)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &current_applicant, 1, params);
	json_t *doc = res && PQntuples(res) == 1 ? applicant_from_row(res, 0) : NULL;

	PQclear(res);
	return doc;
}

/* "applicant:email,phone": which members a patch changed (names only, never values). */
static char *
changed_members(const json_t *before, const json_t *after)
{
	char out[256] = "applicant:";

	for (int i = 0; editable[i]; i++)
		if (!json_equal(json_object_get(before, editable[i]), json_object_get(after, editable[i]))) {
			if (out[10] != '\0')
				strcat(out, ",");
			strcat(out, editable[i]);
		}
	return xstrdup(out);
}

/* Write the merged record over version `have`: 0 reply set, 1 lost a race (retry), -1 problem. */
static int
write_patch(struct req *r, struct db *db, const char *id, long have, long expect, const json_t *before,
	    json_t *after)
{
	const char *params[15];
	struct row_params rp;
	char version[24];
	char *target = changed_members(before, after);
	PGresult *res;
	int rc;

	applicants_normalize(after);
	row_params_init(&rp, after);
	snprintf(version, sizeof(version), "%ld", have);
	params[0] = id;
	params[1] = version;
	memcpy(params + 2, rp.v, sizeof(rp.v));
	params[12] = req_actor(r)->name;
	params[13] = req_id(r);
	params[14] = target;
	res = db_run(db, &update_applicant, 15, params);
	if (res == NULL && db_failure(db) == DB_UNIQUE)
		rc = fail_duplicate_email(r, db, rp.v[1]);
	else if (res == NULL)
		rc = rest_fail_db(r, db);
	else if (PQntuples(res) == 0)
		rc = expect != 0 ? req_fail(r, 412, "the record changed meanwhile") : 1;
	else
		rc = reply_applicant(r, 200, res);
	PQclear(res);
	free(target);
	row_params_fini(&rp);
	return rc;
}

/* One attempt: 0 done (reply set), 1 lost a race without If-Match (try again), -1 problem. */
static int
patch_once(struct req *r, struct db *db, const char *id, const json_t *patch, long expect)
{
	const char *params[1] = {id};
	PGresult *cur;
	int rc;

	if ((cur = db_run(db, &current_applicant, 1, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(cur) == 0) {
		PQclear(cur);
		return applicants_fail_absent(r, db, id);
	}
	long have = atol(PQgetvalue(cur, 0, C_VERSION));
	if (expect != 0 && expect != have) {
		PQclear(cur);
		return req_fail(r, 412, "the record changed since version %ld; it is at version %ld", expect, have);
	}
	json_t *before = editable_from_row(cur, 0);
	json_t *after = jsonx_merge_patch(json_deep_copy(before), (json_t *)patch);
	if (!applicants_validate(after, false, req_problem(r)))
		rc = req_fail_fields(r);
	else if (json_equal(before, after)) /* nothing to change: no new version, no entry */
		rc = reply_applicant(r, 200, cur);
	else
		rc = write_patch(r, db, id, have, expect, before, after);
	json_decref(before);
	json_decref(after);
	PQclear(cur);
	return rc;
}

int
applicants_patch_id(struct req *r, const char *id, const char *const *patchable)
{
	return rest_merge_patch(r, id, patchable, readonly, patch_once);
}

int
applicants_patch(struct req *r)
{
	static const char *const patchable[] = {"full_name", "email", "phone", "title", "job_title", "address",
						"social_handles", "source", "marketing_opt_in", "version", NULL};
	const char *id;

	if (path_id(r, &id) != 0)
		return -1;
	return applicants_patch_id(r, id, patchable);
}

/* ------------------------------------------------------------------ */
/* DELETE /v1/applicants/{id}                                           */

static struct db_stmt erase_applicant = DB_STMT(
	"WITH d AS (DELETE FROM applicants WHERE id = $1 AND legal_hold_set_at IS NULL "
	"  AND ($2::int IS NULL OR version = $2::int) RETURNING id), "
	"t AS (INSERT INTO applicant_tombstones (applicant_id, disposition) SELECT id, 'deleted' FROM d), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $3, 'applicant.delete', id, 'applicant', $4 FROM d) "
	"SELECT count(*) FROM d");

static struct db_stmt why_kept = DB_STMT(
	"SELECT legal_hold_set_at IS NOT NULL, version FROM applicants WHERE id = $1");

int
applicants_delete(struct req *r)
{
	const char *id;
	struct db *db;
	long expect = 0;
	char version[24];
	PGresult *res;
	int rc;

	if (path_id(r, &id) != 0 || req_if_match(r, &expect) < 0 || (db = req_db(r)) == NULL)
		return -1;
	snprintf(version, sizeof(version), "%ld", expect);
	const char *params[4] = {id, expect ? version : NULL, req_actor(r)->name, req_id(r)};
	if ((res = db_run(db, &erase_applicant, 4, params)) == NULL)
		return rest_fail_db(r, db);
	bool erased = atoi(PQgetvalue(res, 0, 0)) == 1;
	PQclear(res);
	if (erased)
		return reply_empty(r, 204);
	if ((res = db_run(db, &why_kept, 1, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		rc = applicants_fail_absent(r, db, id);
	} else if (PQgetvalue(res, 0, 0)[0] == 't') {
		req_problem(r)->slug = "legal-hold";
		rc = req_fail(r, 409, "the record is under legal hold; lift the hold first");
	} else {
		rc = req_fail(r, 412, "the record changed since version %ld", expect);
	}
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* PUT and DELETE /v1/applicants/{id}/legal-hold                        */

static struct db_stmt set_hold = DB_STMT(
	"WITH a AS (UPDATE applicants SET legal_hold_reason = $2, "
	"  legal_hold_set_at = coalesce(legal_hold_set_at, now()), version = version + 1, updated_at = now() "
	"  WHERE id = $1 RETURNING id, legal_hold_reason, legal_hold_set_at, version), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $3, 'legal_hold.set', id, 'applicant:legal_hold', $4 FROM a) "
	"SELECT legal_hold_reason, rfc3339(legal_hold_set_at), version FROM a");

static struct db_stmt lift_hold = DB_STMT(
	"WITH a AS (UPDATE applicants SET legal_hold_reason = NULL, legal_hold_set_at = NULL, "
	"  version = version + 1, updated_at = now() WHERE id = $1 AND legal_hold_set_at IS NOT NULL RETURNING id), "
	"l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
	"  SELECT $2, 'legal_hold.lift', id, 'applicant:legal_hold', $3 FROM a) "
	"SELECT count(*) FROM a");

int
applicants_hold_set(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	const char *id;
	json_t *body;
	struct db *db;
	PGresult *res;
	int rc;

	if (path_id(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_text(body, "reason", NULL, true, HOLD_REASON_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *params[4] = {id, json_string_value(json_object_get(body, "reason")), req_actor(r)->name,
				 req_id(r)};
	if ((res = db_run(db, &set_hold, 4, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		rc = applicants_fail_absent(r, db, id);
	} else {
		reply_etag_version(r, atol(PQgetvalue(res, 0, 2)));
		rc = reply_json(r, 200, json_pack("{s:s, s:s}", "reason", PQgetvalue(res, 0, 0), "set_at",
						  PQgetvalue(res, 0, 1)));
	}
	PQclear(res);
	return rc;
}

static struct db_stmt applicant_exists = DB_STMT("SELECT 1 FROM applicants WHERE id = $1");

int
applicants_hold_lift(struct req *r)
{
	const char *id;
	struct db *db;
	PGresult *res;
	bool lifted, exists;

	if (path_id(r, &id) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *params[3] = {id, req_actor(r)->name, req_id(r)};
	if ((res = db_run(db, &lift_hold, 3, params)) == NULL)
		return rest_fail_db(r, db);
	lifted = atoi(PQgetvalue(res, 0, 0)) == 1;
	PQclear(res);
	if (lifted)
		return reply_empty(r, 204);
	/* No hold to lift: done already, as long as the record is here. */
	if ((res = db_run(db, &applicant_exists, 1, params)) == NULL)
		return rest_fail_db(r, db);
	exists = PQntuples(res) == 1;
	PQclear(res);
	return exists ? reply_empty(r, 204) : applicants_fail_absent(r, db, id);
}
