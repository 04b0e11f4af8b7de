/*
 * stages: the transition tables. Forward to any later open stage, skipping
 * allowed; rejected (with a reason) or withdrawn from any open stage;
 * background_check only where a rule allows it; hired only through hire;
 * nothing out of a final stage. Before the offer (the default) the check
 * comes after assessment and a hire starts from offer; after the offer
 * (California's Fair Chance Act) the check is reached from offer only and
 * leads to hired, and a hire starts from offer or background_check.
 */
#include <string.h>

#include "domain/stages.h"

const char *const stage_names[] = {"applied",          "screening", "interview", "assessment",
                                   "background_check", "offer",     "hired",     "rejected",
                                   "withdrawn",        NULL};

const char *const stage_order_names[] = {"before_offer", "after_offer", NULL};

#define N MOVE_NO
#define Y MOVE_YES
#define R MOVE_REASON
#define G MOVE_GATED
#define H MOVE_HIRE

/* moves[order][from][to] */
static const enum move moves[ORDER_COUNT][ST_COUNT][ST_COUNT] =
    {
        [ORDER_BEFORE_OFFER] =
            {
                /*                   appl scr  int  ass  bgc  off  hire rej  wdr */
                [ST_APPLIED] = {N, Y, Y, Y, G, Y, N, R, Y},
                [ST_SCREENING] = {N, N, Y, Y, G, Y, N, R, Y},
                [ST_INTERVIEW] = {N, N, N, Y, G, Y, N, R, Y},
                [ST_ASSESSMENT] = {N, N, N, N, G, Y, N, R, Y},
                [ST_BACKGROUND_CHECK] = {N, N, N, N, N, Y, N, R, Y},
                [ST_OFFER] = {N, N, N, N, N, N, H, R, Y},
                [ST_HIRED] = {N, N, N, N, N, N, N, N, N},
                [ST_REJECTED] = {N, N, N, N, N, N, N, N, N},
                [ST_WITHDRAWN] = {N, N, N, N, N, N, N, N, N},
            },
        [ORDER_AFTER_OFFER] =
            {
                /*                   appl scr  int  ass  bgc  off  hire rej  wdr */
                [ST_APPLIED] = {N, Y, Y, Y, N, Y, N, R, Y},
                [ST_SCREENING] = {N, N, Y, Y, N, Y, N, R, Y},
                [ST_INTERVIEW] = {N, N, N, Y, N, Y, N, R, Y},
                [ST_ASSESSMENT] = {N, N, N, N, N, Y, N, R, Y},
                [ST_BACKGROUND_CHECK] = {N, N, N, N, N, N, H, R, Y},
                [ST_OFFER] = {N, N, N, N, G, N, H, R, Y},
                [ST_HIRED] = {N, N, N, N, N, N, N, N, N},
                [ST_REJECTED] = {N, N, N, N, N, N, N, N, N},
                [ST_WITHDRAWN] = {N, N, N, N, N, N, N, N, N},
            },
};

#undef N
#undef Y
#undef R
#undef G
#undef H

const char *
stage_name(enum stage s)
{
	return (unsigned)s < ST_COUNT ? stage_names[s] : NULL;
}

int
stage_parse(const char *name)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (strcmp(stage_names[i], name) == 0)
			return i;
	return -1;
}

bool
stage_is_final(enum stage s)
{
	return s == ST_HIRED || s == ST_REJECTED || s == ST_WITHDRAWN;
}

enum move
stage_move(enum stage_order order, enum stage from, enum stage to)
{
	if ((unsigned)order >= ORDER_COUNT || (unsigned)from >= ST_COUNT ||
	    (unsigned)to >= ST_COUNT)
		return MOVE_NO;
	return moves[order][from][to];
}

bool
stage_needs_rule(enum stage from, enum stage to)
{
	for (int o = 0; o < ORDER_COUNT; o++)
		if (stage_move((enum stage_order)o, from, to) == MOVE_GATED)
			return true;
	return stage_move(ORDER_BEFORE_OFFER, from, to) != stage_move(ORDER_AFTER_OFFER, from, to);
}

const char *
stage_order_name(enum stage_order o)
{
	return (unsigned)o < ORDER_COUNT ? stage_order_names[o] : NULL;
}

int
stage_order_parse(const char *name)
{
	for (int i = 0; i < ORDER_COUNT; i++)
		if (strcmp(stage_order_names[i], name) == 0)
			return i;
	return -1;
}
