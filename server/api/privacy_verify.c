/*
 * privacy_verify: POST /v1/privacy-requests/verifications. The e-mailed
 * link proves control of the address; a copy of the data (know_specific)
 * also needs two data points that match the record and a signed
 * declaration, and three failed tries deny the request as unverifiable.
 * An address with no record ends no_record, told only to whoever proved
 * control of it. See include/api/privacy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

#define NO_SUCH_CODE "no request awaits this code: it was used, or it expired after 72 hours"

/* know_specific: both data points. Returns the points matched. */
static int
data_points(const json_t *body, const json_t *record, const char *country)
{
	int n = 0;

	n += privacy_same_name(json_string_value(json_object_get(body, "full_name")),
	                       json_string_value(json_object_get(record, "full_name")));
	n += privacy_same_phone(json_string_value(json_object_get(body, "phone")),
	                        json_string_value(json_object_get(record, "phone")),
	                        country[0] ? country : NULL);
	return n;
}

/*
 * What the body must carry for a request of this type, checked once the
 * code has told the type and before anything counts: 0, or -1 with a 422.
 */
static int
check_for_type(struct req *r, const json_t *body, const char *type)
{
	struct problem *p = req_problem(r);
	json_t *decl = json_object_get(body, "declaration");

	/* a copy of the data needs the declaration signed under penalty of perjury */
	if (privacy_needs_data_points(type) && (decl == NULL || json_is_null(decl)))
		problem_field(p, "declaration",
		              "is required for a copy of your data: {signed_name, accepted: true}");
	privacy_check_corrections(body, type, p);
	return req_fail_fields(r);
}

/* The request's type needs the link only: verified, and done what is done at once. */
static int
verify_by_link(struct req *r, struct db *db, const json_t *body, const char *id, const char *type,
               const char *applicant)
{
	json_t *now = NULL, *given = json_object_get(body, "corrections");
	char *text = NULL;
	int rc = 0;

	/* the corrections a correct request's owner gave on the page, once the link proved them */
	if (given != NULL && !json_is_null(given)) {
		text = jsonx_dump(given);
		rc = privacy_set_corrections(db, id, text);
		free(text);
	}
	if (rc != 0 || privacy_verified(db, id, applicant, "link", 0, NULL) != 0 ||
	    privacy_get(db, id, NULL, &now) != 0)
		rc = rest_fail_db(r, db);
	else
		rc = privacy_execute(r, db, id, type, applicant,
		                     json_object_get(now, "corrections"));
	json_decref(now);
	return rc;
}

/* know_specific: the data points and the declaration, three tries. */
static int
verify_by_data_points(struct req *r, struct db *db, const json_t *body, const char *id,
                      const char *type, const char *applicant)
{
	char signed_sha[2 * SHA256_LEN + 1], country[3] = "";
	json_t *record = NULL;
	long version;
	int rc, tries;

	if ((rc = applicants_current(db, applicant, &record, &version)) != 0 ||
	    (rc = privacy_subject_country(db, applicant, country)) < 0) {
		json_decref(record);
		return rc < 0 ? rest_fail_db(r, db) : req_retry(r);
	}
	int matched = data_points(body, record, country);
	json_decref(record);
	/* checked present by check_for_type */
	const char *signed_name =
	    json_string_value(json_object_get(json_object_get(body, "declaration"), "signed_name"));
	if (matched == 2 && signed_name != NULL) {
		unsigned char h[SHA256_LEN];
		sha256(signed_name, strlen(signed_name), h);
		hex_encode(h, SHA256_LEN, signed_sha);
		return privacy_verified(db, id, applicant, "link_and_data_points", matched,
		                        signed_sha) != 0
		           ? rest_fail_db(r, db)
		           : privacy_execute(r, db, id, type, applicant, NULL);
	}
	if (privacy_failed_try(db, id, &tries) != 0)
		return rest_fail_db(r, db);
	if (tries < PRIVACY_MAX_TRIES)
		return 0;
	return privacy_end(r, db, id, type, applicant, "denied", "denied",
	                   "The request could not be verified: the details given did not match "
	                   "our record three times.",
	                   NULL, "system");
}

