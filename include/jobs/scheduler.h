/*
 * scheduler: recruitd's own scheduled jobs (DESIGN, "Scheduler and
 * notifications"), so that retention, key destruction and the digests
 * happen without cron and without anyone remembering.
 *
 * The jobs are a table (jobs/duties.c: name, schedule, function). A thread
 * looks at them every RECRUITD_SCHEDULER_TICK_MS, and at once when
 * recruitd receives SIGUSR1: for each job whose slot (domain/schedule.h)
 * has come and has not been done, it takes the job's lease in PostgreSQL
 * (store/leases.h), runs the job on a pooled connection, and gives the
 * lease back with the result. With several instances each slot is run by
 * one of them; a second thread renews the lease of the job running here,
 * so a lease runs out only when its instance died, and another instance
 * then takes the job up. A failed job is tried again (a minute later,
 * doubling to an hour) until it succeeds; a job never runs twice at once.
 * An instance runs its jobs one after another.
 *
 * The clock is the system's, or with RECRUITD_TEST_CLOCK (tests only) the
 * time written in that file: the scheduler then looks only on SIGUSR1 and
 * does nothing while the file is missing, so a test moves time itself and
 * never sleeps for it.
 *
 * /metrics shows each job's last start, end and result as of the last look
 * (metrics_set_source), and how many looks this process has made.
 */
#ifndef RECRUITD_JOBS_SCHEDULER_H
#define RECRUITD_JOBS_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "domain/schedule.h"

struct config;
struct db;
struct pool;
struct scheduler;

/* What a job is given, and what it says back. */
struct job_run {
	struct db *db;              /* a connection leased for the run, outside any transaction */
	const struct config *cfg;   /* read-only */
	const struct calendar *cal; /* the company's zone and holidays */
	time_t now;                 /* the scheduler's time when the run began */
	time_t last_slot;           /* the slot the job last did (-1: none yet) */
	char detail[200];           /* what it did, or why it failed: never personal data */
};

/* A job: 0 when done, -1 when it failed (it is tried again), detail filled either way. */
typedef int (*job_fn)(struct job_run *run);

struct job {
	const char *name; /* [a-z_]+, its row in scheduler_jobs and its label in /metrics */
	struct schedule schedule;
	long lease_seconds; /* how long its lease lasts unless renewed (renewed a third in) */
	job_fn run;         /* NULL: listed, never run (not available in this build yet) */
};

/*
 * Start the threads for jobs[0..n) (borrowed for the scheduler's life),
 * each run on a connection leased from pool. NULL when a thread could not
 * start. Call before serving; the configuration is read-only.
 */
struct scheduler *scheduler_start(struct pool *pool, const struct config *cfg,
                                  const struct job *jobs, size_t n);

/* Look now (SIGUSR1): run what is due. Thread-safe; NULL is a no-op. */
void scheduler_kick(struct scheduler *s);

/*
 * The scheduler's figures as Prometheus text (a new string), for
 * metrics_set_source (arg is the scheduler). Thread-safe.
 */
char *scheduler_metrics(void *arg);

/*
 * Stop the threads, waiting up to wait_ms for a job in progress to end,
 * and free s. true when it stopped; false when a job was still running
 * (its threads are left to the process's exit: the job's work is
 * transactional, and its lease runs out so that it is taken up again).
 * NULL is a no-op (true).
 */
bool scheduler_stop(struct scheduler *s, unsigned wait_ms);

#endif
