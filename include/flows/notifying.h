/*
 * notifying: the morning digests (DESIGN, "Scheduler and notifications"),
 * queued in the outbox in one transaction, for the scheduler's job
 * "digests" each business morning: to every active hr member, the privacy
 * requests due within 7 days, overdue, or waiting on HR (masked addresses
 * only, each linked to the console; none: no e-mail); to every member who
 * opted in (staff `digest`), the applications made on the openings they own
 * (an opening's `recruiter_id`) since the last digest (none: no e-mail).
 * Functions follow flows/flow.h: 0, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_NOTIFYING_H
#define RECRUITD_FLOWS_NOTIFYING_H

#include <time.h>

#include "core/xalloc.h"
#include "flows/flow.h"

/*
 * Queue the digests at now; applications since `since` (the previous
 * digest's time, or -1: a day before now) until now count as new. *hr and
 * *recruiters get how many messages were queued.
 */
int notifying_digests(const struct flow *f, time_t now, time_t since, long *hr,
                      long *recruiters) WARN_UNUSED;

#endif
