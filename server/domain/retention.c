/* retention: rule matching and expiry verdicts, pure. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/problem.h"
#include "core/validate.h"
#include "core/xalloc.h"
#include "domain/retention.h"

static const char *const outcomes[] = {"rejected", "withdrawn", "no_application", NULL};

int
retention_outcome_parse(const char *name)
{
	for (int i = 0; outcomes[i]; i++)
		if (name && strcmp(outcomes[i], name) == 0)
			return i;
	return -1;
}

bool
retention_policies_validate(const json_t *list, struct problem *p)
{
	static const char *const keys[] = {"outcome", "country", "region", "retain_days", NULL};
	bool had = problem_has_fields(p);
	size_t i;
	json_t *rule;
	char path[40];

	if (!json_is_array(list)) {
		problem_field(p, "policies", "must be an array of rules");
		return false;
	}
	if (json_array_size(list) > 1000)
		problem_field(p, "policies", "must have at most 1000 rules");
	json_array_foreach(list, i, rule)
	{
		snprintf(path, sizeof(path), "[%zu]", i);
		if (!json_is_object(rule)) {
			problem_field(p, path,
			              "must be an object {outcome, country, region, retain_days}");
			continue;
		}
		check_known_keys(rule, keys, NULL, path, p);
		check_enum(rule, "outcome", path, true, outcomes, p);
		const char *country = json_string_value(json_object_get(rule, "country"));
		json_t *region = json_object_get(rule, "region"),
		       *days = json_object_get(rule, "retain_days");
		char field[64];
		snprintf(field, sizeof(field), "%s.country", path);
		if (country == NULL || (strcmp(country, "*") != 0 && !is_country_code(country)))
			problem_field(p, field,
			              "must be \"*\" or an ISO 3166-1 alpha-2 code in upper case");
		if (check_text(rule, "region", path, false, 100, p) && region &&
		    !json_is_null(region) && country && strcmp(country, "*") == 0) {
			snprintf(field, sizeof(field), "%s.region", path);
			problem_field(p, field, "needs a country, not \"*\"");
		}
		snprintf(field, sizeof(field), "%s.retain_days", path);
		if (!json_is_integer(days) || json_integer_value(days) < 0 ||
		    json_integer_value(days) > 36500)
			problem_field(p, field, "must be a whole number of days from 0 to 36500");
		for (size_t j = 0; j < i; j++) { /* each (outcome, country, region) once */
			json_t *o = json_array_get(list, j);
			if (json_equal(json_object_get(o, "outcome"),
			               json_object_get(rule, "outcome")) &&
			    json_equal(json_object_get(o, "country"),
			               json_object_get(rule, "country")) &&
			    json_equal(json_object_get(o, "region") ? json_object_get(o, "region")
			                                            : json_null(),
			               region ? region : json_null()))
				problem_field(p, path, "repeats the rule at [%zu]", j);
		}
	}
	return !had && !problem_has_fields(p);
}

int
retention_policies_parse(const json_t *list, struct policies *out)
{
	size_t i;
	json_t *r;

	out->n = 0;
	out->nfloors = 0;
	out->rules = xcalloc(json_array_size(list) + 1, sizeof(*out->rules));
	out->floors = xcalloc(json_array_size(list) + 1, sizeof(*out->floors));
	json_array_foreach(list, i, r)
	{
		const char *name = json_string_value(json_object_get(r, "outcome"));
		const char *country = json_string_value(json_object_get(r, "country"));
		const char *region = json_string_value(json_object_get(r, "region"));
		if (name != NULL && strcmp(name, "floor") == 0 && country != NULL &&
		    strlen(country) == 2) {
			struct floor *f = &out->floors[out->nfloors++];
			snprintf(f->country, sizeof(f->country), "%s", country);
			snprintf(f->region, sizeof(f->region), "%s", region ? region : "");
			snprintf(f->basis, sizeof(f->basis), "%s",
			         json_string_value(json_object_get(r, "basis"))
			             ? json_string_value(json_object_get(r, "basis"))
			             : "");
			f->retain_days = (int)json_integer_value(json_object_get(r, "retain_days"));
			continue;
		}
		struct policy *p = &out->rules[out->n++];
		int o = retention_outcome_parse(name);
		if (o < 0 || country == NULL || strlen(country) > 2) {
			retention_policies_free(out);
			return -1;
		}
		p->outcome = (enum outcome)o;
		snprintf(p->country, sizeof(p->country), "%s", country);
		snprintf(p->region, sizeof(p->region), "%s", region ? region : "");
		p->retain_days = (int)json_integer_value(json_object_get(r, "retain_days"));
	}
	return 0;
}

