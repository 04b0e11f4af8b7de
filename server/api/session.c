/*
 * session: an applicant signs in with a one-time link e-mailed to the
 * address on record. POST /v1/me/sign-in answers 202 the same way for every
 * address (and sends the link only when the address is on record, staff-
 * entered records included); POST /v1/me/sessions exchanges the link's code,
 * once and within 15 minutes, for an applicant token that expires
 * (RECRUITD_APPLICANT_TOKEN_HOURS); DELETE /v1/me/session revokes the token
 * in use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/rest.h"
#include "api/throttle.h"
#include "core/app.h"
#include "core/config.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "core/xalloc.h"
#include "domain/letters.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/outbox.h"

/* The link for the applicant with this address, in one transaction with its e-mail. */
static int
send_link(struct req *r, struct db *db, const char *applicant, const char *email)
{
	const struct config *cfg = req_app(r)->cfg;
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1];
	struct letter letter;
	char *link;
	int rc;

	if (code_new(code, code_sha) != 0)
		return req_fail(r, 503, "no randomness available; retry");
	link = xasprintf("%s/me?code=%s", cfg->public_url, code);
	letter_sign_in(&letter, cfg->company_name, link);
	struct outbox_mail m = {.kind = "sign_in",
	                        .applicant_id = applicant,
	                        .to = email,
	                        .subject = letter.subject,
	                        .body = letter.body};
	rc = db_begin(db) != 0 || auth_code_store(db, applicant, code_sha) != 0 ||
	             outbox_enqueue(db, &m, req_id(r)) != 0 || db_exec(db, "COMMIT") != 0
	         ? rest_fail_db(r, db)
	         : 0;
	letter_fini(&letter);
	explicit_bzero(link, strlen(link));
	free(link);
	return rc;
}

int
me_sign_in(struct req *r)
{
	static const char *const keys[] = {"email", NULL};
	char applicant[37];
	const char *email;
	struct db *db;
	json_t *body;
	int rc;

	if ((db = req_db(r)) == NULL || throttle_client(r, db, "sign-in") != 0 ||
	    (body = req_json(r)) == NULL)
		return -1;
	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	email = json_string_value(json_object_get(body, "email"));
	if (email == NULL)
		problem_field(req_problem(r), "email", "is required");
	else if (!is_email(email))
		problem_field(req_problem(r), "email", "must be an e-mail address");
	if (req_fail_fields(r) != 0 || throttle_email(r, db, "sign-in", email) != 0)
		return -1;
	if ((rc = applicants_find_email(db, email, applicant)) < 0)
		return rest_fail_db(r, db);
	if (rc == 0 && send_link(r, db, applicant, email) != 0)
		return -1;
	return reply_json(r, 202, json_pack("{s:s}", "status", "link-sent"));
}

int
me_sessions(struct req *r)
{
	char code_sha[2 * SHA256_LEN + 1], applicant[37];
	struct session s;
	struct db *db;
	int rc;

	if ((rc = rest_code_body(r, code_sha, NULL)) < 0 || (db = req_db(r)) == NULL)
		return -1;
	if (rc == 0 && db_begin(db) != 0)
		return rest_fail_db(r, db);
	if (rc == 0 && (rc = auth_code_use(db, code_sha, applicant)) < 0)
		return rest_fail_db(r, db);
	if (rc > 0) {
		db_rollback(db);
		return req_fail(r, 404,
		                "no sign-in link has this code: it was used, or it expired "
		                "after 15 minutes; ask for a new one");
	}
	if ((rc = auth_session_open(db, applicant, req_app(r)->cfg->applicant_token_hours,
	                            req_id(r), &s)) != 0) {
		db_rollback(db);
		return rc < 0 ? rest_fail_db(r, db)
		              : req_fail(r, 503, "no randomness available; retry");
	}
	if (db_exec(db, "COMMIT") != 0)
		return rest_fail_db(r, db);
	reply_header(r, "Location", "/v1/me");
	rc = reply_json(r, 201,
	                json_pack("{s:s, s:s, s:s}", "applicant_token", s.token, "expires_at",
	                          s.expires_at, "signed_in_at", s.signed_in_at));
	explicit_bzero(s.token, sizeof(s.token));
	return rc;
}

int
me_session_delete(struct req *r)
{
	struct db *db;
	int rc;

	if ((db = req_db(r)) == NULL)
		return -1;
	if ((rc = auth_session_close(db, req_actor(r), req_id(r))) < 0)
		return rest_fail_db(r, db);
	return reply_empty(r, 204);
}
