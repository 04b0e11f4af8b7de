/*
 * applications: an applicant's application to an opening and its moves
 * through the stages. Handlers are in handlers.h; applications_move is the
 * one way any move is made (staff transitions, the applicant's withdrawal),
 * judged by the table in stages.c.
 */
#ifndef RECRUITD_APPLICATIONS_H
#define RECRUITD_APPLICATIONS_H

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

#endif
