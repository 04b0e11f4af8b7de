/*
 * digests: what the morning digests (flows/notifying.c) read. No personal
 * data leaves here beyond what a digest may say: masked addresses of the
 * requesters, and the members' own work addresses to send to. Times are the
 * scheduler's (Unix seconds), never the database's now(). Functions return
 * 0 with a new JSON array, or -1 when the database failed.
 */
#ifndef RECRUITD_STORE_DIGESTS_H
#define RECRUITD_STORE_DIGESTS_H

#include <jansson.h>
#include <time.h>

#include "core/xalloc.h"

struct db;

/*
 * The open privacy requests due within 7 days of now, overdue, or waiting
 * on HR (in_progress), soonest due first: [{id, type, status, channel,
 * email_masked, received_at, due_at (the extended one when extended),
 * days_left (whole days from now, negative when overdue)}].
 */
int digests_hr_requests(struct db *db, time_t now, json_t **rows) WARN_UNUSED;

/* The work addresses of the active hr members: ["...", ...]. */
int digests_hr_recipients(struct db *db, json_t **emails) WARN_UNUSED;

/*
 * Each active member who opted in to the digest and owns an opening, with
 * the applications made on their openings in [since, until):
 * [{member_id, to (the work address), applications: [{id, opening_id, opening_title,
 * received_at}]}], members with none left out.
 */
int digests_recruiter_news(struct db *db, time_t since, time_t until, json_t **rows) WARN_UNUSED;

#endif
