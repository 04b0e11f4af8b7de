/*
 * stages: the screening stages and the one table that says which moves
 * between them are allowed. Every transition in recruitd, by staff, by the
 * applicant withdrawing, or by a hire, is judged here and nowhere else.
 * Thread-safe (read-only data).
 */
#ifndef RECRUITD_STAGES_H
#define RECRUITD_STAGES_H

#include <stdbool.h>

enum stage {
	ST_APPLIED,
	ST_SCREENING,
	ST_INTERVIEW,
	ST_ASSESSMENT,
	ST_BACKGROUND_CHECK,
	ST_OFFER,
	ST_HIRED,
	ST_REJECTED,
	ST_WITHDRAWN,
	ST_COUNT
};

/* What a move from one stage to another takes. */
enum move {
	MOVE_NO,     /* never: backwards, sideways, out of a final stage, to hired but from offer */
	MOVE_YES,    /* allowed */
	MOVE_REASON, /* allowed with a reason (rejecting) */
	MOVE_GATED, /* allowed where a background-check rule of the opening's jurisdiction allows it
	             */
	MOVE_HIRE,  /* only through the hire endpoint (offer to hired) */
};

/* The stage's API name ("background_check"); NULL out of range. */
const char *stage_name(enum stage s);

/* A stage by API name, or -1 when unknown. */
int stage_parse(const char *name);

/* Whether nothing may leave s (hired, rejected, withdrawn). */
bool stage_is_final(enum stage s);

/* The table's verdict on moving from `from` to `to`. */
enum move stage_move(enum stage from, enum stage to);

/* The API names of every stage, NULL-terminated, in order (for validation). */
extern const char *const stage_names[];

#endif
