/*
 * privacy_execute: what is done as soon as a privacy request is verified
 * (know_categories answered, a copy built, a deletion carried out or
 * restricted, contact corrections applied, an opt-out), and the end of a
 * request with its outcome e-mailed. See include/api/privacy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/email_change.h"
#include "api/exports.h"
#include "api/handlers.h"
#include "api/privacy.h"
#include "api/rest.h"
#include "core/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "core/zone.h"
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

/* A date for a letter: YYYY-MM-DD, in the company's zone. */
void
privacy_day_text(const struct zone *zone, time_t t, char out[11])
{
	zone_date(zone, t, out);
}

/* ------------------------------------------------------------------ */
/* execution: what is done as soon as the request is verified           */

static const char *
outcome_text(const char *outcome)
{
	if (strcmp(outcome, "fulfilled") == 0)
		return "done.";
	if (strcmp(outcome, "partially_fulfilled") == 0)
		return "done in part.";
	if (strcmp(outcome, "no_record") == 0)
		return "we hold no record with this e-mail address.";
	return "we could not carry it out.";
}

/* End the request and e-mail its outcome (to the address it waited on, if any). */
static int
end_telling(struct req *r, struct db *db, const char *id, const char *type, const char *applicant,
            const char *status, const char *outcome, const char *detail, const char *categories,
            const char *actor, const char *letter_only, const char *items)
{
	char *email = NULL;
	int rc;

	if (privacy_email_of(db, id, &email) != 0 ||
	    (rc = privacy_finish(db, id, status, outcome, detail, categories, items, actor,
	                         applicant)) < 0) {
		free(email);
		return rest_fail_db(r, db);
	}
	if (rc == 0 && email != NULL) {
		struct letter l;
		char *said = letter_only == NULL ? NULL
		             : detail == NULL    ? xstrdup(letter_only)
		                                 : xasprintf("%s\n\n%s", detail, letter_only);
		letter_privacy_outcome(&l, req_app(r)->cfg->company_name,
		                       letter_privacy_type_label(type), outcome_text(outcome),
		                       said ? said : detail);
		if (said != NULL) {
			explicit_bzero(said, strlen(said));
			free(said);
		}
		rc = privacy_letter(r, db, "privacy_outcome", email, applicant, &l) != 0
		         ? rest_fail_db(r, db)
		         : 0;
	}
	free(email);
	return rc < 0 ? -1 : 0;
}

static json_t *
item(const char *category, const char *action, const char *basis, const char *delete_at)
{
	return json_pack("{s:s, s:s, s:s, s:s?}", "category", category, "action", action, "basis",
	                 basis, "delete_at", delete_at);
}

/*
 * delete: open applications withdrawn, then the one erasure path; when a
 * legal hold or a legal floor not yet passed keeps the record, what no floor
 * needs goes now and the rest is restricted until the purge.
 */
