/*
 * applicants: the handlers of the applicant record, the core of what
 * recruitd holds. Each reads straight down: parameters, validation (the
 * record's rules are domain/profile.c's), one call into store/applicants.c
 * (or store/erasure.c to delete), JSON out. Deleting leaves a tombstone
 * without personal data, so later reads answer 410 with the disposition.
 * Writes carry the record's version: If-Match, or "version" in a patch,
 * makes a stale write a 412 that changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/applicants.h"
#include "api/email_change.h"
#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/fold.h"
#include "core/jsonx.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/profile.h"
#include "edge/paging.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/erasing.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/privacy.h"

#define HOLD_REASON_MAX_CHARS 500

/*
 * The record as the caller may see it (record stolen, new reference).
 * Applicants see their own record without what HR keeps about it: the
 * legal hold and the source's detail.
 */
static json_t *
view_of(const struct req *r, json_t *record)
{
	if (req_actor(r)->role == ROLE_APPLICANT) {
		json_object_del(record, "legal_hold");
		/* When the record is due to go; what blocks it would tell of a hold. */
		json_t *expires =
		    json_object_get(json_object_get(record, "retention"), "expires_at");
		json_object_set_new(
		    record, "retention",
		    json_pack("{s:O}", "expires_at", expires ? expires : json_null()));
		json_object_del(json_object_get(record, "source"), "detail");
	}
	return record;
}

/* Reply with a record (stolen) and its ETag. */
static int
reply_applicant(struct req *r, unsigned status, json_t *record, long version)
{
	reply_etag_version(r, version);
	return reply_json(r, status, view_of(r, record));
}

/* 409 naming the applicant who already has this e-mail address. */
static int
fail_duplicate_email(struct req *r, struct db *db, const char *email)
{
	char id[37];

	/* Staff may learn whose address it is; an applicant may not even learn that it is on
	 * record: the answer is the one any invalid address gets (domain/profile.c). */
	if (req_actor(r)->role == ROLE_APPLICANT) {
		problem_field(req_problem(r), "email", PROFILE_EMAIL_INVALID);
		return req_fail_fields(r);
	}
	if (applicants_find_email(db, email, id) == 0)
		problem_extra(req_problem(r), "existing_id", json_string(id));
	req_problem(r)->slug = "duplicate-email";
	problem_field(req_problem(r), "email",
	              "an applicant with this e-mail address is on record");
	return req_fail(r, 409, "an applicant with this e-mail address is on record");
}

static bool
is_duplicate_email(const struct db *db)
{
	return db_failure(db) == DB_UNIQUE && strcmp(db_constraint(db), APPLICANTS_EMAIL_KEY) == 0;
}

/*
 * Staff cannot set marketing on for an address that opted out (a privacy
 * request's suppression list): 0 go on, -1 with a 422 (or the failure).
 */
static int
refuse_opted_out(struct req *r, struct db *db, const json_t *doc)
{
	const char *email = json_string_value(json_object_get(doc, "email"));
	int rc;

	if (req_actor(r)->role == ROLE_APPLICANT || email == NULL ||
	    !json_is_true(json_object_get(doc, "marketing_opt_in")))
		return 0;
	if ((rc = privacy_suppressed(db, email, "opt_out")) < 0)
		return rest_fail_db(r, db);
	if (rc == 0)
		return 0;
	problem_field(req_problem(r), "marketing_opt_in",
	              "cannot be set: the person opted out of marketing");
	return req_fail_fields(r);
}

/*
 * An address whose owner had their data erased on request is suppressed:
 * staff cannot enter it again (409 suppressed); the person's own new
 * application lifts it. 0 go on, -1 with the problem set.
 */
static int
refuse_erased(struct req *r, struct db *db, const json_t *doc)
{
	const char *email = json_string_value(json_object_get(doc, "email"));
	int rc;

	if (email == NULL || (rc = privacy_suppressed(db, email, "erased")) == 0)
		return 0;
	if (rc < 0)
		return rest_fail_db(r, db);
	req_problem(r)->slug = "suppressed";
	return req_fail(r, 409,
	                "the person this address belongs to had their data erased, and "
	                "only their own new application brings it back");
}

