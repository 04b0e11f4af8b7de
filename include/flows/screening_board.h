/*
 * screening_board: what the staff console shows of the applications: an
 * opening's board (one column per stage, each application with its
 * applicant's name and the days it has been in its stage), the
 * applications new since a time, and those waiting at `applied`. Built
 * from the same reads as the API's lists (recording_list, screening_list),
 * so a restricted record is on no board, as it is in no list. Each
 * function follows flows/flow.h: 0 with its outputs (new references), or
 * -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_SCREENING_BOARD_H
#define RECRUITD_FLOWS_SCREENING_BOARD_H

#include <jansson.h>

#include "core/xalloc.h"

struct flow;

/* At most this many applications on a board, or in a list of the home page. */
#define BOARD_MAX 1000

/*
 * The board of opening_id: [{stage, items: [{id, applicant_id, name, days,
 * version, created_at}]}] in stage order, every stage a column; items
 * longest in their stage first. 404 for an unknown opening.
 */
int screening_board(const struct flow *f, const char *opening_id, json_t **columns) WARN_UNUSED;

/*
 * Applications made after since (RFC 3339; NULL: every one), newest first,
 * at most limit: [{id, applicant_id, name, opening_id, opening_title, stage,
 * created_at}].
 */
int screening_since(const struct flow *f, const char *since, int limit, json_t **items) WARN_UNUSED;

/* Applications at `applied`, longest waiting first, at most limit: as screening_since's, with days.
 */
int screening_waiting(const struct flow *f, int limit, json_t **items) WARN_UNUSED;

#endif
