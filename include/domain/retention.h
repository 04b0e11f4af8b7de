/*
 * retention: how long an applicant's record may be kept, decided from the
 * rules HR sets and nothing else. Pure functions, no database: rule
 * matching (country and region, then country, then "*"), and the verdict
 * for one applicant. Thread-safe.
 *
 * An applicant expires when none of their applications is open, the
 * matching rule's retain_days have passed since their last application
 * closed (since the record was made when they never applied; then the rule
 * is the no_application one for their address), and no legal hold is set.
 * With several closed applications, the longest period any of them calls
 * for counts, from the last closure.
 */
#ifndef RECRUITD_RETENTION_H
#define RECRUITD_RETENTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct problem;

enum outcome { OUTCOME_REJECTED, OUTCOME_WITHDRAWN, OUTCOME_NO_APPLICATION };

struct policy {
	enum outcome outcome;
	char country[3];  /* "*" or an ISO code */
	char region[101]; /* "" for the whole country */
	int retain_days;
};

/* A legal floor: no application in this jurisdiction is deleted sooner after its decision. */
struct floor {
	char country[3];
	char region[101]; /* "" for the whole country */
	int retain_days;
	char basis[201]; /* the law that sets it, e.g. "29 CFR 1602.14" */
};

struct policies {
	struct policy *rules;
	size_t n;
	struct floor *floors; /* entries {"outcome": "floor", ...} of the same text */
	size_t nfloors;
};

/* One application of the applicant, as retention sees it. */
struct app_state {
	bool open;
	enum outcome outcome;         /* for a closed one: rejected or withdrawn */
	const char *country, *region; /* the opening's; region may be NULL */
	double closed_at;             /* seconds since the epoch */
};

struct subject {
	double created_at;
	const char *country, *region; /* the address's; either may be NULL */
	bool held;
	const struct app_state *apps;
	size_t napps;
};

struct verdict {
	bool open;  /* an application is open: no expiry yet */
	bool held;  /* a legal hold is set */
	bool known; /* expires_at is meaningful (a rule matched, nothing open) */
	double expires_at;
	const struct policy *rule; /* the rule that set expires_at */
	const struct floor *floor; /* a legal floor that moved expires_at later, or NULL */
};

/* Parse [{outcome, country, region, retain_days}] (validated elsewhere); 0 or -1. */
int retention_policies_parse(const json_t *list, struct policies *out);
void retention_policies_free(struct policies *p);

/* Collect every error in a policy set (422 material) into p; true when valid. */
bool retention_policies_validate(const json_t *list, struct problem *p);

/*
 * The rules from their JSON text (RETENTION_POLICIES_SQL's), or NULL when it
 * does not parse. Each thread keeps the last text it parsed and its rules,
 * so serving records does not parse the same rules again and again; the
 * result is the thread's, valid until its next call.
 */
const struct policies *retention_policies_cached(const char *text);
/* The most specific rule for outcome at country/region, or NULL when none matches. */
const struct policy *retention_match(const struct policies *p, enum outcome outcome,
                                     const char *country, const char *region);

/*
 * The longest floor for an application at country/region: the country's,
 * or the region's when longer. NULL when none applies.
 */
const struct floor *retention_floor_for(const struct policies *p, const char *country,
                                        const char *region);

/* The verdict for one applicant. */
void retention_judge(const struct policies *p, const struct subject *s, struct verdict *v);

/* Whether the applicant is past retention at `now` (a legal hold does not change this; see held).
 */
bool retention_is_past(const struct verdict *v, double now);

/* "outcome/country[/region]" into out, e.g. "rejected/US/CA"; "none" without a rule. */
void retention_rule_label(const struct policy *rule, char *out, size_t len);

/* SQL for the pieces a verdict needs, for an applicant aliased "a". */
#define RETENTION_APPS_SQL                                                                         \
	"(SELECT coalesce(json_agg(json_build_array(p.stage, o.country, o.region, "                \
	"extract(epoch FROM p.closed_at))), '[]') FROM applications p JOIN openings o ON o.id = "  \
	"p.opening_id "                                                                            \
	"WHERE p.applicant_id = a.id)::text"
/* The policies and floors as one JSON array, kept by triggers (migration 0020). */
#define RETENTION_POLICIES_SQL "(SELECT doc FROM retention_rules_doc)"

/*
 * The verdict from those pieces: the applications as [[stage, country,
 * region, closed_at], ...] (apps_json), the address, the hold. 0 or -1.
 */
int retention_judge_json(const struct policies *p, double created_at, const char *country,
                         const char *region, bool held, const char *apps_json, struct verdict *v);

/* {expires_at, blocked_by: ["open_application", "legal_hold", "no_retention_rule",
 * "legal_floor:US/CA"], rule}; new reference. */
json_t *retention_json(const struct verdict *v);

/*
 * The verdict for a restricted record (an erasure request a floor or a hold
 * held back): the company's policies no longer count, only the floors; it
 * expires when the longest floor of its applications has passed (at once
 * when none applies). Same pieces as retention_judge_json.
 */
int retention_judge_restricted(const struct policies *p, double created_at, bool held,
                               const char *apps_json, struct verdict *v);

/* The outcome called name, or -1. */
int retention_outcome_parse(const char *name);

#endif
