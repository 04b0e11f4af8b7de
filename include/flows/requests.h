/*
 * requests: privacy requests once they are in (DESIGN "Privacy requests"):
 * HR's queue (one, a page, the year's metrics), an extension and a
 * completion with their e-mails, the applicant's own requests, and the end
 * of a request with its outcome e-mailed, which every way a request ends
 * shares (flows/intake.h, flows/verifying.h, the link to a new address). A
 * request whose link expired unused is denied as unverifiable when it is
 * read, if the purge run has not done it yet. Who sees what follows the
 * actor: HR every request, an applicant their own only (a restricted
 * record is theirs to see too: no request is a recruiter's). Each function
 * follows flows/flow.h: 0 with its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_REQUESTS_H
#define RECRUITD_FLOWS_REQUESTS_H

#include <jansson.h>

#include "core/xalloc.h"

struct flow;
struct letter;
struct page_of;
struct page_want;

/* One request as the actor may see it: 404 when there is none (or not theirs). */
int requests_get(const struct flow *f, const char *id, json_t **request) WARN_UNUSED;

/*
 * HR's filters (NULL: none; each already valid). An applicant's list takes
 * none. email finds the requests made with that address, compared by the
 * keyed hash each request keeps (the log keeps no address).
 */
struct requests_filter {
	const char *status, *type, *overdue, *due_before, *email;
};

/* A page of the requests the actor may see, soonest due first. */
int requests_list(const struct flow *f, const struct requests_filter *q,
                  const struct page_want *want, struct page_of *out) WARN_UNUSED;

/*
 * Extend request id once, with reason, before it is due (its subject told
 * by e-mail): 0 with *request as it now stands; 404, or 409 already-extended
 * / not-extendable.
 */
int requests_extend(const struct flow *f, const char *id, const char *reason,
                    json_t **request) WARN_UNUSED;

/*
 * Complete a request in progress with outcome (fulfilled,
 * partially_fulfilled, denied, no_record) and detail (may be NULL), or deny
 * one still awaiting verification; the outcome e-mailed: 0 with *request;
 * 404, or 409 not-in-progress.
 */
int requests_complete(const struct flow *f, const char *id, const char *outcome, const char *detail,
                      json_t **request) WARN_UNUSED;

/* Request id's events, oldest first (HR): [{at, event, actor_role}]; 404 when none. */
int requests_events(const struct flow *f, const char *id, json_t **events) WARN_UNUSED;

/* The year's figures per type: *types (new reference) as GET /v1/privacy-requests/metrics. */
int requests_metrics(const struct flow *f, int year, json_t **types) WARN_UNUSED;

/* How a request ends, in the flow's open transaction (requests_end). */
struct requests_ending {
	const char *id, *type;
	const char *applicant;   /* the record it turned out to concern; NULL: none */
	const char *status;      /* completed or denied */
	const char *outcome;     /* fulfilled, partially_fulfilled, denied, no_record */
	const char *detail;      /* kept in the log and told; may be NULL */
	const char *categories;  /* JSON text, or NULL */
	const char *items;       /* JSON text, or NULL */
	const char *actor;       /* system, hr, requester */
	const char *letter_only; /* told in the e-mail but never kept (a download link); NULL */
};

/*
 * End a request and e-mail its outcome to the address it waited on (if it
 * still had one), in the flow's open transaction. A request that had ended
 * already is left as it is. 0, or -1 with the problem set.
 */
int requests_end(const struct flow *f, const struct requests_ending *e) WARN_UNUSED;

/*
 * Queue letter l (finished here, whatever happens) to `to`, about
 * applicant_id (NULL: someone not on record), in the flow's open
 * transaction. 0, or -1 with the problem set.
 */
int requests_letter(const struct flow *f, const char *kind, const char *to,
                    const char *applicant_id, struct letter *l) WARN_UNUSED;

#endif
