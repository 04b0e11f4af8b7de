/*
 * applications: an applicant's application to an opening and its moves
 * through the stages. Handlers are in handlers.h; applications_move is the
 * one way a handler makes a move (staff transitions, the applicant's
 * withdrawal), through flows/screening.h's screening_move, judged by the
 * table in stages.c.
 */
#ifndef RECRUITD_APPLICATIONS_H
#define RECRUITD_APPLICATIONS_H

#include <stdbool.h>

#include "domain/stages.h"

struct req;

/*
 * Move application id to stage `to` and reply 200 with it. applicant_id,
 * when not NULL, confines the move to that applicant's applications (404
 * otherwise). reason may be NULL. expect is the version If-Match named (0:
 * none). The row is locked for the move, so of racing moves exactly one
 * wins and writes one history entry. Returns 0 or -1 (problem set: 404,
 * 409 naming both stages, 412, 422 for a missing reason).
 */
int applications_move(struct req *r, const char *id, const char *applicant_id, enum stage to,
                      const char *reason, long expect);

/*
 * Apply applicant to an opening ({opening_id} in the body) and reply 201 at
 * applied. self: the applicant's own request (POST /v1/me/applications):
 * Location /v1/me, and an application on file is 409 already-applied with
 * its application_id (staff get duplicate-application). 0 or -1.
 */
int applications_create_for(struct req *r, const char *applicant, bool self);

#endif
