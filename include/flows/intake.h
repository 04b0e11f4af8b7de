/*
 * intake: privacy requests taken in (DESIGN "Privacy requests"), three ways:
 * anyone with an address (the link e-mailed to it proves control of it;
 * the same answer for every address), the applicant signed in (the session
 * is the verification), and HR for requests that came another way (the
 * subject is sent the link). Each is logged with its statutory deadlines
 * (business days and days, in the company's zone), a receipt is e-mailed
 * in the same transaction, and what is done at once is done: an opt-out
 * always, a request the session verified whatever its type
 * (intake_carry_out, which verifying.h's verification calls too). Sec-GPC:
 * 1 is honoured on the way. Each function follows flows/flow.h: 0 with its
 * outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_INTAKE_H
#define RECRUITD_FLOWS_INTAKE_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "core/xalloc.h"

struct flow;

/* A request as it comes in, every field already valid (borrowed). */
struct intake_request {
	const char *type;          /* privacy_types */
	const char *channel;       /* privacy_channels; the public and the applicant: web */
	const char *email;         /* the address to answer; HR: NULL takes the record's */
	const char *applicant_id;  /* HR: the record it names, or NULL */
	time_t received;           /* HR: when it came in; 0: now */
	const char *details;       /* in the person's own words, or NULL */
	const json_t *corrections; /* a correct request's [{field, value}], or NULL */
	const json_t *agent;       /* HR: {name, authorization_document}, or NULL */
	bool gpc;                  /* the browser sent Sec-GPC: 1 */
};

/* Anyone's request: taken in, its link e-mailed (an opt-out done at once). Nothing to show. */
int intake_public(const struct flow *f, const struct intake_request *in) WARN_UNUSED;

/*
 * HR's record of a request that came another way: 0 with *request as HR
 * sees it; 422 when applicant_id is no applicant on record, or received is
 * in the future.
 */
int intake_staff(const struct flow *f, const struct intake_request *in,
                 json_t **request) WARN_UNUSED;

/*
 * The signed-in applicant's own request (in->email and applicant_id are
 * theirs, taken here): verified by the session and carried out at once: 0
 * with *request as they see it; 401 when their record is gone.
 */
int intake_own(const struct flow *f, const struct intake_request *in, json_t **request) WARN_UNUSED;

/*
 * In the flow's open transaction: what is done as soon as request id of
 * type is verified, for applicant (NULL: no record has the address, and
 * the request ends no_record): categories answered, a copy built and its
 * link e-mailed, a deletion carried out or restricted (flows/erasing.h),
 * contact corrections (borrowed, may be NULL) made and a new address sent
 * its own link, the rest left to HR. An applicant whose address is also an
 * employee's (hired before, on record again since) is never answered as if
 * the employee file did not exist: the request names the employee too, what
 * is held is answered from both records, and a copy, a deletion or a
 * correction stays in progress for HR (status_reason), nothing deleted.
 */
int intake_carry_out(const struct flow *f, const char *id, const char *type, const char *applicant,
                     const json_t *corrections) WARN_UNUSED;

/*
 * In the flow's open transaction, for a verified request whose address
 * belongs to no applicant but to an employee (hired since: their
 * recruitment record is in the employee archive): know_categories is
 * answered with what the archive holds; a copy, a deletion or a
 * correction stays in progress for HR, the request naming the employee
 * and saying why (status_reason). Never "we hold no record".
 */
int intake_carry_out_employee(const struct flow *f, const char *id, const char *type,
                              const char *employee) WARN_UNUSED;

#endif
