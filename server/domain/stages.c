/*
 * stages: the transition table. Forward to any later open stage, skipping
 * allowed; rejected (with a reason) or withdrawn from any open stage;
 * background_check only where a rule allows it; hired only through hire,
 * from offer; nothing out of a final stage.
 */
#include <string.h>

#include "domain/stages.h"

const char *const stage_names[] = {"applied",          "screening", "interview", "assessment",
                                   "background_check", "offer",     "hired",     "rejected",
                                   "withdrawn",        NULL};

#define N MOVE_NO
#define Y MOVE_YES
#define R MOVE_REASON
#define G MOVE_GATED
#define H MOVE_HIRE

/* moves[from][to] */
static const enum move moves[ST_COUNT][ST_COUNT] = {
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
stage_move(enum stage from, enum stage to)
{
	if ((unsigned)from >= ST_COUNT || (unsigned)to >= ST_COUNT)
		return MOVE_NO;
	return moves[from][to];
}
