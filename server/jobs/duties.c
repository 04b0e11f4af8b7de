/*
 * duties: the scheduler's table of jobs and the jobs themselves. See
 * duties.h. Each job acts as "scheduler" with the hr role, so its audit
 * entries and purge runs say who did them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/token.h"
#include "flows/flow.h"
#include "flows/notifying.h"
#include "flows/purging.h"
#include "jobs/duties.h"
#include "jobs/rotation_slot.h"
#include "jobs/scheduler.h"
#include "store/erasure.h"

/* A flow for a job's run: the scheduler acting as hr, a request id of its own. */
static struct flow
flow_of(struct job_run *run, struct actor *who, char request_id[37], struct problem *p)
{
	*who = (struct actor){.role = ROLE_HR};
	snprintf(who->name, sizeof(who->name), "scheduler");
	if (uuid_v4(request_id) != 0)
		request_id[0] = '\0';
	problem_init(p);
	return (struct flow){
	    .db = run->db, .cfg = run->cfg, .who = who, .request_id = request_id, .problem = p};
}

/* A failed flow's problem as the run's detail (problems never hold personal data). */
static int
failed(struct job_run *run, struct problem *p)
{
	snprintf(run->detail, sizeof(run->detail), "%u %s: %.150s", p->status,
	         p->slug ? p->slug : problem_slug(p->status), p->detail);
	problem_fini(p);
	return -1;
}

static long long
count_of(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* The daily purge: a real one, through the same engine as the API and recruitctl. */
static int
job_purge(struct job_run *run)
{
	struct actor who;
	struct problem p;
	char request_id[37];
	json_t *report;
	struct flow f = flow_of(run, &who, request_id, &p);

	if (purging_run(&f, false, &report) != 0)
		return failed(run, &p);
	snprintf(run->detail, sizeof(run->detail),
	         "run %s: examined %lld, expired %lld, held %lld, purged %lld",
	         json_string_value(json_object_get(report, "id")), count_of(report, "examined"),
	         count_of(report, "expired"), count_of(report, "held"), count_of(report, "purged"));
	json_decref(report);
	problem_fini(&p);
	return 0;
}

/* Between purges: expired codes, submissions, exports, unverified requests and the rest. */
static int
job_sweeps(struct job_run *run)
{
	struct actor who;
	struct problem p;
	char request_id[37];
	json_t *counts, *n;
	const char *key;
	long long all = 0;
	struct flow f = flow_of(run, &who, request_id, &p);

	if (purging_sweep(&f, &counts) != 0)
		return failed(run, &p);
	json_object_foreach(counts, key, n) all += json_integer_value(n);
	snprintf(run->detail, sizeof(run->detail), "swept %lld", all);
	json_decref(counts);
	problem_fini(&p);
	return 0;
}

/* Keys of erasures queued while the key database was away: destroyed once it answers. */
static int
job_key_shreds(struct job_run *run)
{
	long n = 0;

	if (erasure_shred(run->db, &n) != 0) {
		snprintf(run->detail, sizeof(run->detail),
		         "queued keys not destroyed yet (%ld destroyed; the key database or the "
		         "database did not answer)",
		         n);
		return -1;
	}
	snprintf(run->detail, sizeof(run->detail), "destroyed %ld", n);
	return 0;
}

/* The business mornings' digests: HR's privacy requests, the recruiters' new applications. */
static int
job_digests(struct job_run *run)
{
	struct actor who;
	struct problem p;
	char request_id[37];
	long hr = 0, recruiters = 0;
	struct flow f = flow_of(run, &who, request_id, &p);

	if (notifying_digests(&f, run->now, run->last_slot, &hr, &recruiters) != 0)
		return failed(run, &p);
	snprintf(run->detail, sizeof(run->detail), "queued %ld to hr, %ld to recruiters", hr,
	         recruiters);
	problem_fini(&p);
	return 0;
}

/* The keyring's rotation when its epoch is due (jobs/rotation_slot.h). */
static int
job_key_rotation(struct job_run *run)
{
	return rotation_slot_run(run->db, run->cfg->key_epoch_hours, run->detail,
	                         sizeof(run->detail));
}

/* The schedules, from the configuration. */
static struct schedule
daily_purge(const struct config *cfg)
{
	if (cfg->purge_at < 0)
		return (struct schedule){SCHEDULE_OFF, 0}; /* RECRUITD_PURGE_AT=off: cron runs it */
	return (struct schedule){SCHEDULE_DAILY, cfg->purge_at};
}

static struct schedule
business_mornings(const struct config *cfg)
{
	if (cfg->digest_at < 0)
		return (struct schedule){SCHEDULE_OFF, 0};
	return (struct schedule){SCHEDULE_BUSINESS_DAY, cfg->digest_at};
}

static struct schedule
every_sweep(const struct config *cfg)
{
	return (struct schedule){SCHEDULE_EVERY, (long)cfg->sweep_minutes * 60};
}

static struct schedule
every_minute(const struct config *cfg)
{
	(void)cfg;
	return (struct schedule){SCHEDULE_EVERY, 60};
}

/* Hourly: rotation_slot_run rotates when the epoch is RECRUITD_KEY_EPOCH_HOURS old. */
static struct schedule
every_hour(const struct config *cfg)
{
	(void)cfg;
	return (struct schedule){SCHEDULE_EVERY, 3600};
}

static const struct duty {
	const char *name;
	struct schedule (*when)(const struct config *cfg);
	long lease_seconds;
	job_fn run;
} duties[] = {
    /* name          schedule          lease     function */
    {"purge", daily_purge, 15 * 60, job_purge},
    {"sweeps", every_sweep, 5 * 60, job_sweeps},
    {"key_shreds", every_minute, 5 * 60, job_key_shreds},
    {"digests", business_mornings, 10 * 60, job_digests},
    /* key rotation (jobs/rotation_slot.c): a look every hour, a rotation when it is due */
    {"key_rotation", every_hour, 60 * 60, job_key_rotation},
};

struct job *
duties_create(const struct config *cfg, size_t *n)
{
	size_t count = sizeof(duties) / sizeof(duties[0]);
	struct job *jobs = xcalloc(count, sizeof(*jobs));

	for (size_t i = 0; i < count; i++)
		jobs[i] = (struct job){.name = duties[i].name,
		                       .schedule = duties[i].when(cfg),
		                       .lease_seconds = duties[i].lease_seconds,
		                       .run = duties[i].run};
	for (size_t i = 0; i < count; i++)
		if (duties[i].run == job_key_rotation && !rotation_slot_is_wired())
			jobs[i].run = NULL;
	*n = count;
	return jobs;
}
