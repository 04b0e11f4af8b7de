/*
 * intake: privacy requests taken in, and what is done at once. See
 * intake.h. Every receipt and outcome is an e-mail through the outbox, in
 * the transaction of the change it reports; a verification link or a
 * download link is never kept in the log, only in the e-mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "core/zone.h"
#include "domain/letters.h"
#include "domain/privacy.h"
#include "domain/profile.h"
#include "flows/erasing.h"
#include "flows/exporting.h"
#include "flows/flow.h"
#include "flows/intake.h"
#include "flows/recording.h"
#include "flows/requests.h"
#include "intake_hired.h"
#include "store/applicants.h"
#include "store/email_changes.h"
#include "store/outbox.h"
#include "store/privacy.h"

/* End request id of type as e says (id and type filled in here). */
static int
end(const struct flow *f, const char *id, const char *type, struct requests_ending e)
{
	e.id = id;
	e.type = type;
	if (e.actor == NULL)
		e.actor = "system";
	return requests_end(f, &e);
}

/* ------------------------------------------------------------------ */
/* what is done at once                                                 */

/*
 * know_categories: what is held, by category, in the log and in the letter;
 * employee not NULL: they were hired before, and their employee file's too.
 */
static int
do_categories(const struct flow *f, const char *id, const char *applicant, const char *employee)
{
	bool docs, apps, evals;
	size_t i;
	json_t *c;
	struct buf names;

	if (privacy_holdings(f->db, applicant, &docs, &apps, &evals) < 0 ||
	    (employee != NULL &&
	     privacy_for_employee(f->db, id, employee, NULL, "employee_record") != 0))
		return flow_fail_db(f);
	json_t *cats = privacy_categories(docs, apps, evals);
	buf_init(&names, 4096);
	(void)!buf_printf(&names, employee != NULL
	                              ? "Your recruitment record holds these categories of data "
	                                "about you:"
	                              : "We hold these categories of data about you:");
	json_array_foreach(cats, i, c)(void) !buf_printf(
	    &names, "\n- %s (from %s; kept %s)", json_string_value(json_object_get(c, "category")),
	    json_string_value(json_object_get(c, "sources")),
	    json_string_value(json_object_get(c, "retention")));
	if (employee != NULL)
		intake_hired_categories(cats, &names,
		                        "\n\nYou were hired before, too: that recruitment record "
		                        "moved into your employee file, which HR keeps. It holds "
		                        "these categories of data about you:");
	char *text = jsonx_dump(cats), *detail = buf_steal(&names);
	int rc = end(f, id, "know_categories",
	             (struct requests_ending){.applicant = applicant,
	                                      .status = "completed",
	                                      .outcome = "fulfilled",
	                                      .detail = detail,
	                                      .categories = text});
	free(detail);
	free(text);
	json_decref(cats);
	return rc;
}

/* know_specific: the package, and its link in the outcome e-mail only (never in the log). */
static int
do_export(const struct flow *f, const char *id, const char *applicant)
{
	char *link = NULL;

	if (exporting_build(f, id, applicant, &link) != 0)
		return -1;
	char *letter_only =
	    xasprintf("Download your data (a ZIP file) within 24 hours, at most 3 times:\n"
	              "\n%s\n\nSigned in on your page, you can also download it for 7 days.",
	              link);
	int rc = end(f, id, "know_specific",
	             (struct requests_ending){.applicant = applicant,
	                                      .status = "completed",
	                                      .outcome = "fulfilled",
	                                      .detail = "Your copy is ready.",
	                                      .letter_only = letter_only});
	explicit_bzero(letter_only, strlen(letter_only));
	explicit_bzero(link, strlen(link));
	free(letter_only);
	free(link);
	return rc;
}

