/*
 * verifying: a privacy request verified by the link e-mailed to its address
 * (DESIGN "Privacy requests"). Following the link proves control of the
 * address; a copy of the data (know_specific) also needs two data points
 * that match the record and a declaration signed under penalty of perjury,
 * and three failed tries deny the request as unverifiable. An address with
 * no record ends no_record, told only to whoever proved control of it; one
 * that belongs to someone hired since is answered from the employee
 * archive (flows/intake.h's intake_carry_out_employee).
 * Once verified, what is done at once is done (flows/intake.h's
 * intake_carry_out). Each function follows flows/flow.h: 0 with its
 * outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_VERIFYING_H
#define RECRUITD_FLOWS_VERIFYING_H

#include <jansson.h>

#include "core/xalloc.h"

struct flow;

/* What the page sends with the code, each already of the right form (borrowed; NULL: absent). */
struct verifying_answer {
	const char *full_name, *phone; /* the data points */
	const char *signed_name;       /* the declaration's, accepted; NULL: no declaration */
	const json_t *corrections;     /* a correct request's [{field, value}], given on the page */
};

/*
 * Verify the request whose code hashes to code_sha256 with what the page
 * sent, and carry it out: 0 with *request as it then stands (a failed try
 * at the data points too: the request still awaits verification, or is
 * denied after the third); 404 for an unknown, used or expired code; 422
 * when the request's type needs what a is missing (a declaration) or
 * refuses it (corrections for another type), before anything counts.
 */
int verifying_verify(const struct flow *f, const char *code_sha256,
                     const struct verifying_answer *a, json_t **request) WARN_UNUSED;

/*
 * What the page shows before anything is done, nothing used up or changed:
 * *preview {id, type, current, corrections}: for a correction, the record's
 * contact details as they stand (current, else null) and the corrections
 * HR took down. 404 as verifying_verify.
 */
int verifying_preview(const struct flow *f, const char *code_sha256, json_t **preview) WARN_UNUSED;

#endif
