/*
 * recording_rules: what the recording flow's files (recording.c,
 * recording_change.c, recording_self.c) judge alike, private to them: how a
 * record is shown to whom, and the addresses a record may not take.
 */
#ifndef RECRUITD_FLOWS_RECORDING_RULES_H
#define RECRUITD_FLOWS_RECORDING_RULES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;

/*
 * The record as the actor may see it (record stolen, returned): applicants
 * see their own without what HR keeps about it (the legal hold, what blocks
 * the retention, the source's detail).
 */
json_t *recording_rules_view(const struct flow *f, json_t *record);

/* Whether the connection's last failure is the unique address of another record. */
bool recording_rules_is_duplicate(const struct flow *f);

/*
 * The address email is another record's: staff get 409 duplicate-email
 * naming it (existing_id); an applicant may not even learn that it is on
 * record, and gets the answer any invalid address gets (422). Returns -1.
 */
int recording_rules_duplicate(const struct flow *f, const char *email);

/*
 * Staff cannot set marketing on for an address that opted out (a privacy
 * request's suppression list): 0 go on, -1 with a 422 (or the failure).
 */
int recording_rules_opted_out(const struct flow *f, const json_t *doc) WARN_UNUSED;

/*
 * An address whose owner had their data erased on request is suppressed:
 * staff cannot enter it again (409 suppressed); the person's own new
 * application lifts it. 0 go on, -1 with the problem set.
 */
int recording_rules_erased(const struct flow *f, const json_t *doc) WARN_UNUSED;

#endif