static int
verify(struct req *r, struct db *db, const json_t *body, const char *code_sha, char id[37])
{
	char type[32], applicant[37];
	char *email = NULL;
	int rc;

	if ((rc = privacy_code_take(db, code_sha, id, type, &email)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, NO_SUCH_CODE);
	/* before the record is looked for: the same answer whether there is one or not */
	if (check_for_type(r, body, type) != 0)
		rc = -1;
	else if ((rc = applicants_find_email(db, email, applicant)) < 0)
		rc = rest_fail_db(r, db);
	else if (rc > 0) /* told only to whoever proved control of the address */
		rc = privacy_verified(db, id, NULL, "link", 0, NULL) != 0
		         ? rest_fail_db(r, db)
		         : privacy_end(r, db, id, type, NULL, "completed", "no_record", NULL, NULL,
		                       "system");
	else if (!privacy_needs_data_points(type))
		rc = verify_by_link(r, db, body, id, type, applicant);
	else
		rc = verify_by_data_points(r, db, body, id, type, applicant);
	free(email);
	return rc;
}

int
privacy_verify(struct req *r)
{
	static const char *const keys[] = {"code",        "full_name",   "phone",
	                                   "declaration", "corrections", NULL};
	static const char *const decl_keys[] = {"signed_name", "accepted", NULL};
	struct problem *p = req_problem(r);
	char code_sha[2 * SHA256_LEN + 1], id[37];
	json_t *body, *decl;
	struct db *db;

	if ((body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, p);
	const char *code = json_string_value(json_object_get(body, "code"));
	if (code == NULL)
		problem_field(p, "code", "is required: the code from the e-mailed link");
	check_text(body, "full_name", NULL, false, 200, p);
	check_text(body, "phone", NULL, false, 40, p);
	decl = json_object_get(body, "declaration");
	if (decl != NULL && !json_is_null(decl) &&
	    (!json_is_object(decl) || !check_known_keys(decl, decl_keys, NULL, "declaration", p) ||
	     !check_text(decl, "signed_name", "declaration", true, 200, p) ||
	     !json_is_true(json_object_get(decl, "accepted"))))
		problem_field(
		    p, "declaration",
		    "must be {signed_name, accepted: true}: signed under penalty of perjury");
	privacy_check_corrections(body, NULL, p);
	if (req_fail_fields(r) != 0)
		return -1;
	if (code_hash(code, code_sha) != 0)
		return req_fail(r, 404, NO_SUCH_CODE);
	if ((db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	if (verify(r, db, body, code_sha, id) != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	return privacy_reply(r, db, 200, id, NULL);
}

/*
 * What the page shows before anything is done: the request's type and, for
 * a correction, the record's contact details as they stand and the
 * corrections HR took down. Whoever holds the code reads mail at the
 * address, and could sign in to the same view on /me; a copy of the data
 * still needs its data points, so nothing of the record is shown for one.
 */
static int
preview(struct req *r, struct db *db, const char *code_sha)
{
	char id[37], type[32], applicant[37];
	char *email = NULL;
	json_t *record = NULL, *q = NULL, *current = json_null();
	long version;
	int rc;

	if ((rc = privacy_code_take(db, code_sha, id, type, &email)) != 0)
		return rc < 0 ? rest_fail_db(r, db) : req_fail(r, 404, NO_SUCH_CODE);
	if (strcmp(type, "correct") == 0 &&
	    (rc = applicants_find_email(db, email, applicant)) == 0 &&
	    (rc = applicants_current(db, applicant, &record, &version)) == 0) {
		json_decref(current);
		current = json_object();
		static const char *const shown[] = {"full_name", "email", "phone", "address", NULL};
		for (const char *const *f = shown; *f; f++)
			json_object_set(current, *f, json_object_get(record, *f));
	}
	free(email);
	json_decref(record);
	if (rc < 0 || privacy_get(db, id, NULL, &q) != 0) {
		json_decref(current);
		return rest_fail_db(r, db);
	}
	json_t *out = json_pack("{s:s, s:s, s:o, s:O}", "id", id, "type", type, "current", current,
	                        "corrections", json_object_get(q, "corrections"));
	json_decref(q);
	return reply_json(r, 200, out);
}

/* POST /v1/privacy-requests/verifications/preview {code}: nothing is used up or changed. */
int
privacy_verify_preview(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1];
	struct db *db;
	int rc;

	if ((rc = rest_code_body(r, code_sha, NULL)) < 0)
		return -1;
	if (rc > 0)
		return req_fail(r, 404, NO_SUCH_CODE);
	if ((db = req_db(r)) == NULL)
		return -1;
	if (db_begin(db) != 0)
		return rest_fail_db(r, db);
	rc = preview(r, db, code_sha);
	db_rollback(db); /* read only: the code stays usable */
	return rc;
}