static int
do_delete(struct req *r, struct db *db, const char *id, const char *applicant)
{
	const char *params[2] = {applicant, req_id(r)};
	json_t *record = NULL, *items = json_array();
	struct verdict v;
	PGresult *row = NULL;
	long n, version;
	bool erased = false;
	int rc;

	/* the record first, locked: a legal hold set meanwhile waits for this transaction, one
	 * set before is seen here, so the hold and the erasure never race to a failure */
	if ((rc = privacy_lock_subject(db, applicant)) != 0) {
		json_decref(items);
		return rc < 0 ? rest_fail_db(r, db) : req_retry(r);
	}
	if (db_count(db, &applications_withdraw_open, 2, params, &n) != 0 ||
	    privacy_retention_inputs(db, applicant, &row) != 0 ||
	    applicants_current(db, applicant, &record, &version) != 0) {
		PQclear(row);
		json_decref(items);
		return rest_fail_db(r, db);
	}
	const struct policies *p = retention_policies_cached(PQgetvalue(row, 0, 1));
	double now = atof(PQgetvalue(row, 0, 2));
	bool held = PQgetvalue(row, 0, 4)[0] == 't';
	if (p == NULL || retention_judge_restricted(p, atof(PQgetvalue(row, 0, 3)), held,
	                                            PQgetvalue(row, 0, 0), &v) != 0) {
		PQclear(row);
		json_decref(record);
		json_decref(items);
		return req_fail(r, 503, "the retention rules could not be read; retry");
	}
	PQclear(row);
	char *email = xstrdup(json_string_value(json_object_get(record, "email")));
	json_decref(record);
	if (!held && v.expires_at <= now) {
		json_array_append_new(
		    items, item("everything held about you", "deleted", "your request", NULL));
		char *text = jsonx_dump(items);
		if (erasure_delete(db, applicant, NULL, "applicant", req_id(r), &erased) != 0)
			rc = rest_fail_db(r, db);
		else if (!erased) /* it changed under the lock: never a 500, the request again */
			rc = req_retry(r);
		else
			rc = privacy_suppress(db, email, "erased") != 0
			         ? rest_fail_db(r, db)
			         : end_telling(r, db, id, "delete", NULL, "completed", "fulfilled",
			                       "Everything we held about you is deleted.", NULL,
			                       "system", NULL, text);
		free(text);
	} else {
		char until[32] = "", basis[400];
		if (held) {
			snprintf(basis, sizeof(basis), "a legal hold");
		} else {
			time_t t = (time_t)v.expires_at;
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
			snprintf(basis, sizeof(basis), "legal floor %s%s%s (%s)",
			         v.floor ? v.floor->country : "",
			         v.floor && v.floor->region[0] ? "/" : "",
			         v.floor ? v.floor->region : "", v.floor ? v.floor->basis : "");
		}
		json_array_append_new(items,
		                      item("marketing consent", "deleted", "your request", NULL));
		json_array_append_new(items,
		                      item("social profiles", "deleted", "your request", NULL));
		json_array_append_new(
		    items, item("documents other than resumes", "deleted", "your request", NULL));
		json_array_append_new(
		    items, item("identifiers and contact details, resumes, applications and their "
		                "history, evaluations",
		                "restricted", basis, held ? NULL : until));
		char *text = jsonx_dump(items);
		char *said = xasprintf(
		    "We deleted what no law makes us keep. The rest (your contact details, "
		    "resumes, "
		    "applications and evaluations) must be kept because of %s; until then only HR "
		    "can see it, it is used for nothing else, and it is deleted %s.",
		    basis, held ? "when the hold ends" : until);
		long docs;
		rc = applicants_restrict(db, applicant, req_id(r), &docs) != 0
		         ? rest_fail_db(r, db)
		         : end_telling(r, db, id, "delete", applicant, "completed",
		                       "partially_fulfilled", said, NULL, "system", NULL, text);
		free(said);
		free(text);
	}
	free(email);
	json_decref(items);
	return rc;
}

/* know_specific: the package, and its link in the outcome e-mail only (never in the log). */
static int
do_export(struct req *r, struct db *db, const char *id, const char *applicant)
{
	char *link = NULL, *letter_only;
	int rc;

	if (exports_build(r, db, id, applicant, &link) != 0)
		return -1;
	letter_only =
	    xasprintf("Download your data (a ZIP file) within 24 hours, at most 3 times:\n"
	              "\n%s\n\nSigned in on your page, you can also download it for 7 days.",
	              link);
	rc = end_telling(r, db, id, "know_specific", applicant, "completed", "fulfilled",
	                 "Your copy is ready.", NULL, "system", letter_only, NULL);
	explicit_bzero(letter_only, strlen(letter_only));
	explicit_bzero(link, strlen(link));
	free(letter_only);
	free(link);
	return rc;
}

static int
do_categories(struct req *r, struct db *db, const char *id, const char *applicant)
{
	bool docs, apps, evals;
	int rc = privacy_holdings(db, applicant, &docs, &apps, &evals);

	if (rc < 0)
		return rest_fail_db(r, db);
	json_t *cats = privacy_categories(docs, apps, evals);
	char *text = jsonx_dump(cats), *detail = NULL;
	size_t i;
	json_t *c;
	struct buf names;
	buf_init(&names, 4096);
	(void)!buf_printf(&names, "We hold these categories of data about you:");
	json_array_foreach(cats, i, c)(void) !buf_printf(
	    &names, "\n- %s (from %s; kept %s)", json_string_value(json_object_get(c, "category")),
	    json_string_value(json_object_get(c, "sources")),
	    json_string_value(json_object_get(c, "retention")));
	detail = buf_steal(&names);
	rc = privacy_end(r, db, id, "know_categories", applicant, "completed", "fulfilled", detail,
	                 text, "system");
	free(detail);
	free(text);
	json_decref(cats);
	return rc;
}

/* Whether value is an e-mail address other than the record's (folded alike: the same one). */
static bool
is_new_email(const json_t *value, const json_t *record)
{
	const char *v = json_string_value(value), *cur;

	if (v == NULL || !is_email(v))
		return false;
	cur = json_string_value(json_object_get(record, "email"));
	if (cur == NULL)
		return true;
	char *a = fold_email(v), *b = fold_email(cur);
	bool differs = strcmp(a, b) != 0;
	free(a);
	free(b);
	return differs;
}

