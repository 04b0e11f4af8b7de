/*
 * screening: applications and their moves. See screening.h. Two racing
 * moves are serialised by the application's row lock: the second is judged
 * against the stage the first left, so exactly one of two moves from a
 * stage wins and writes one history entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "core/problem.h"
#include "core/token.h"
#include "domain/stages.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "flows/screening.h"
#include "store/applicants.h"
#include "store/applications.h"
#include "store/bgcheck.h"
#include "store/evaluations.h"

#define NO_APPLICATION "no application with this id"

/* 409: the applicant has applied to the opening already (its application named). */
static int
fail_applied(const struct flow *f, const char *existing, bool self)
{
	problem_extra(f->problem, "application_id", json_string(existing));
	if (self)
		return flow_fail(f, 409, "already-applied",
		                 "you have applied to this opening already");
	return flow_fail(f, 409, "duplicate-application",
	                 "this applicant has applied to this opening already");
}

/* Nothing was inserted: applied already (409), the applicant absent (404/410), or the opening. */
static int
why_not_inserted(const struct flow *f, const char *applicant_id, const char *opening_id, bool self)
{
	char existing[37];
	int rc = applications_existing(f->db, applicant_id, opening_id, existing);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 0)
		return fail_applied(f, existing, self);
	if ((rc = applicants_exists(f->db, applicant_id)) < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail_absent(f, applicant_id);
	problem_field(f->problem, "opening_id", "must be the id of an open opening");
	return flow_fail_fields(f);
}

int
screening_apply(const struct flow *f, const char *applicant_id, const char *opening_id, bool self,
                const struct idem *k, json_t **app, bool *replayed)
{
	struct idem_answer first;
	char location[80];
	int rc;

	*replayed = false;
	if ((rc = idem_begin(f, k, &first)) != 0) {
		if (rc < 0)
			return -1;
		*replayed = true;
		return screening_get(f, first.resource_id, app);
	}
	rc = applications_insert(f->db, applicant_id, opening_id, f->who->name, f->request_id, app);
	if (rc != 0) {
		if (rc < 0)
			flow_fail_db(f);
		flow_rollback(f);
		return rc < 0 ? -1 : why_not_inserted(f, applicant_id, opening_id, self);
	}
	/* the applicant follows it to their own page, which lists it; staff to the application */
	const char *id = json_string_value(json_object_get(*app, "id"));
	if (self)
		snprintf(location, sizeof(location), "/v1/me");
	else
		snprintf(location, sizeof(location), "/v1/applications/%s", id);
	if (idem_commit(f, k, 201, id, location) != 0) {
		json_decref(*app);
		*app = NULL;
		return -1;
	}
	return 0;
}

int
screening_get(const struct flow *f, const char *id, json_t **app)
{
	int rc = applications_find(f->db, id, flow_sees_restricted(f), app);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_APPLICATION) : 0;
}

int
screening_list(const struct flow *f, const char *opening_id, const char *stage,
               const struct page_want *want, struct page_of *out)
{
	return applications_page(f->db, opening_id, stage, want, out) == 0 ? 0 : flow_fail_db(f);
}

int
screening_history(const struct flow *f, const char *id, json_t **history)
{
	int rc = applications_find_history(f->db, id, flow_sees_restricted(f), history);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_APPLICATION) : 0;
}

/* ------------------------------------------------------------------ */
/* moves                                                                */

/* 409 for a move the rules forbid, naming both stages. */
static int
fail_move(const struct flow *f, const char *from, const char *to, const char *slug, const char *why)
{
	problem_extra(f->problem, "from", json_string(from));
	problem_extra(f->problem, "to", json_string(to));
	return flow_fail(f, 409, slug, "cannot move from %s to %s: %s", from, to, why);
}

/* Where an application's opening is, for a message: "US-CA", or what it lacks. */
static void
where_of(const struct application_lock *cur, char *where, size_t len)
{
	snprintf(where, len, "%s%s%s",
	         *cur->country ? cur->country : "an opening without a country",
	         *cur->region ? "-" : "", cur->region);
}

/* 409: the opening's jurisdiction allows no background check (ruled: a rule said so). */
static int
fail_jurisdiction(const struct flow *f, const struct application_lock *cur, bool ruled)
{
	char where[440], why[560];

	where_of(cur, where, sizeof(where));
	if (!ruled)
		snprintf(why, sizeof(why),
		         "no background-check rule covers %s, so checks are not allowed there",
		         where);
	else
		snprintf(why, sizeof(why), "the background-check rule for %s does not allow checks",
		         where);
	return fail_move(f, cur->stage, "background_check", "background-check-not-allowed", why);
}

/*
 * The applicant opted out of sharing their data outside the company,
 * background-check providers included: a check goes ahead only when hr
 * overrides it with a reason (kept in the history entry, audited).
 */
static int
check_sharing(const struct flow *f, const struct application_lock *cur, const char *override)
{
	if (!cur->sharing_opt_out || (override != NULL && flow_is_hr(f)))
		return 0;
	problem_extra(f->problem, "from", json_string(cur->stage));
	problem_extra(f->problem, "to", json_string("background_check"));
	return flow_fail(f, 409, "sharing-opt-out",
	                 "the applicant opted out of sharing their data outside the company, "
	                 "background-check providers included; %s",
	                 flow_is_hr(f) ? "give override_reason to check them all the same"
	                               : "only hr can override it, with override_reason");
}

