/*
 * duties: the scheduler's jobs, as a table (name, schedule, function), and
 * each job: the daily purge (a real one, through flows/purging.c like
 * POST /v1/retention/purges and recruitctl purge), the sweeps between
 * purges, the queued key destruction retried every minute
 * (store/erasure.h's erasure_shred; jobs/shredder.c's thread does the
 * same every RECRUITD_KEY_SHRED_INTERVAL_MS), key rotation
 * (jobs/rotation_slot.h), and the digests (flows/notifying.h).
 */
#ifndef RECRUITD_JOBS_DUTIES_H
#define RECRUITD_JOBS_DUTIES_H

#include <stddef.h>

struct config;
struct job;

/*
 * The jobs, their schedules taken from cfg (RECRUITD_PURGE_AT,
 * RECRUITD_SWEEP_MINUTES, ...): a new array of *n jobs, freed with free().
 */
struct job *duties_create(const struct config *cfg, size_t *n);

#endif
