/*
 * email_confirm: POST /v1/me/email-confirmations {code}, the link sent to a
 * new address (api/email_change.h). It answers only to whoever holds the
 * code, who reads mail at the new address: 200, 404 for an unknown, used or
 * expired code, 409 duplicate-email when the address has meanwhile become
 * another record's (they control it, so they may learn it). A privacy
 * correction waiting only on the link is completed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/privacy.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/config.h"
#include "core/problem.h"
#include "core/token.h"
#include "domain/letters.h"
#include "domain/profile.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/email_changes.h"
#include "store/privacy.h"

/* The record's address becomes c->email, the old one is told, a privacy correction noted. */
static int
apply_change(struct req *r, struct db *db, const struct email_change *c)
{
	json_t *cur = NULL, *record = NULL;
	char other[37];
	long have, version;
	int rc;

	if ((rc = applicants_find_email(db, c->email, other)) < 0)
		return rest_fail_db(r, db);
	if (rc == 0 && strcmp(other, c->applicant_id) != 0) {
		req_problem(r)->slug = "duplicate-email";
		return req_fail(r, 409, "another applicant's record has this address");
	}
	if ((rc = applicants_current(db, c->applicant_id, &cur, &have)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, "the record is gone");
	char *old = xstrdup(json_string_value(json_object_get(cur, "email")));
	json_t *doc = json_object();
	for (int k = 0; profile_editable[k]; k++)
		json_object_set(doc, profile_editable[k],
		                json_object_get(cur, profile_editable[k]));
	json_object_set_new(doc, "email", json_string(c->email));
	profile_normalize(doc);
	rc = applicants_update(db, c->applicant_id, have, doc, "applicant", req_id(r),
	                       "applicant:email", &record, &version);
	json_decref(record);
	json_decref(doc);
	json_decref(cur);
	if (rc != 0) {
		free(old);
		return rc < 0 ? rest_fail_db(r, db) : req_retry(r);
	}
	struct letter l;
	letter_email_changed(&l, req_app(r)->cfg->company_name);
	rc = privacy_letter(r, db, "email_changed", old, c->applicant_id, &l);
	explicit_bzero(old, strlen(old));
	free(old);
	if (rc != 0 || c->request_id[0] == '\0')
		return rc;
	if (privacy_event(db, c->request_id, "email_corrected", "requester") != 0)
		return rest_fail_db(r, db);
	if (!c->finishes)
		return 0;
	json_t *q = NULL;
	if ((rc = privacy_get(db, c->request_id, NULL, &q)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : 0; /* the request was purged meanwhile */
	rc = strcmp(json_string_value(json_object_get(q, "status")), "in_progress") != 0
	         ? 0
	         : privacy_end(r, db, c->request_id, "correct", c->applicant_id, "completed",
	                       "fulfilled", "Your contact details are corrected.", NULL, "system");
	json_decref(q);
	return rc;
}

#define NO_SUCH_CODE "no change of address has this code: it was used, or it expired after 24 hours"

/* POST /v1/me/email-confirmations {code}: the link sent to the new address. */
int
me_email_confirm(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	const char *code = NULL;
	struct email_change c;
	struct db *db;
	int rc;

	if ((rc = rest_code_body(r, code_sha, &code)) < 0)
		return -1;
	if (rc > 0)
		return req_fail(r, 404, NO_SUCH_CODE);
	if ((db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if ((rc = email_changes_take(db, code, code_sha, &c)) != 0) {
		db_rollback(db);
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, NO_SUCH_CODE);
	}
	rc = apply_change(r, db, &c);
	email_change_fini(&c);
	if (rc != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return reply_json(r, 200, json_pack("{s:s}", "status", "email-changed"));
}