/* delete: erased, or what no floor needs deleted and the rest restricted (flows/erasing.h). */
static int
do_delete(const struct flow *f, const char *id, const char *applicant)
{
	struct erasing_outcome out;
	int rc = erasing_on_request(f, applicant, id, &out);
	char *items = rc == 0 ? jsonx_dump(out.items) : NULL, *said = NULL;

	if (rc == 0 && out.erased) {
		rc = end(
		    f, id, "delete",
		    (struct requests_ending){.status = "completed",
		                             .outcome = "fulfilled",
		                             .detail = "Everything we held about you is deleted.",
		                             .items = items});
	} else if (rc == 0) {
		said = xasprintf(
		    "We deleted what no law makes us keep. The rest (your contact details, "
		    "resumes, applications and evaluations) must be kept because of %s; until "
		    "then only HR can see it, it is used for nothing else, and it is deleted %s.",
		    out.basis, out.held ? "when the hold ends" : out.until);
		rc = end(f, id, "delete",
		         (struct requests_ending){.applicant = applicant,
		                                  .status = "completed",
		                                  .outcome = "partially_fulfilled",
		                                  .detail = said,
		                                  .items = items});
	}
	free(said);
	free(items);
	erasing_outcome_fini(&out);
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

/* What a correction asks, sorted: the record's contact fields as corrected, a new address. */
struct sorted {
	json_t *doc;           /* the editable members, the contact corrections applied */
	const char *new_email; /* borrowed from the corrections; NULL: none */
	bool contact, others;  /* contact fields corrected; anything else asked (HR's) */
};

/* Sort corrections against the record cur: an address is new only if it folds differently. */
static void
sort_corrections(const json_t *cur, const json_t *corrections, struct sorted *s)
{
	json_t *item;
	size_t i;

	*s = (struct sorted){.doc = json_object(), .others = json_array_size(corrections) == 0};
	for (int k = 0; profile_editable[k]; k++)
		json_object_set(s->doc, profile_editable[k],
		                json_object_get(cur, profile_editable[k]));
	json_array_foreach(corrections, i, item)
	{
		const char *field = json_string_value(json_object_get(item, "field"));
		json_t *value = json_object_get(item, "value");
		if (field != NULL && strcmp(field, "email") == 0 && is_new_email(value, cur))
			s->new_email = json_string_value(value);
		else if (field != NULL && privacy_is_contact_field(field)) {
			json_object_set(s->doc, field, value);
			s->contact = true;
		} else
			s->others = true;
	}
}

/* The contact corrections written over version have: 0, or -1 (a retry if it changed). */
static int
write_contact(const struct flow *f, const char *applicant, long have, json_t *doc)
{
	json_t *record = NULL;
	long version;

	profile_normalize(doc);
	int rc = applicants_update(f->db, applicant, have, doc, "applicant", f->request_id,
	                           "applicant:corrected", &record, &version);
	json_decref(record);
	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_retry(f) : 0; /* changed meanwhile: the whole request again */
}

/* The rest of a correction once the contact fields are written: a link, HR, or the end. */
static int
finish_correct(const struct flow *f, const char *id, const char *applicant, const struct sorted *s,
               bool valid)
{
	bool for_hr = s->others || !valid;

	if (s->new_email != NULL) { /* its link ends the request, unless HR has more */
		if (recording_email_start(f, applicant, s->new_email, id, !for_hr) != 0)
			return -1;
		if (privacy_event(f->db, id, "email_confirmation_sent", "system") != 0)
			return flow_fail_db(f);
	}
	if (for_hr) /* the rest is HR's: the request stays in progress */
		return privacy_event(f->db, id,
		                     s->contact && valid ? "contact_corrected" : "for_hr",
		                     "system") != 0
		           ? flow_fail_db(f)
		           : 0;
	if (s->new_email != NULL)
		return 0;
	return end(f, id, "correct",
	           (struct requests_ending){.applicant = applicant,
	                                    .status = "completed",
	                                    .outcome = "fulfilled",
	                                    .detail = "Your contact details are corrected."});
}

/*
 * correct: contact fields at once (when they are valid); a new e-mail
 * address only once the link sent to it is followed, whoever asked;
 * anything else, and a correction in the person's own words (details, no
 * corrections), to HR. Whether the new address is another record's is
 * never looked at here, so the answer tells nothing of it.
 */
static int
do_correct(const struct flow *f, const char *id, const char *applicant, const json_t *corrections)
{
	json_t *cur = NULL;
	struct sorted s;
	struct problem quiet;
	long have;
	int rc = applicants_current(f->db, applicant, &cur, &have);

	if (rc != 0)
		return rc < 0 ? flow_fail_db(f) : 0;
	sort_corrections(cur, corrections, &s);
	problem_init(&quiet);
	bool valid = profile_validate(s.doc, false, &quiet);
	problem_fini(&quiet);
	rc = s.contact && valid ? write_contact(f, applicant, have, s.doc) : 0;
	if (rc == 0)
		rc = finish_correct(f, id, applicant, &s, valid);
	json_decref(s.doc);
	json_decref(cur);
	return rc;
}

int
intake_carry_out(const struct flow *f, const char *id, const char *type, const char *applicant,
                 const json_t *corrections)
{
	char employee[37];
	int hired;

	if (applicant == NULL)
		return end(f, id, type,
		           (struct requests_ending){.status = "completed", .outcome = "no_record"});
	if (strcmp(type, "opt_out") == 0) /* done when taken in (opt_out_now) */
		return 0;
	/* hired before, and on record as an applicant again: the employee file is theirs too */
	if ((hired = intake_hired_find(f, applicant, employee)) < 0)
		return -1;
	if (strcmp(type, "know_categories") == 0)
		return do_categories(f, id, applicant, hired == 0 ? employee : NULL);
	if (hired == 0) /* a copy, a deletion, a correction: HR's, from both records */
		return intake_hired_to_hr(f, id, type, employee, true);
	if (strcmp(type, "correct") == 0)
		return do_correct(f, id, applicant, corrections);
	if (strcmp(type, "know_specific") == 0)
		return do_export(f, id, applicant);
	if (strcmp(type, "delete") == 0)
		return do_delete(f, id, applicant);
	return 0;
}

/* ------------------------------------------------------------------ */
/* taking in                                                            */

/* opt_out at intake: the record (if any) and the suppression list, then done. */
static int
opt_out_now(const struct flow *f, const char *id, const char *email)
{
	char applicant[37];
	int rc = applicants_opt_out(f->db, email, "applicant", f->request_id, applicant);

	if (rc < 0 || privacy_suppress(f->db, email, "opt_out") != 0)
		return flow_fail_db(f);
	return end(f, id, "opt_out",
	           (struct requests_ending){
	               .applicant = rc == 0 ? applicant : NULL,
	               .status = "completed",
	               .outcome = "fulfilled",
	               .detail = "You will get no news of openings, and your data is not shared."});
}

/* The log entry of a request received at `received`, with its deadlines: 0 with id. */
static int
log_request(const struct flow *f, const struct intake_request *in, const char *actor, bool link,
            time_t received, char id[37])
{
	const struct config *cfg = f->cfg;
	char masked[320], received_text[32];
	char *corrections = in->corrections ? jsonx_dump(in->corrections) : NULL;
	char *agent = in->agent ? jsonx_dump(in->agent) : NULL;
	bool session = strcmp(actor, "applicant") == 0;

	privacy_mask_email(in->email, masked, sizeof(masked));
	snprintf(received_text, sizeof(received_text), "%lld", (long long)received);
	struct privacy_new p = {
	    .type = in->type,
	    .channel = in->channel,
	    .status = link ? "awaiting_verification" : "in_progress",
	    .verification_level = session ? "session" : "none",
	    .applicant_id = in->applicant_id,
	    .email = in->email,
	    .email_masked = masked,
	    .received_at = received_text,
	    .confirm_by = (long long)privacy_add_business_days(
	        received, PRIVACY_CONFIRM_BUSINESS_DAYS, cfg->zone, cfg->holidays, cfg->nholidays),
	    .due_at = (long long)privacy_add_days(received, PRIVACY_DUE_DAYS, cfg->zone),
	    .details = in->details,
	    .corrections = corrections,
	    .agent = agent,
	    .actor_role = actor};
	int rc = privacy_insert(f->db, &p, id);
	free(corrections);
	free(agent);
	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 422, NULL, "received_at is in the future") : 0;
}