void
retention_policies_free(struct policies *p)
{
	free(p->rules);
	free(p->floors);
	p->rules = NULL;
	p->floors = NULL;
	p->n = 0;
	p->nfloors = 0;
}

/* The last rules a thread parsed, with their text. */
struct rules_cache {
	char *text;
	struct policies p;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
cache_free(void *arg)
{
	struct rules_cache *c = arg;

	retention_policies_free(&c->p);
	free(c->text);
	free(c);
}

static void
cache_init(void)
{
	if (pthread_key_create(&cache_key, cache_free) != 0)
		abort(); /* out of resources at start, like xalloc's out of memory */
}

const struct policies *
retention_policies_cached(const char *text)
{
	struct rules_cache *c;

	pthread_once(&cache_once, cache_init);
	if ((c = pthread_getspecific(cache_key)) == NULL) {
		c = xcalloc(1, sizeof(*c));
		if (pthread_setspecific(cache_key, c) != 0)
			abort(); /* out of memory (the only way it fails), as xalloc */
	}
	if (c->text != NULL && strcmp(c->text, text) == 0)
		return &c->p;
	retention_policies_free(&c->p);
	free(c->text);
	c->text = NULL;
	json_t *list = json_loads(text, 0, NULL);
	int rc = json_is_array(list) ? retention_policies_parse(list, &c->p) : -1;
	json_decref(list);
	if (rc != 0)
		return NULL;
	c->text = xstrdup(text);
	return &c->p;
}

const struct policy *
retention_match(const struct policies *p, enum outcome outcome, const char *country,
                const char *region)
{
	const struct policy *best = NULL;
	int best_rank = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct policy *r = &p->rules[i];
		int rank = 0;
		if (r->outcome != outcome)
			continue;
		if (strcmp(r->country, "*") == 0)
			rank = 1;
		else if (country && strcmp(r->country, country) == 0 && r->region[0] == '\0')
			rank = 2;
		else if (country && strcmp(r->country, country) == 0 && region &&
		         strcmp(r->region, region) == 0)
			rank = 3;
		if (rank > best_rank) {
			best = r;
			best_rank = rank;
		}
	}
	return best;
}

const struct floor *
retention_floor_for(const struct policies *p, const char *country, const char *region)
{
	const struct floor *best = NULL;

	for (size_t i = 0; country != NULL && i < p->nfloors; i++) {
		const struct floor *f = &p->floors[i];
		if (strcmp(f->country, country) != 0 ||
		    (f->region[0] != '\0' && (region == NULL || strcmp(f->region, region) != 0)))
			continue;
		if (best == NULL || f->retain_days > best->retain_days)
			best = f;
	}
	return best;
}

void
retention_judge(const struct policies *p, const struct subject *s, struct verdict *v)
{
	double last_closed = 0;
	int longest = -1;

	memset(v, 0, sizeof(*v));
	v->held = s->held;
	for (size_t i = 0; i < s->napps; i++) {
		const struct app_state *a = &s->apps[i];
		if (a->open) {
			v->open = true;
			continue;
		}
		if (a->closed_at > last_closed)
			last_closed = a->closed_at;
		const struct policy *rule = retention_match(p, a->outcome, a->country, a->region);
		if (rule != NULL && rule->retain_days > longest) {
			longest = rule->retain_days;
			v->rule = rule;
		}
	}
	if (v->open)
		return;
	if (s->napps == 0) {
		v->rule = retention_match(p, OUTCOME_NO_APPLICATION, s->country, s->region);
		last_closed = s->created_at;
		longest = v->rule ? v->rule->retain_days : -1;
	}
	if (v->rule == NULL)
		return; /* no rule matches: kept until HR makes one */
	v->known = true;
	v->expires_at = last_closed + (double)longest * 86400.0;
	/* No policy deletes an application's record before its jurisdiction's legal floor. */
	for (size_t i = 0; i < s->napps; i++) {
		const struct app_state *a = &s->apps[i];
		const struct floor *f = retention_floor_for(p, a->country, a->region);
		if (f != NULL && a->closed_at + (double)f->retain_days * 86400.0 > v->expires_at) {
			v->expires_at = a->closed_at + (double)f->retain_days * 86400.0;
			v->floor = f;
		}
	}
}

