/*
 * stages: the screening stages and the tables that say which moves between
 * them are allowed. Every transition in recruitd, by staff, by the
 * applicant withdrawing, or by a hire, is judged here and nowhere else.
 * Where the background check falls is the law's: before the offer (the
 * default), or after a conditional offer (California's Fair Chance Act),
 * as the background-check rule of the opening's jurisdiction says; each
 * order has its table. Thread-safe (read-only data).
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

/* Where the background check falls (a background-check rule's `order`). */
enum stage_order {
	ORDER_BEFORE_OFFER, /* ... assessment, background_check, offer, hired (the default) */
	ORDER_AFTER_OFFER,  /* ... assessment, offer, background_check, hired */
	ORDER_COUNT
};

/* What a move from one stage to another takes. */
enum move {
	MOVE_NO,     /* never: backwards, sideways, out of a final stage, to hired but by hire */
	MOVE_YES,    /* allowed */
	MOVE_REASON, /* allowed with a reason (rejecting) */
	MOVE_GATED, /* allowed where a background-check rule of the opening's jurisdiction allows it
	             */
	MOVE_HIRE, /* only through the hire endpoint (from offer; after_offer: background_check too)
	            */
};

/* The stage's API name ("background_check"); NULL out of range. */
const char *stage_name(enum stage s);

/* A stage by API name, or -1 when unknown. */
int stage_parse(const char *name);

/* Whether nothing may leave s (hired, rejected, withdrawn). */
bool stage_is_final(enum stage s);

/* The table's verdict, under the background-check order, on moving from `from` to `to`. */
enum move stage_move(enum stage_order order, enum stage from, enum stage to);

/*
 * Whether the verdict on from -> to depends on the order (or needs the
 * rule: a gated move): when not, a move is judged without looking for the
 * jurisdiction's rule.
 */
bool stage_needs_rule(enum stage from, enum stage to);

/* The order's API name ("before_offer", "after_offer"); NULL out of range. */
const char *stage_order_name(enum stage_order o);

/* An order by API name, or -1 when unknown. */
int stage_order_parse(const char *name);

/* The API names of the orders, NULL-terminated (for validation). */
extern const char *const stage_order_names[];

/* The API names of every stage, NULL-terminated, in order (for validation). */
extern const char *const stage_names[];

#endif