/* The receipt, with the verification link when one is needed (url: NULL when not). */
static int
receipt(const struct flow *f, const struct intake_request *in, time_t received, const char *url)
{
	struct letter l;
	char due[11];

	zone_date(f->cfg->zone, privacy_add_days(received, PRIVACY_DUE_DAYS, f->cfg->zone), due);
	letter_privacy_receipt(&l, f->cfg->company_name, letter_privacy_type_label(in->type), due,
	                       url);
	return requests_letter(f, "privacy_receipt", in->email, in->applicant_id, &l);
}

/* A new verification code for request id: 0 with its link (new string), or -1. */
static int
new_link(const struct flow *f, const char *id, char **url)
{
	char code[CODE_LEN + 1], code_sha[2 * SHA256_LEN + 1];

	*url = NULL;
	if (code_new(code, code_sha) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	if (privacy_code_store(f->db, id, code_sha) != 0) {
		explicit_bzero(code, sizeof(code));
		return flow_fail_db(f);
	}
	*url = xasprintf("%s/privacy?code=%s", f->cfg->public_url, code);
	explicit_bzero(code, sizeof(code));
	return 0;
}

/*
 * In the open transaction: the log entry, the receipt (with the
 * verification link when one is needed), and what is done at once. actor:
 * requester, applicant (the session verified it) or hr. 0 with id.
 */
static int
take_in(const struct flow *f, const struct intake_request *in, const char *actor, char id[37])
{
	time_t received = in->received ? in->received : time(NULL);
	bool session = strcmp(actor, "applicant") == 0;
	bool link = !session && privacy_needs_link(in->type);
	char *url = NULL;
	int rc;

	if (log_request(f, in, actor, link, received, id) != 0 ||
	    (link && new_link(f, id, &url) != 0))
		return -1;
	rc = receipt(f, in, received, url);
	if (url != NULL) {
		explicit_bzero(url, strlen(url));
		free(url);
	}
	if (rc != 0)
		return -1;
	if (strcmp(in->type, "opt_out") == 0)
		return opt_out_now(f, id, in->email);
	if (!session)
		return 0;
	if (privacy_verified(f->db, id, in->applicant_id, "session", 0, NULL) != 0)
		return flow_fail_db(f);
	return intake_carry_out(f, id, in->type, in->applicant_id, in->corrections);
}

/* take_in in a transaction of its own, committed: 0 with id. */
static int
take_in_committed(const struct flow *f, const struct intake_request *in, const char *actor,
                  char id[37])
{
	if (flow_begin(f) != 0)
		return -1;
	if (in->gpc &&
	    applicants_share_opt_out(f->db, in->email, "applicant", f->request_id) != 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	if (take_in(f, in, actor, id) != 0 || flow_commit(f) != 0)
		return flow_rollback(f);
	return 0;
}

/* Request id as it stands after its commit, as the taker sees it (applicant: theirs only). */
static int
read_back(const struct flow *f, const char *id, const char *applicant, json_t **request)
{
	int rc = privacy_get(f->db, id, applicant, request);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no privacy request with this id") : 0;
}

int
intake_public(const struct flow *f, const struct intake_request *in)
{
	char id[37];

	return take_in_committed(f, in, "requester", id);
}

/* The record an HR request names: its address into *email when none was given. */
static int
named_record(const struct flow *f, const char *applicant, json_t **record)
{
	long version;
	int rc = applicants_current(f->db, applicant, record, &version);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0) {
		problem_field(f->problem, "applicant_id", "is not an applicant on record");
		return flow_fail_fields(f);
	}
	return 0;
}

int
intake_staff(const struct flow *f, const struct intake_request *in, json_t **request)
{
	struct intake_request r = *in;
	json_t *record = NULL;
	char id[37];
	int rc = 0;

	if (in->applicant_id != NULL && (rc = named_record(f, in->applicant_id, &record)) == 0 &&
	    r.email == NULL)
		r.email = json_string_value(json_object_get(record, "email"));
	if (rc == 0 && (rc = take_in_committed(f, &r, "hr", id)) == 0)
		rc = read_back(f, id, NULL, request);
	json_decref(record);
	return rc;
}

int
intake_own(const struct flow *f, const struct intake_request *in, json_t **request)
{
	const char *me = f->who->applicant_id;
	struct intake_request r = *in;
	json_t *record = NULL;
	long version;
	char id[37];
	int rc = applicants_current(f->db, me, &record, &version);

	if (rc != 0)
		return rc < 0 ? flow_fail_db(f) : flow_fail(f, 401, NULL, "the record is gone");
	r.email = json_string_value(json_object_get(record, "email"));
	r.applicant_id = me;
	if ((rc = take_in_committed(f, &r, "applicant", id)) == 0)
		rc = read_back(f, id, me, request);
	json_decref(record);
	return rc;
}
