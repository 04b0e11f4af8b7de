/*
 * purge_subjects: the applicants a purge judges, as plain values: what
 * store/applicants.c answers of each (the pieces domain/retention.h's
 * verdict needs, never a personal field) copied out of its rows, a batch
 * at a time. The walk itself (applicants_walk_begin/_end) and the count
 * are store/applicants.c's. Thread-safe on distinct connections.
 */
#ifndef RECRUITD_STORE_PURGE_SUBJECTS_H
#define RECRUITD_STORE_PURGE_SUBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct db;

/* One applicant as retention judges it. */
struct purge_subject {
	char id[37];
	double created_at;      /* seconds since the epoch */
	char *country, *region; /* the address's; NULL when not set */
	bool held;              /* a legal hold is set */
	char *apps;             /* [[stage, country, region, closed_at], ...] (JSON text) */
	bool restricted;        /* after a partially fulfilled erasure request */
};

/* A batch of them (owned: purge_subjects_fini). */
struct purge_subjects {
	size_t n;
	struct purge_subject *s;
};

void purge_subjects_fini(struct purge_subjects *b);

/*
 * The walk's next up to limit applicants (applicants_walk_begin opened
 * it): 0 with *walked (how many ids the walk gave: fewer than limit at its
 * end) and those of them still held, in id order; -1 when the database
 * failed.
 */
int purge_subjects_next(struct db *db, int limit, size_t *walked,
                        struct purge_subjects *out) WARN_UNUSED;

/*
 * The applicants ids[0..n) locked FOR UPDATE SKIP LOCKED inside the
 * caller's transaction (one another purge holds is left out), in id order:
 * 0 with *out, or -1.
 */
int purge_subjects_lock(struct db *db, const char *const *ids, size_t n,
                        struct purge_subjects *out) WARN_UNUSED;

#endif
