/*
 * The stage machine, exhaustively: every (from, to) pair of the nine stages
 * is checked against the rules of DESIGN, stated here independently of the
 * table in server/stages.c.
 */
#include <string.h>

#include "../unit/cm.h"
#include "domain/stages.h"

/* The rules in words, as DESIGN gives them. */
static enum move
expected(enum stage from, enum stage to)
{
	bool from_open = from <= ST_OFFER, to_open = to <= ST_OFFER;

	if (!from_open)
		return MOVE_NO; /* nothing leaves a final stage */
	if (to == ST_HIRED)
		return from == ST_OFFER ? MOVE_HIRE : MOVE_NO; /* only through hire, from offer */
	if (to == ST_REJECTED)
		return MOVE_REASON;
	if (to == ST_WITHDRAWN)
		return MOVE_YES;
	if (to_open && to > from)
		return to == ST_BACKGROUND_CHECK ? MOVE_GATED
		                                 : MOVE_YES; /* forward, skipping allowed */
	return MOVE_NO;                                      /* backwards or staying */
}

static void
test_every_pair(void **state)
{
	int checked = 0;

	(void)state;
	for (int from = 0; from < ST_COUNT; from++)
		for (int to = 0; to < ST_COUNT; to++) {
			enum move got = stage_move((enum stage)from, (enum stage)to),
			          want = expected((enum stage)from, (enum stage)to);
			if (got != want)
				fail_msg("%s -> %s: %d, want %d", stage_name((enum stage)from),
				         stage_name((enum stage)to), got, want);
			checked++;
		}
	assert_int_equal(checked, 81);
}

static void
test_names(void **state)
{
	(void)state;
	static const char *const order[] = {"applied",    "screening",        "interview",
	                                    "assessment", "background_check", "offer",
	                                    "hired",      "rejected",         "withdrawn"};
	for (int i = 0; i < ST_COUNT; i++) {
		assert_string_equal(stage_name((enum stage)i), order[i]);
		assert_int_equal(stage_parse(order[i]), i);
	}
	assert_int_equal(stage_parse("Applied"), -1);
	assert_int_equal(stage_parse("fired"), -1);
	assert_int_equal(stage_parse(""), -1);
	assert_null(stage_name(ST_COUNT));
	assert_int_equal(stage_move(ST_COUNT, ST_APPLIED), MOVE_NO);
	assert_true(stage_is_final(ST_HIRED));
	assert_true(stage_is_final(ST_REJECTED));
	assert_true(stage_is_final(ST_WITHDRAWN));
	assert_false(stage_is_final(ST_OFFER));
	assert_null(stage_names[ST_COUNT]);
}

static void
test_spot_checks(void **state)
{
	(void)state;
	/* a few moves named in DESIGN, as a reader would check them */
	assert_int_equal(stage_move(ST_APPLIED, ST_OFFER), MOVE_YES);      /* skipping */
	assert_int_equal(stage_move(ST_INTERVIEW, ST_SCREENING), MOVE_NO); /* backwards */
	assert_int_equal(stage_move(ST_SCREENING, ST_SCREENING), MOVE_NO); /* staying */
	assert_int_equal(stage_move(ST_OFFER, ST_REJECTED), MOVE_REASON);
	assert_int_equal(stage_move(ST_APPLIED, ST_WITHDRAWN), MOVE_YES);
	assert_int_equal(stage_move(ST_REJECTED, ST_WITHDRAWN), MOVE_NO);
	assert_int_equal(stage_move(ST_WITHDRAWN, ST_APPLIED), MOVE_NO);
	assert_int_equal(stage_move(ST_INTERVIEW, ST_HIRED), MOVE_NO);
	assert_int_equal(stage_move(ST_OFFER, ST_HIRED), MOVE_HIRE);
	assert_int_equal(stage_move(ST_ASSESSMENT, ST_BACKGROUND_CHECK), MOVE_GATED);
	assert_int_equal(stage_move(ST_BACKGROUND_CHECK, ST_OFFER), MOVE_YES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_pair),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_spot_checks),
	};
	return cmocka_run_group_tests_name("stages", tests, NULL, NULL);
}
