/*
 * shredder: destruction never waits on luck (DESIGN "Destruction never
 * waits on luck"). A 2xx for an erasure means the rows are gone and their
 * keys queued (key_shreds, in the same transaction); the queue is destroyed
 * right after the commit, and when the key database was away then, by this
 * pass, which recruitd runs on a thread of its own every minute
 * (RECRUITD_KEY_SHRED_INTERVAL_MS) until the scheduler (jobs/scheduler,
 * issue 29) takes it over: it calls shredder_pass.
 */
#ifndef RECRUITD_JOBS_SHREDDER_H
#define RECRUITD_JOBS_SHREDDER_H

#include "core/xalloc.h"

struct pool;
struct shredder;

/* One pass: every queued key destroyed. How many, or -1 (the queue stays for the next). */
long shredder_pass(struct pool *pool);

/*
 * The keys' upkeep, for the scheduler of issue 29 to call on its tick (say
 * every minute) in place of this module's thread: the destruction queue
 * emptied (shredder_pass: the retry of DESIGN "Destruction never waits on
 * luck"), then, when a rotation is due (the current epoch older than
 * epoch_hours, RECRUITD_KEY_EPOCH_HOURS, or one left under way by a crash),
 * a whole rotation (store/rotation.h rotation_run: keys re-wrapped and
 * blind indexes rebuilt in batches of batch, then the epoch before the
 * previous one destroyed), its outcome logged. Resumable: a pass that
 * fails or is cut short goes on where it stopped at the next call; a
 * rotation another instance holds is left to it. 0, or -1 (call again).
 * Until the scheduler calls it, rotations run from `recruitctl keys rotate`.
 */
int shredder_upkeep(struct pool *pool, unsigned epoch_hours, unsigned batch);

/* A thread running shredder_pass every interval_ms. NULL when no thread could start. */
struct shredder *shredder_start(struct pool *pool, unsigned interval_ms);

/* Stop the thread (within its current pass) and free it. NULL is a no-op. */
void shredder_stop(struct shredder *s);

#endif