/*
 * correct: contact fields at once (when they are valid); a new e-mail
 * address only once the link sent to it is followed (api/email_change.h),
 * whoever asked; anything else, and a correction in the person's own words
 * (details, no corrections), to HR. Whether the new address is another
 * record's is never looked at here, so the answer tells nothing of it.
 */
static int
do_correct(struct req *r, struct db *db, const char *id, const char *applicant, json_t *corrections)
{
	json_t *cur = NULL, *item;
	const char *new_email = NULL;
	long have;
	size_t i;
	bool others = json_array_size(corrections) == 0, contact = false;
	int rc = applicants_current(db, applicant, &cur, &have);

	if (rc != 0)
		return rc < 0 ? rest_fail_db(r, db) : 0;
	json_t *doc = json_object();
	for (int k = 0; profile_editable[k]; k++)
		json_object_set(doc, profile_editable[k],
		                json_object_get(cur, profile_editable[k]));
	json_array_foreach(corrections, i, item)
	{
		const char *field = json_string_value(json_object_get(item, "field"));
		json_t *value = json_object_get(item, "value");
		if (field != NULL && strcmp(field, "email") == 0 && is_new_email(value, cur)) {
			new_email = json_string_value(value);
		} else if (field != NULL && privacy_is_contact_field(field)) {
			json_object_set(doc, field, value);
			contact = true;
		} else {
			others = true;
		}
	}
	struct problem quiet;
	problem_init(&quiet);
	bool valid = profile_validate(doc, false, &quiet);
	problem_fini(&quiet);
	rc = 0;
	if (contact && valid) {
		json_t *record = NULL;
		long version;
		profile_normalize(doc);
		rc = applicants_update(db, applicant, have, doc, "applicant", req_id(r),
		                       "applicant:corrected", &record, &version);
		json_decref(record);
		if (rc < 0)
			rc = rest_fail_db(r, db);
		else if (rc > 0)
			rc = req_retry(r); /* changed meanwhile: the whole request again */
	}
	bool for_hr = others || !valid;
	if (rc == 0 && new_email != NULL) { /* its link ends the request, unless HR has more */
		if (email_change_start(r, db, applicant, new_email, id, !for_hr) != 0)
			rc = -1;
		else if (privacy_event(db, id, "email_confirmation_sent", "system") != 0)
			rc = rest_fail_db(r, db);
	}
	if (rc == 0 && for_hr) {
		/* the rest is HR's: the request stays in progress */
		if (privacy_event(db, id, contact && valid ? "contact_corrected" : "for_hr",
		                  "system") != 0)
			rc = rest_fail_db(r, db);
	} else if (rc == 0 && new_email == NULL) {
		rc = privacy_end(r, db, id, "correct", applicant, "completed", "fulfilled",
		                 "Your contact details are corrected.", NULL, "system");
	}
	json_decref(doc);
	json_decref(cur);
	return rc;
}

/* A verified request of type for applicant (NULL: no record): do what is done at once. */
int
privacy_execute(struct req *r, struct db *db, const char *id, const char *type,
                const char *applicant, json_t *corrections)
{
	if (applicant == NULL)
		return privacy_end(r, db, id, type, NULL, "completed", "no_record", NULL, NULL,
		                   "system");
	if (strcmp(type, "know_categories") == 0)
		return do_categories(r, db, id, applicant);
	if (strcmp(type, "correct") == 0)
		return do_correct(r, db, id, applicant, corrections);
	if (strcmp(type, "know_specific") == 0)
		return do_export(r, db, id, applicant);
	if (strcmp(type, "delete") == 0)
		return do_delete(r, db, id, applicant);
	return 0;
}

/* opt_out at intake: the record (if any) and the suppression list, then done. */
int
privacy_opt_out_now(struct req *r, struct db *db, const char *id, const char *email)
{
	char applicant[37];
	int rc = applicants_opt_out(db, email, "applicant", req_id(r), applicant);

	if (rc < 0 || privacy_suppress(db, email, "opt_out") != 0)
		return rest_fail_db(r, db);
	return privacy_end(
	    r, db, id, "opt_out", rc == 0 ? applicant : NULL, "completed", "fulfilled",
	    "You will get no news of openings, and your data is not shared.", NULL, "system");
}
