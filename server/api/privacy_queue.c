/*
 * privacy_queue: HR's queue of privacy requests (list, one, extension,
 * completion, metrics) and the applicant's own list. See
 * include/api/privacy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/exports.h"
#include "api/handlers.h"
#include "api/privacy.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/letters.h"
#include "domain/privacy.h"
#include "domain/profile.h"
#include "domain/retention.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/applications.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/outbox.h"
#include "store/privacy.h"

#define REASON_MAX_CHARS 1000

int
privacy_reply(struct req *r, struct db *db, unsigned status, const char *id,
              const char *applicant_only)
{
	json_t *out = NULL;
	int rc = privacy_get(db, id, applicant_only, &out);

	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return req_fail(r, 404, "no privacy request with this id");
	reply_etag_version(r, json_integer_value(json_object_get(out, "version")));
	return reply_json(r, status, out);
}

static int
path_request(struct req *r, const char **id)
{
	*id = req_param(r, 0);
	if (!is_uuid(*id))
		return req_fail(r, 404, "no privacy request with this id");
	return 0;
}

/*
 * A request whose link expired unused is denied as unverifiable when it is
 * read, if the purge run has not done it yet (id NULL: every one). 0, or -1
 * with the reply set.
 */
static int
settle_unverified(struct req *r, struct db *db, const char *id)
{
	long n;

	return privacy_deny_unverified(db, false, id, &n) == 0 ? 0 : rest_fail_db(r, db);
}

int
privacy_get_one(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id;
	struct db *db;

	if (path_request(r, &id) != 0 || req_query_only(r, none) != 0 || (db = req_db(r)) == NULL ||
	    settle_unverified(r, db, id) != 0)
		return -1;
	return privacy_reply(r, db, 200, id, NULL);
}

static int
list(struct req *r, const char *applicant)
{
	static const char *const staff_q[] = {"status", "type",   "overdue", "due_before",
	                                      "limit",  "cursor", NULL};
	static const char *const me_q[] = {"limit", "cursor", NULL};
	static const char *const statuses[] = {"awaiting_verification", "in_progress", "completed",
	                                       "denied", NULL};
	struct privacy_query q = {.applicant_id = applicant};
	char k1[PAGING_KEY_MAX], k2[PAGING_KEY_MAX];
	int has_cursor;
	time_t t;
	struct db *db;

	if (req_query_only(r, applicant ? me_q : staff_q) != 0 ||
	    paging_read(r, &q.limit, &has_cursor, k1, k2) != 0)
		return -1;
	q.status = req_query(r, "status");
	q.type = req_query(r, "type");
	q.overdue = req_query(r, "overdue");
	q.due_before = req_query(r, "due_before");
	if (q.status != NULL && !is_one_of(q.status, statuses))
		return req_fail(r, 400,
		                "status must be awaiting_verification, in_progress, completed "
		                "or denied");
	if (q.type != NULL && !is_one_of(q.type, privacy_types))
		return req_fail(r, 400, "type must be a privacy request type");
	if (q.overdue != NULL && strcmp(q.overdue, "true") != 0 && strcmp(q.overdue, "false") != 0)
		return req_fail(r, 400, "overdue must be true or false");
	if (q.due_before != NULL && clock_parse_rfc3339(q.due_before, &t) != 0)
		return req_fail(r, 400, "due_before must be an RFC 3339 time");
	if (has_cursor) {
		if (clock_parse_rfc3339(k1, &t) != 0 || !is_uuid(k2))
			return req_fail(r, 400, "the cursor is not one this list gave");
		q.k1 = k1;
		q.k2 = k2;
	}
	if ((db = req_db(r)) == NULL || settle_unverified(r, db, NULL) != 0)
		return -1;
	json_t *items = privacy_page(db, &q);
	if (items == NULL)
		return rest_fail_db(r, db);
	char *next = NULL;
	if ((int)json_array_size(items) > q.limit) {
		json_array_remove(items, (size_t)q.limit);
		json_t *last = json_array_get(items, (size_t)q.limit - 1);
		json_t *due = json_object_get(last, "extended_due_at");
		if (json_is_null(due))
			due = json_object_get(last, "due_at");
		next = paging_cursor_encode(json_string_value(due),
		                            json_string_value(json_object_get(last, "id")));
	}
	json_t *page = json_pack("{s:o, s:s?}", "items", items, "next_cursor", next);
	free(next);
	return reply_json(r, 200, page);
}

int
privacy_list(struct req *r)
{
	return list(r, NULL);
}

int
me_privacy_list(struct req *r)
{
	return list(r, req_actor(r)->applicant_id);
}

