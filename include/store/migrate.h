/*
 * migrate: applies db/migrations/NNNN_name.sql in order, each once and in
 * its own transaction, recording each file's SHA-256. Refuses to do
 * anything when a file already applied has changed or gone. Concurrent
 * runs are serialised by an advisory lock.
 */
#ifndef RECRUITD_MIGRATE_H
#define RECRUITD_MIGRATE_H

#include <stdio.h>

#include "core/xalloc.h"

struct db;

/* Apply what is pending from dir; progress on out, errors on stderr. 0 or -1. */
int migrate_run(struct db *db, const char *dir, FILE *out) WARN_UNUSED;

/* Whether name is a migration file name: NNNN_lowercase_words.sql. */
int migrate_is_name(const char *name);

#endif
