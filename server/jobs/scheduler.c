/*
 * scheduler: the looks, the leases and the runs. See scheduler.h.
 *
 * Two threads: the ticker looks at the jobs and runs the due ones one after
 * another on one pooled connection; the keeper renews the lease of the job
 * running, every third of its lease, on a connection of its own. The
 * snapshot (every job's row as of the last look) is what /metrics shows.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/log.h"
#include "jobs/scheduler.h"
#include "store/db.h"
#include "store/leases.h"
#include "store/pool.h"

struct scheduler {
	struct pool *pool;
	const struct config *cfg;
	const struct job *jobs;
	size_t njobs;
	struct calendar cal;
	char owner[128]; /* this instance, in lease_owner: host, process, a random part */
	pthread_t ticker, keeper;
	bool keeping;
	pthread_mutex_t mu; /* what follows */
	pthread_cond_t wake, keep;
	bool stopping, kicked;
	const struct job *running; /* the job this instance runs now: the keeper renews it */
	unsigned long ticks;
	json_t *snapshot;
};

/* The scheduler's time: the system's, or the test's file (-1 while it is missing or bad). */
static time_t
now_of(const struct scheduler *s)
{
	char line[64];
	time_t t;
	FILE *f;

	if (s->cfg->test_clock == NULL)
		return time(NULL);
	if ((f = fopen(s->cfg->test_clock, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return clock_parse_rfc3339(line, &t) == 0 ? t : -1;
}

/* A monotonic deadline ms from now, for pthread_cond_timedwait. */
static struct timespec
deadline(unsigned long ms)
{
	struct timespec at;

	clock_gettime(CLOCK_MONOTONIC, &at);
	at.tv_sec += (time_t)(ms / 1000);
	at.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	return at;
}

static const json_t *
row_of(const json_t *rows, const char *name)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row) if (strcmp(json_string_value(json_object_get(row, "name")),
	                                            name) == 0) return row;
	return NULL;
}

static json_int_t
num(const json_t *row, const char *key, json_int_t none)
{
	const json_t *v = json_object_get(row, key);

	return json_is_integer(v) ? json_integer_value(v) : none;
}

/* Whether the row says the job is due for slot at now (leases_take decides for sure). */
static bool
is_due(const json_t *row, time_t slot, time_t now)
{
	if (row == NULL)
		return true;
	return num(row, "done_slot", -1) < (json_int_t)slot && num(row, "retry_at", 0) <= now &&
	       num(row, "lease_until", 0) <= now;
}

/* Run job (its lease taken for slot) and give the lease back with its result. */
static void
run_job(struct scheduler *s, struct db *db, const struct job *job, time_t now, time_t slot,
        time_t last_slot)
{
	struct job_run run = {
	    .db = db, .cfg = s->cfg, .cal = &s->cal, .now = now, .last_slot = last_slot};
	long long started = clock_ms();
	bool held = false;

	log_msg(LOG_INFO, "job started", "job=%s", job->name);
	pthread_mutex_lock(&s->mu);
	s->running = job;
	pthread_mutex_unlock(&s->mu);
	int rc = job->run(&run);
	db_rollback(db);            /* a job leaves no transaction open; this makes sure */
	pthread_mutex_lock(&s->mu); /* not while the keeper renews */
	s->running = NULL;
	pthread_mutex_unlock(&s->mu);
	time_t end = now_of(s);
	if (leases_give_back(db, job->name, s->owner, end < now ? now : end, slot, rc == 0,
	                     run.detail, &held) != 0)
		log_msg(LOG_WARN, "job result not recorded", "job=%s sqlstate=%s", job->name,
		        db_sqlstate(db));
	else if (!held)
		log_msg(LOG_WARN, "job lease lost while it ran", "job=%s", job->name);
	log_msg(rc == 0 ? LOG_INFO : LOG_WARN, rc == 0 ? "job done" : "job failed",
	        "job=%s ms=%lld detail=\"%s\"", job->name, clock_ms() - started, run.detail);
}

/* Look at each job once at now: take and run the due ones. 0, or -1 (the database failed). */
static int
look(struct scheduler *s, struct db *db, time_t now)
{
	json_t *rows;

	if (leases_list(db, &rows) != 0)
		return -1;
	for (size_t i = 0; i < s->njobs; i++) {
		const struct job *job = &s->jobs[i];
		time_t slot = schedule_slot(&job->schedule, &s->cal, now);
		const json_t *row = row_of(rows, job->name);
		bool daily = job->schedule.kind != SCHEDULE_EVERY, taken = false;

		if (job->run == NULL || slot < 0)
			continue;
		/* a daily job first seen waits for its next slot; a periodic one runs at once */
		if (row == NULL && (leases_seed(db, job->name, daily ? slot : -1) != 0 || daily))
			continue;
		if (!is_due(row, slot, now))
			continue;
		if (leases_take(db, job->name, s->owner, now, slot, job->lease_seconds, &taken) !=
		    0)
			break;
		if (taken)
			run_job(s, db, job, now, slot, (time_t)num(row, "done_slot", -1));
	}
	json_decref(rows);
	if (leases_list(db, &rows) != 0)
		return -1;
	pthread_mutex_lock(&s->mu);
	json_decref(s->snapshot);
	s->snapshot = rows;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static void
tick(struct scheduler *s)
{
	time_t now = now_of(s);
	struct db *db;

	if (now < 0)
		return; /* a test's clock not set (yet) */
	if ((db = pool_acquire(s->pool, s->cfg->db_wait_ms)) == NULL) {
		log_msg(LOG_WARN, "scheduler", "no database connection; looking again later");
		return;
	}
	if (look(s, db, now) != 0)
		log_msg(LOG_WARN, "scheduler",
		        "the database failed; looking again later (sqlstate=%s)", db_sqlstate(db));
	pool_release(s->pool, db);
}

static void *
ticker(void *arg)
{
	struct scheduler *s = arg;
	bool first = s->cfg->test_clock == NULL; /* on the system's clock, look at start */

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		if (!first && !s->kicked) {
			if (s->cfg->test_clock != NULL) {
				pthread_cond_wait(&s->wake, &s->mu);
			} else {
				struct timespec at = deadline(s->cfg->scheduler_tick_ms);
				pthread_cond_timedwait(&s->wake, &s->mu, &at);
			}
			if (s->stopping)
				break;
			if (s->cfg->test_clock != NULL && !s->kicked)
				continue; /* a spurious wake-up: a test's clock ticks only when
				             kicked */
		}
		first = false;
		s->kicked = false;
		pthread_mutex_unlock(&s->mu);
		tick(s);
		pthread_mutex_lock(&s->mu);
		s->ticks++;
	}
	pthread_cond_broadcast(&s->keep);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Renew the running job's lease (the mutex held, so it is not given back meanwhile). */
static void
renew(struct scheduler *s, const struct job *job)
{
	time_t now = now_of(s);
	struct db *db;
	bool held = false;

	if (now < 0 || (db = pool_acquire(s->pool, s->cfg->db_wait_ms)) == NULL)
		return;
	if (leases_renew(db, job->name, s->owner, now, job->lease_seconds, &held) != 0)
		log_msg(LOG_WARN, "job lease not renewed", "job=%s sqlstate=%s", job->name,
		        db_sqlstate(db));
	else if (!held)
		log_msg(LOG_WARN, "job lease lost while it ran", "job=%s", job->name);
	pool_release(s->pool, db);
}

static void *
keeper(void *arg)
{
	struct scheduler *s = arg;
	long shortest = 3600;

	for (size_t i = 0; i < s->njobs; i++)
		if (s->jobs[i].lease_seconds < shortest)
			shortest = s->jobs[i].lease_seconds;
	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		struct timespec at =
		    deadline((unsigned long)(shortest > 3 ? shortest : 3) * 1000 / 3);
		if (pthread_cond_timedwait(&s->keep, &s->mu, &at) != ETIMEDOUT)
			continue;
		if (s->running != NULL)
			renew(s, s->running);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct scheduler *
scheduler_start(struct pool *pool, const struct config *cfg, const struct job *jobs, size_t n)
{
	struct scheduler *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t attr;
	char host[64] = "", rnd[37] = "";

	s->pool = pool;
	s->cfg = cfg;
	s->jobs = jobs;
	s->njobs = n;
	s->cal = (struct calendar){
	    .zone = cfg->zone, .holidays = cfg->holidays, .nholidays = cfg->nholidays};
	(void)gethostname(host, sizeof(host) - 1);
	(void)!uuid_v4(rnd);
	snprintf(s->owner, sizeof(s->owner), "%s:%d:%.8s", host, (int)getpid(), rnd);
	s->snapshot = json_array();
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &attr);
	pthread_cond_init(&s->keep, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&s->ticker, NULL, ticker, s) != 0)
		goto err0;
	s->keeping = pthread_create(&s->keeper, NULL, keeper, s) == 0;
	if (!s->keeping)
		log_msg(LOG_WARN, "scheduler",
		        "no thread to renew leases: a long job may be retried "
		        "elsewhere while it runs");
	if (cfg->test_clock != NULL)
		log_msg(LOG_WARN, "scheduler",
		        "on a test's clock (RECRUITD_TEST_CLOCK): it looks only "
		        "when sent SIGUSR1");
	return s;
err0:
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->keep);
	pthread_mutex_destroy(&s->mu);
	json_decref(s->snapshot);
	free(s);
	return NULL;
}