/* Why a move the table refuses is refused, in the words of the rule that refuses it. */
static const char *
why_not(const char *from, enum stage to, enum stage_order order)
{
	enum stage s = (enum stage)stage_parse(from);

	if (stage_is_final(s))
		return "the application's stage is final";
	if (to == ST_HIRED)
		return order == ORDER_AFTER_OFFER ? "hired is reached only through POST "
		                                    "/v1/applications/{id}/hire, from offer or "
		                                    "background_check"
		                                  : "hired is reached only through POST "
		                                    "/v1/applications/{id}/hire, from offer";
	if (s == to)
		return "the application is at that stage already";
	if (to == ST_BACKGROUND_CHECK && order == ORDER_AFTER_OFFER)
		return "the background-check rule of the opening's jurisdiction has checks only "
		       "after "
		       "a conditional offer (order after_offer): move to offer first";
	return "moves go forward only";
}

/* What a move asks beside its stage. */
struct ask {
	enum stage to;
	const char *reason, *override;
};

/* Judge the move against the table (and the jurisdiction's rule); 0 allowed, -1 problem set. */
static int
judge(const struct flow *f, const struct application_lock *cur, const struct ask *a)
{
	enum stage from = (enum stage)stage_parse(cur->stage);
	struct bgcheck_verdict v = {.allowed = false, .order = ORDER_BEFORE_OFFER};
	int ruled = 1;

	/* the rule is read only for the moves whose verdict depends on it */
	if (stage_needs_rule(from, a->to) &&
	    (ruled = bgcheck_verdict(f->db, cur->country, cur->region, &v)) < 0)
		return flow_fail_db(f);
	switch (stage_move(v.order, from, a->to)) {
	case MOVE_YES:
		return 0;
	case MOVE_REASON:
		if (a->reason != NULL)
			return 0;
		problem_field(f->problem, "reason", "is required to reject an application");
		return flow_fail_fields(f);
	case MOVE_GATED:
		if (ruled != 0 || !v.allowed)
			return fail_jurisdiction(f, cur, ruled == 0);
		return check_sharing(f, cur, a->override);
	case MOVE_HIRE:
		return fail_move(f, cur->stage, stage_name(a->to), "invalid-transition",
		                 "hired is reached only through POST /v1/applications/{id}/hire");
	case MOVE_NO:
	default:
		return fail_move(f, cur->stage, stage_name(a->to), "invalid-transition",
		                 why_not(cur->stage, a->to, v.order));
	}
}

/* The history's reason of a move hr made over the applicant's sharing opt-out (new string). */
static char *
overridden(const char *reason, const char *override)
{
	return reason != NULL
	           ? xasprintf("%s (sharing opt-out overridden by hr: %s)", reason, override)
	           : xasprintf("sharing opt-out overridden by hr: %s", override);
}

/* The move judged allowed, written: 0, or -1 with the problem set. */
static int
write_move(const struct flow *f, const char *id, const struct application_lock *cur,
           const struct ask *a, json_t **app)
{
	bool over = a->to == ST_BACKGROUND_CHECK && cur->sharing_opt_out;
	char *reason = over ? overridden(a->reason, a->override) : NULL;
	int rc =
	    applications_write_move(f->db, id, cur->stage, stage_name(a->to),
	                            over ? reason : a->reason, f->who->name, f->request_id, app);

	free(reason);
	if (rc == 0 && over &&
	    applications_audit_override(f->db, id, f->who->name, f->request_id) != 0) {
		json_decref(*app);
		*app = NULL;
		rc = -1;
	}
	return rc == 0 ? 0 : flow_fail_db(f);
}

/* The move in the caller's open transaction: locked, judged, written. 0, or -1 with the problem. */
static int
move_in(const struct flow *f, const char *id, const char *applicant_id, const struct ask *a,
        long expect, json_t **app)
{
	struct application_lock cur;
	int rc = applications_lock(f->db, id, applicant_id, flow_sees_restricted(f), &cur);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, NO_APPLICATION);
	if (expect != 0 && expect != cur.version)
		return flow_fail(f, 412, NULL, "the application changed since version %ld", expect);
	if (judge(f, &cur, a) != 0)
		return -1;
	return write_move(f, id, &cur, a, app);
}

int
screening_move_in(const struct flow *f, const char *id, const char *applicant_id, enum stage to,
                  const char *reason, const char *override_reason, long expect, json_t **app)
{
	struct ask a = {to, reason, override_reason};

	return move_in(f, id, applicant_id, &a, expect, app);
}

int
screening_move_overriding(const struct flow *f, const char *id, const char *applicant_id,
                          enum stage to, const char *reason, const char *override_reason,
                          long expect, json_t **app)
{
	struct ask a = {to, reason, override_reason};

	if (flow_begin(f) != 0)
		return -1;
	if (move_in(f, id, applicant_id, &a, expect, app) != 0)
		return flow_rollback(f);
	if (flow_commit(f) != 0) {
		json_decref(*app);
		*app = NULL;
		return -1;
	}
	return 0;
}

int
screening_move(const struct flow *f, const char *id, const char *applicant_id, enum stage to,
               const char *reason, long expect, json_t **app)
{
	return screening_move_overriding(f, id, applicant_id, to, reason, NULL, expect, app);
}

/* ------------------------------------------------------------------ */
/* evaluations                                                          */

int
screening_evaluate(const struct flow *f, const char *id, int score, const char *summary,
                   json_t **evaluation)
{
	int rc = evaluations_add(f->db, id, flow_sees_restricted(f), score, summary, f->who->name,
	                         f->request_id, evaluation);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_APPLICATION) : 0;
}

int
screening_evaluations(const struct flow *f, const char *id, json_t **list)
{
	int rc = evaluations_of(f->db, id, flow_sees_restricted(f), list);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, NO_APPLICATION) : 0;
}

int
screening_evaluation(const struct flow *f, const char *id, json_t **evaluation)
{
	int rc = evaluations_one(f->db, id, flow_sees_restricted(f), evaluation);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no evaluation with this id") : 0;
}