bool
retention_is_past(const struct verdict *v, double now)
{
	return v->known && !v->open && v->expires_at <= now;
}

void
retention_rule_label(const struct policy *rule, char *out, size_t len)
{
	if (rule == NULL)
		snprintf(out, len, "none");
	else if (rule->region[0])
		snprintf(out, len, "%s/%s/%s", outcomes[rule->outcome], rule->country,
		         rule->region);
	else
		snprintf(out, len, "%s/%s", outcomes[rule->outcome], rule->country);
}

int
retention_judge_json(const struct policies *p, double created_at, const char *country,
                     const char *region, bool held, const char *apps_json, struct verdict *v)
{
	json_t *list = json_loads(apps_json, 0, NULL), *a;
	size_t n = json_array_size(list), i;
	struct app_state *apps = xcalloc(n + 1, sizeof(*apps));

	if (!json_is_array(list)) {
		json_decref(list);
		free(apps);
		return -1;
	}
	json_array_foreach(list, i, a)
	{
		const char *stage = json_string_value(json_array_get(a, 0));
		apps[i].open = stage == NULL ||
		               (strcmp(stage, "rejected") != 0 && strcmp(stage, "withdrawn") != 0 &&
		                strcmp(stage, "hired") != 0);
		apps[i].outcome =
		    stage && strcmp(stage, "withdrawn") == 0 ? OUTCOME_WITHDRAWN : OUTCOME_REJECTED;
		apps[i].country = json_string_value(json_array_get(a, 1));
		apps[i].region = json_string_value(json_array_get(a, 2));
		apps[i].closed_at = json_number_value(json_array_get(a, 3));
	}
	struct subject s = {created_at, country, region, held, apps, n};
	retention_judge(p, &s, v);
	free(apps); /* the verdict keeps no pointer into the list */
	json_decref(list);
	return 0;
}

int
retention_judge_restricted(const struct policies *p, double created_at, bool held,
                           const char *apps_json, struct verdict *v)
{
	/* "*" rules of 0 days for every outcome, and the floors as they are */
	static struct policy zero[] = {{OUTCOME_REJECTED, "*", "", 0},
	                               {OUTCOME_WITHDRAWN, "*", "", 0},
	                               {OUTCOME_NO_APPLICATION, "*", "", 0}};
	struct policies only_floors = {zero, 3, p->floors, p->nfloors};

	return retention_judge_json(&only_floors, created_at, NULL, NULL, held, apps_json, v);
}

json_t *
retention_json(const struct verdict *v)
{
	json_t *blocked = json_array(), *expires = json_null();
	char label[160];

	if (v->open)
		json_array_append_new(blocked, json_string("open_application"));
	if (v->held)
		json_array_append_new(blocked, json_string("legal_hold"));
	if (!v->open && !v->known)
		json_array_append_new(blocked, json_string("no_retention_rule"));
	if (!v->open && v->floor != NULL) {
		char name[120];
		if (v->floor->region[0])
			snprintf(name, sizeof(name), "legal_floor:%s/%s", v->floor->country,
			         v->floor->region);
		else
			snprintf(name, sizeof(name), "legal_floor:%s", v->floor->country);
		json_array_append_new(blocked, json_string(name));
	}
	if (v->known) {
		time_t t = (time_t)v->expires_at;
		struct tm tm;
		char buf[32];
		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		expires = json_string(buf);
	}
	retention_rule_label(v->known ? v->rule : NULL, label, sizeof(label));
	return json_pack("{s:o, s:o, s:s}", "expires_at", expires, "blocked_by", blocked, "rule",
	                 label);
}
