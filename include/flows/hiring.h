/*
 * hiring: the transfer of a hired applicant's recruitment record into the
 * employee archive, and the employee's reads. A hire is a move, not a
 * copy, in one transaction:
 *   1. lock the applicant, then the application (it must be at offer);
 *   2. move it to hired and the applicant's other open applications to
 *      withdrawn (reason "hired"), with history, stage events and audit;
 *   3. read the record as it now stands and stream the sealed archive into
 *      its chunks (flows/hiring_archive.h);
 *   4. store the employee with the archive's size and hash, and remove the
 *      recruitment record through store/erasure.c (a tombstone that says
 *      "transferred" and names the employee, and the audit entry);
 *   5. commit.
 * A failure at any step, a killed process included, leaves everything as
 * it was. The de-identified stage events stay, so the funnel is unchanged.
 * Each function follows flows/flow.h: 0 with its outputs (new references),
 * or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_HIRING_H
#define RECRUITD_FLOWS_HIRING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

struct flow;
struct idem;

/*
 * Hire application_id (start_date YYYY-MM-DD and employee_number already
 * checked), keyed by k (NULL: none): *hire {employee_id, applicant_id,
 * hired_at, archive: {format, size, sha256}}, and *replayed when a retry
 * of a keyed hire was answered again (read from the employee it made).
 * 404 for no such application; 409 already-hired, invalid-transition
 * (not at offer, naming both stages), employee-number-taken, or conflict
 * when the record was not there to remove.
 */
int hiring_hire(const struct flow *f, const char *application_id, const char *start_date,
                const char *employee_number, const struct idem *k, json_t **hire,
                bool *replayed) WARN_UNUSED;

/* One employee ({id, employee_number, ..., archive}); 404 when none. */
int hiring_employee(const struct flow *f, const char *id, json_t **employee) WARN_UNUSED;

/*
 * An employee's archive, its bytes where the database left them (one copy
 * in memory), audited as employee.archive.read with the actor: valid until
 * release(owner), which the caller calls once. 404 when no such employee.
 */
struct hiring_archive {
	const char *employee_number;
	const char *sha256; /* hex */
	const char *bytes;
	size_t len;
	void (*release)(void *owner);
	void *owner;
};
int hiring_download(const struct flow *f, const char *id, struct hiring_archive *out) WARN_UNUSED;

#endif