void
scheduler_kick(struct scheduler *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->kicked = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
}

/* One job's lines of /metrics, from its row (NULL: never run). */
static void
render_job(struct buf *b, const struct job *job, const json_t *row)
{
	const char *result = json_string_value(json_object_get(row, "last_result"));

	(void)!buf_printf(b, "recruitd_job_scheduled{job=\"%s\"} %d\n", job->name,
	                  job->run != NULL && job->schedule.kind != SCHEDULE_OFF);
	if (row == NULL)
		return;
	if (num(row, "last_started_at", -1) >= 0)
		(void)!buf_printf(b, "recruitd_job_last_start_seconds{job=\"%s\"} %lld\n",
		                  job->name, (long long)num(row, "last_started_at", 0));
	if (num(row, "last_finished_at", -1) >= 0)
		(void)!buf_printf(b, "recruitd_job_last_end_seconds{job=\"%s\"} %lld\n", job->name,
		                  (long long)num(row, "last_finished_at", 0));
	if (result != NULL)
		(void)!buf_printf(b, "recruitd_job_last_result{job=\"%s\",result=\"%s\"} 1\n",
		                  job->name, result);
	(void)!buf_printf(b,
	                  "recruitd_job_runs_total{job=\"%s\"} %lld\n"
	                  "recruitd_job_failures_in_a_row{job=\"%s\"} %lld\n",
	                  job->name, (long long)num(row, "runs", 0), job->name,
	                  (long long)num(row, "failures", 0));
}