int
me_privacy_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id;
	struct db *db;

	if (path_request(r, &id) != 0 || req_query_only(r, none) != 0 || (db = req_db(r)) == NULL ||
	    settle_unverified(r, db, id) != 0)
		return -1;
	return privacy_reply(r, db, 200, id, req_actor(r)->applicant_id);
}

int
privacy_extension(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	const char *id;
	json_t *body, *req_now = NULL;
	struct db *db;
	char *email = NULL;
	int rc;

	if (path_request(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_text(body, "reason", NULL, true, REASON_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	const char *reason = json_string_value(json_object_get(body, "reason"));
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((rc = privacy_extend(db, req_app(r)->cfg->zone, id, reason, "hr")) != 0) {
		db_rollback(db);
		if (rc < 0)
			return rest_fail_db(r, db);
		if (rc == 1)
			return req_fail(r, 404, "no privacy request with this id");
		req_problem(r)->slug = rc == 2 ? "already-extended" : "not-extendable";
		return req_fail(r, 409,
		                rc == 2 ? "the request has been extended once already"
		                        : "the request has ended, or its due date has passed");
	}
	if (privacy_get(db, id, NULL, &req_now) != 0 || privacy_email_of(db, id, &email) != 0) {
		json_decref(req_now);
		db_rollback(db);
		return rest_fail_db(r, db);
	}
	time_t t = 0;
	const char *due_text = json_string_value(json_object_get(req_now, "extended_due_at"));
	if (email != NULL && (due_text == NULL || clock_parse_rfc3339(due_text, &t) != 0)) {
		rc = req_fail(r, 503, "the extended request could not be read back; retry");
	} else if (email != NULL) {
		struct letter l;
		char due[11];
		privacy_day_text(req_app(r)->cfg->zone, t, due);
		letter_privacy_extension(
		    &l, req_app(r)->cfg->company_name,
		    letter_privacy_type_label(json_string_value(json_object_get(req_now, "type"))),
		    reason, due);
		rc = privacy_letter(r, db, "privacy_extension", email,
		                    json_string_value(json_object_get(
		                        json_object_get(req_now, "subject"), "applicant_id")),
		                    &l);
	}
	free(email);
	json_decref(req_now);
	if (rc != 0) { /* the reply is set */
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return privacy_reply(r, db, 200, id, NULL);
}

int
privacy_completion(struct req *r)
{
	static const char *const keys[] = {"outcome", "detail", NULL};
	const char *id;
	json_t *body, *now = NULL;
	struct db *db;
	int rc;

	if (path_request(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	const char *outcome = json_string_value(json_object_get(body, "outcome"));
	if (outcome == NULL || !is_one_of(outcome, privacy_outcomes))
		problem_field(req_problem(r), "outcome",
		              "must be fulfilled, partially_fulfilled, denied or no_record");
	check_text(body, "detail", NULL, false, PRIVACY_DETAILS_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((rc = privacy_get(db, id, NULL, &now)) != 0) {
		db_rollback(db);
		return rc < 0 ? rest_fail_db(r, db)
		              : req_fail(r, 404, "no privacy request with this id");
	}
	/* a request still awaiting verification can be denied (it cannot be verified), no more */
	const char *status = json_string_value(json_object_get(now, "status"));
	if (strcmp(status, "in_progress") != 0 &&
	    (strcmp(status, "awaiting_verification") != 0 || strcmp(outcome, "denied") != 0)) {
		db_rollback(db);
		json_decref(now);
		req_problem(r)->slug = "not-in-progress";
		return req_fail(
		    r, 409,
		    "only a verified request in progress can be completed (one awaiting "
		    "verification can be denied)");
	}
	rc = privacy_end(
	    r, db, id, json_string_value(json_object_get(now, "type")),
	    json_string_value(json_object_get(json_object_get(now, "subject"), "applicant_id")),
	    strcmp(outcome, "denied") == 0 ? "denied" : "completed", outcome,
	    json_string_value(json_object_get(body, "detail")), NULL, "hr");
	json_decref(now);
	if (rc != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return privacy_reply(r, db, 200, id, NULL);
}

int
privacy_metrics_get(struct req *r)
{
	static const char *const q[] = {"year", NULL};
	const char *year = req_query(r, "year");
	struct db *db;
	char *end;
	long y;

	if (req_query_only(r, q) != 0)
		return -1;
	if (year == NULL || (y = strtol(year, &end, 10), *end != '\0') || y < 2000 || y > 9999)
		return req_fail(r, 400, "year=YYYY is required");
	if ((db = req_db(r)) == NULL || settle_unverified(r, db, NULL) != 0)
		return -1;
	json_t *m = privacy_metrics(db, (int)y);
	if (m == NULL)
		return rest_fail_db(r, db);
	return reply_json(r, 200, json_pack("{s:i, s:o}", "year", (int)y, "types", m));
}