/* A restricted record (an erasure a floor or a hold held back) is HR's alone: 404 for others. */
static bool
hidden(const struct req *r, const json_t *record)
{
	return req_actor(r)->role != ROLE_HR && json_is_true(json_object_get(record, "restricted"));
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

/* Insert in the keyed create's transaction and commit: 0 (reply set), 2 the address is on
 * record, -1 failure (problem set). */
static int
create_row(struct req *r, const struct flow *f, const struct idem *k, const json_t *doc)
{
	json_t *record;
	long version;
	int rc = applicants_insert(f->db, doc, req_actor(r)->name, req_id(r), &record, &version);

	if (rc != 0) {
		if (rc < 0 && !is_duplicate_email(f->db))
			rest_fail_db(r, f->db);
		db_rollback(f->db);
		return rc;
	}
	const char *id = json_string_value(json_object_get(record, "id"));
	char *location = xasprintf("/v1/applicants/%s", id);
	if (idem_commit(f, k, 201, id, location) == 0) {
		reply_header(r, "Location", location);
		rc = reply_applicant(r, 201, json_incref(record), version);
	} else {
		rc = -1;
	}
	free(location);
	json_decref(record);
	return rc;
}

/* A retried keyed create: the record it made, read again (audited) as it now stands. */
static int
replay_create(struct req *r, struct db *db, const struct idem_answer *first)
{
	long version;
	json_t *doc = applicants_view(r, db, first->resource_id, &version);

	if (doc == NULL)
		return -1;
	idem_replayed(r);
	reply_header(r, "Location", first->location);
	reply_etag_version(r, version);
	return reply_json(r, first->status, doc);
}

int
applicants_create(struct req *r)
{
	json_t *doc = req_json(r);
	struct idem k;
	struct idem_answer first;
	struct flow f;
	int rc, keyed;

	if (doc == NULL)
		return -1;
	if (!profile_validate(doc, true, req_problem(r)))
		return req_fail_fields(r);
	if ((keyed = idem_of(r, "applicants.create", &k)) < 0 || rest_flow(r, &f) != 0)
		return -1;
	if ((rc = idem_begin(&f, IDEM_OR_NULL(keyed, &k), &first)) != 0)
		return rc < 0 ? -1 : replay_create(r, f.db, &first);
	if (refuse_opted_out(r, f.db, doc) != 0 || refuse_erased(r, f.db, doc) != 0) {
		db_rollback(f.db);
		return -1;
	}
	json_t *row = json_deep_copy(doc);
	profile_normalize(row);
	rc = create_row(r, &f, IDEM_OR_NULL(keyed, &k), row);
	if (rc == 2 || (rc < 0 && is_duplicate_email(f.db)))
		rc =
		    fail_duplicate_email(r, f.db, json_string_value(json_object_get(row, "email")));
	json_decref(row);
	return rc;
}

/* ------------------------------------------------------------------ */
/* GET /v1/applicants                                                   */

int
applicants_list(struct req *r)
{
	static const char *const allowed[] = {"q", "opening_id", "stage", "limit", "cursor", NULL};
	struct applicant_query q = {.q = req_query(r, "q")};
	struct page_of page = {0};
	struct page pg;
	struct db *db;

	if (req_query_only(r, allowed) != 0 || paging_start(r, PAGE_BY_TIME, &pg) != 0 ||
	    rest_stage_filters(r, &q.opening, &q.stage) != 0)
		return -1;
	if (q.q != NULL && strlen(q.q) > 200) {
		problem_field(req_problem(r), "q", "must be at most 200 characters");
		return req_fail(r, 400, "bad search");
	}

	if ((db = req_db(r)) == NULL)
		return -1;
	struct page_want want = {.k1 = pg.k1, .k2 = pg.k2, .limit = pg.limit};
	if (applicants_page(db, &q, &want, &page) != 0)
		return rest_fail_db(r, db);
	return reply_json(r, 200, rest_page_reply(&page));
}

/* ------------------------------------------------------------------ */
/* GET /v1/applicants/{id}                                              */

json_t *
applicants_view(struct req *r, struct db *db, const char *id, long *version)
{
	json_t *record = NULL;
	int rc = applicants_read(db, id, req_actor(r)->name, req_id(r), &record, version);

	if (rc < 0)
		rest_fail_db(r, db);
	else if (rc > 0)
		rest_fail_absent(r, db, id);
	if (rc == 0 && hidden(r, record)) {
		json_decref(record);
		req_fail(r, 404, "no applicant with this id");
		return NULL;
	}
	return rc == 0 ? view_of(r, record) : NULL;
}

int
applicants_get(struct req *r)
{
	const char *id;
	struct db *db;
	json_t *doc;
	long version;

	static const char *const none[] = {NULL};

	if (path_id(r, &id) != 0 || req_query_only(r, none) != 0 || (db = req_db(r)) == NULL)
		return -1;
	if ((doc = applicants_view(r, db, id, &version)) == NULL)
		return -1;
	reply_etag_version(r, version);
	return reply_json(r, 200, doc);
}

/* ------------------------------------------------------------------ */
/* PATCH /v1/applicants/{id}                                            */

/* The editable members of a record (borrowed values), in the order clients see them. */
static json_t *
editable_of(const json_t *record)
{
	json_t *doc = json_object();

	for (int i = 0; profile_editable[i]; i++)
		json_object_set(doc, profile_editable[i],
		                json_object_get(record, profile_editable[i]));
	return doc;
}

/* "applicant:email,phone": which members a patch changed (names only, never values). */
static char *
changed_members(const json_t *before, const json_t *after)
{
	char out[256] = "applicant:";

	for (int i = 0; profile_editable[i]; i++)
		if (!json_equal(json_object_get(before, profile_editable[i]),
		                json_object_get(after, profile_editable[i]))) {
			if (out[10] != '\0')
				strcat(out, ",");
			strcat(out, profile_editable[i]);
		}
	return xstrdup(out);
}

/* Write the merged record over version `have`: 0 reply set, 1 lost a race (retry), -1 problem. */
static int
write_patch(struct req *r, struct db *db, const char *id, long have, long expect,
            const json_t *before, json_t *after)
{
	char *target, other[37];
	json_t *record = NULL;
	long version;
	int rc;

	/* Another's address: found first, so no statement fails quoting it in the server's log. */
	const char *email = json_string_value(json_object_get(after, "email"));
	if (email != NULL && (rc = applicants_find_email(db, email, other)) <= 0) {
		if (rc < 0)
			return rest_fail_db(r, db);
		if (strcmp(other, id) != 0)
			return fail_duplicate_email(r, db, email);
	}
	if (!json_is_true(json_object_get(before, "marketing_opt_in")) &&
	    refuse_opted_out(r, db, after) != 0)
		return -1;
	/* staff cannot bring back an erased address by a patch any more than by a create */
	if (req_actor(r)->role != ROLE_APPLICANT &&
	    !json_equal(json_object_get(before, "email"), json_object_get(after, "email")) &&
	    refuse_erased(r, db, after) != 0)
		return -1;
	target = changed_members(before, after);
	if (json_object_get(after, "sharing_opt_out") != NULL) {
		char *t = xasprintf("%s%ssharing_opt_out", target, target[10] ? "," : "");
		free(target);
		target = t;
	}
	profile_normalize(after);
	rc = applicants_update(db, id, have, after, req_actor(r)->name, req_id(r), target, &record,
	                       &version);
	free(target);
	if (rc < 0 && is_duplicate_email(db))
		return fail_duplicate_email(r, db,
		                            json_string_value(json_object_get(after, "email")));
	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return expect != 0 ? req_fail(r, 412, "the record changed meanwhile") : 1;
	return reply_applicant(r, 200, record, version);
}

/* One attempt: 0 done (reply set), 1 lost a race without If-Match (try again), -1 problem. */
static int
patch_once(struct req *r, struct db *db, const char *id, const json_t *patch, long expect)
{
	json_t *cur = NULL;
	long have;
	int rc = applicants_current(db, id, &cur, &have);

	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return rest_fail_absent(r, db, id);
	if (hidden(r, cur)) {
		json_decref(cur);
		return req_fail(r, 404, "no applicant with this id");
	}
	if (expect != 0 && expect != have) {
		json_decref(cur);
		return req_fail(r, 412,
		                "the record changed since version %ld; it is at version %ld",
		                expect, have);
	}
	/* The sharing opt-out is the person's own (only me_patch lets it through): not a profile
	 * member, written beside them. */
	json_t *sharing = json_object_get(patch, "sharing_opt_out");
	json_t *edits = json_copy(jsonx_mut(patch));
	json_object_del(edits, "sharing_opt_out");
	json_t *before = editable_of(cur);
	json_t *after = jsonx_merge_patch(json_deep_copy(before), edits);
	json_decref(edits);
	bool valid = profile_validate(after, false, req_problem(r));
	if (sharing != NULL && !json_is_boolean(sharing)) {
		problem_field(req_problem(r), "sharing_opt_out", "must be true or false");
		valid = false;
	}
	bool sharing_changes =
	    sharing != NULL &&
	    json_is_true(sharing) != json_is_true(json_object_get(cur, "sharing_opt_out"));
	if (sharing_changes)
		json_object_set(after, "sharing_opt_out", sharing);
	if (!valid)
		rc = req_fail_fields(r);
	else if (json_equal(before, after)) /* nothing to change: no new version, no entry */
		rc = reply_applicant(r, 200, json_incref(cur), have);
	else
		rc = write_patch(r, db, id, have, expect, before, after);
	json_decref(before);
	json_decref(after);
	json_decref(cur);
	return rc;
}

int
applicants_patch_id(struct req *r, const char *id, const char *const *patchable)
{
	return rest_merge_patch(r, id, patchable, profile_readonly, patch_once);
}

/*
 * The applicant's own patch. A new e-mail address waits for the link sent to
 * it (api/email_change.h) and the record keeps the old one; the rest applies
 * at once, in the same transaction. An address on record gets the answer any
 * invalid one gets, and attempts to change the address are rate-limited per
 * applicant, so the page is no way to test addresses in bulk.
 */
static int
patch_self_once(struct req *r, struct db *db, const char *id, const json_t *patch, long expect)
{
	const char *email = json_string_value(json_object_get(patch, "email"));
	json_t *cur = NULL;
	char other[37];
	long have;
	int rc;

	if (email == NULL || !is_email(email))
		return patch_once(r, db, id, patch, expect); /* absent, or refused there */
	if ((rc = applicants_current(db, id, &cur, &have)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : rest_fail_absent(r, db, id);
	char *a = fold_email(email),
	     *b = fold_email(json_string_value(json_object_get(cur, "email")));
	bool same = strcmp(a, b) == 0;
	free(a);
	free(b);
	json_decref(cur);
	if (same) /* the same address, spelt otherwise: nothing to confirm */
		return patch_once(r, db, id, patch, expect);
	if (throttle_applicant(r, db, "email-change") != 0)
		return -1;
	if ((rc = applicants_find_email(db, email, other)) < 0)
		return rest_fail_db(r, db);
	if (rc == 0 && strcmp(other, id) != 0)
		return fail_duplicate_email(r, db, email);
	json_t *rest = json_copy(jsonx_mut(patch));
	json_object_del(rest, "email");
	if (db_begin(db) != 0) {
		json_decref(rest);
		return rest_fail_db(r, db);
	}
	rc = patch_once(r, db, id, rest, expect);
	json_decref(rest);
	if (rc == 0 && email_change_start(r, db, id, email, NULL, false) != 0)
		rc = -1;
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_exec(db, "COMMIT") == 0 ? 0 : rest_fail_db(r, db);
}

int
applicants_patch_self(struct req *r, const char *id, const char *const *patchable)
{
	return rest_merge_patch(r, id, patchable, profile_readonly, patch_self_once);
}

int
applicants_patch(struct req *r)
{
	static const char *const patchable[] = {"full_name",      "email",     "phone",
	                                        "title",          "job_title", "address",
	                                        "social_handles", "source",    "marketing_opt_in",
	                                        "version",        NULL};
	const char *id;

	if (path_id(r, &id) != 0)
		return -1;
	return applicants_patch_id(r, id, patchable);
}

/* ------------------------------------------------------------------ */
/* DELETE /v1/applicants/{id}                                           */

int
applicants_delete(struct req *r)
{
	const char *id;
	long expect = 0;
	struct flow f;

	if (path_id(r, &id) != 0 || req_if_match(r, &expect) < 0 || rest_flow(r, &f) != 0 ||
	    erasing_delete(&f, id, expect) != 0)
		return -1;
	return reply_empty(r, 204);
}

/* ------------------------------------------------------------------ */
/* PUT and DELETE /v1/applicants/{id}/legal-hold                        */

int
applicants_hold_set(struct req *r)
{
	static const char *const keys[] = {"reason", NULL};
	const char *id;
	json_t *body, *hold = NULL;
	struct db *db;
	long version;
	int rc;

	if (path_id(r, &id) != 0 || (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	check_text(body, "reason", NULL, true, HOLD_REASON_MAX_CHARS, req_problem(r));
	if (req_fail_fields(r) != 0 || (db = req_db(r)) == NULL)
		return -1;
	rc = applicants_hold_write(db, id, json_string_value(json_object_get(body, "reason")),
	                           req_actor(r)->name, req_id(r), &hold, &version);
	if (rc < 0)
		return rest_fail_db(r, db);
	if (rc > 0)
		return rest_fail_absent(r, db, id);
	reply_etag_version(r, version);
	return reply_json(r, 200, hold);
}

int
applicants_hold_lift(struct req *r)
{
	const char *id;
	struct db *db;
	int rc;

	if (path_id(r, &id) != 0 || (db = req_db(r)) == NULL)
		return -1;
	if ((rc = applicants_hold_clear(db, id, req_actor(r)->name, req_id(r))) < 0)
		return rest_fail_db(r, db);
	if (rc == 0)
		return reply_empty(r, 204);
	/* No hold to lift: done already, as long as the record is here. */
	if ((rc = applicants_exists(db, id)) < 0)
		return rest_fail_db(r, db);
	return rc == 0 ? reply_empty(r, 204) : rest_fail_absent(r, db, id);
}