char *
scheduler_metrics(void *arg)
{
	struct scheduler *s = arg;
	struct buf b;

	buf_init(&b, 1u << 20);
	pthread_mutex_lock(&s->mu);
	(void)!buf_printf(
	    &b,
	    "# HELP recruitd_scheduler_ticks_total Times this process's scheduler looked for due "
	    "jobs.\n# TYPE recruitd_scheduler_ticks_total counter\n"
	    "recruitd_scheduler_ticks_total %lu\n"
	    "# HELP recruitd_job_scheduled Whether the job runs on its schedule here (0: off, or "
	    "not in this build).\n# TYPE recruitd_job_scheduled gauge\n"
	    "# HELP recruitd_job_last_start_seconds When the job's last run started, on any "
	    "instance (Unix time).\n# TYPE recruitd_job_last_start_seconds gauge\n"
	    "# HELP recruitd_job_last_end_seconds When the job's last run ended, on any instance "
	    "(Unix time).\n# TYPE recruitd_job_last_end_seconds gauge\n"
	    "# HELP recruitd_job_last_result The job's last result: ok, failed, or running.\n"
	    "# TYPE recruitd_job_last_result gauge\n"
	    "# HELP recruitd_job_runs_total The job's runs, on every instance.\n"
	    "# TYPE recruitd_job_runs_total counter\n"
	    "# HELP recruitd_job_failures_in_a_row The job's failures since it last succeeded.\n"
	    "# TYPE recruitd_job_failures_in_a_row gauge\n",
	    s->ticks);
	for (size_t i = 0; i < s->njobs; i++)
		render_job(&b, &s->jobs[i], row_of(s->snapshot, s->jobs[i].name));
	pthread_mutex_unlock(&s->mu);
	return buf_steal(&b);
}

bool
scheduler_stop(struct scheduler *s, unsigned wait_ms)
{
	struct timespec until;

	if (s == NULL)
		return true;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_cond_broadcast(&s->keep);
	pthread_mutex_unlock(&s->mu);
	clock_gettime(CLOCK_REALTIME, &until); /* pthread_timedjoin_np's clock */
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(s->ticker, NULL, &until) != 0)
		return false;
	if (s->keeping)
		pthread_join(s->keeper, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->keep);
	pthread_mutex_destroy(&s->mu);
	json_decref(s->snapshot);
	free(s);
	return true;
}
