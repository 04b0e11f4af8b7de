/*
 * The stage machine, exhaustively: every (from, to) pair of the nine stages,
 * under both background-check orders, is checked against the rules of
 * DESIGN, stated here independently of the tables in
 * server/domain/stages.c.
 */
#include <string.h>

#include "../unit/cm.h"
#include "domain/stages.h"

/*
 * Where an open stage stands in the order's sequence: before_offer runs
 * applied, screening, interview, assessment, background_check, offer;
 * after_offer runs applied, screening, interview, assessment, offer,
 * background_check (California: a check only after a conditional offer).
 */
static int
place(enum stage_order order, enum stage s)
{
	if (order == ORDER_AFTER_OFFER && s == ST_OFFER)
		return ST_BACKGROUND_CHECK;
	if (order == ORDER_AFTER_OFFER && s == ST_BACKGROUND_CHECK)
		return ST_OFFER;
	return (int)s;
}

/* The rules in words, as DESIGN gives them. */
static enum move
expected(enum stage_order order, enum stage from, enum stage to)
{
	bool from_open = from <= ST_OFFER, to_open = to <= ST_OFFER;
	/* the last open stage of the order: a hire starts there, or from offer */
	enum stage last = order == ORDER_AFTER_OFFER ? ST_BACKGROUND_CHECK : ST_OFFER;

	if (!from_open)
		return MOVE_NO; /* nothing leaves a final stage */
	if (to == ST_HIRED)     /* only through hire, from offer (or the check that follows it) */
		return from == ST_OFFER || from == last ? MOVE_HIRE : MOVE_NO;
	if (to == ST_REJECTED)
		return MOVE_REASON;
	if (to == ST_WITHDRAWN)
		return MOVE_YES;
	if (!to_open || place(order, to) <= place(order, from))
		return MOVE_NO; /* backwards or staying */
	if (to != ST_BACKGROUND_CHECK)
		return MOVE_YES; /* forward, skipping allowed */
	/* after the offer: the check is reached from the offer only */
	if (order == ORDER_AFTER_OFFER && from != ST_OFFER)
		return MOVE_NO;
	return MOVE_GATED;
}

static void
test_every_pair(void **state)
{
	int checked = 0;

	(void)state;
	for (int order = 0; order < ORDER_COUNT; order++)
		for (int from = 0; from < ST_COUNT; from++)
			for (int to = 0; to < ST_COUNT; to++) {
				enum move got = stage_move((enum stage_order)order,
				                           (enum stage)from, (enum stage)to),
				          want = expected((enum stage_order)order, (enum stage)from,
				                          (enum stage)to);
				if (got != want)
					fail_msg("%s: %s -> %s: %d, want %d",
					         stage_order_name((enum stage_order)order),
					         stage_name((enum stage)from),
					         stage_name((enum stage)to), got, want);
				checked++;
			}
	assert_int_equal(checked, 2 * 81);
}

/* A move is judged without the rule only when neither order's verdict needs it. */
static void
test_needs_rule(void **state)
{
	(void)state;
	for (int from = 0; from < ST_COUNT; from++)
		for (int to = 0; to < ST_COUNT; to++) {
			enum move before = expected(ORDER_BEFORE_OFFER, (enum stage)from,
			                            (enum stage)to),
			          after =
			              expected(ORDER_AFTER_OFFER, (enum stage)from, (enum stage)to);
			bool want = before != after || before == MOVE_GATED || after == MOVE_GATED;
			if (stage_needs_rule((enum stage)from, (enum stage)to) != want)
				fail_msg("%s -> %s: needs_rule %d", stage_name((enum stage)from),
				         stage_name((enum stage)to), !want);
		}
	assert_true(stage_needs_rule(ST_ASSESSMENT, ST_BACKGROUND_CHECK));
	assert_true(stage_needs_rule(ST_BACKGROUND_CHECK, ST_OFFER));
	assert_true(stage_needs_rule(ST_BACKGROUND_CHECK, ST_HIRED));
	assert_false(stage_needs_rule(ST_APPLIED, ST_INTERVIEW));
	assert_false(stage_needs_rule(ST_OFFER, ST_HIRED));
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
	assert_int_equal(stage_move(ORDER_BEFORE_OFFER, ST_COUNT, ST_APPLIED), MOVE_NO);
	assert_int_equal(stage_move(ORDER_COUNT, ST_APPLIED, ST_SCREENING), MOVE_NO);
	assert_string_equal(stage_order_name(ORDER_BEFORE_OFFER), "before_offer");
	assert_string_equal(stage_order_name(ORDER_AFTER_OFFER), "after_offer");
	assert_null(stage_order_name(ORDER_COUNT));
	assert_int_equal(stage_order_parse("after_offer"), ORDER_AFTER_OFFER);
	assert_int_equal(stage_order_parse("before_offer"), ORDER_BEFORE_OFFER);
	assert_int_equal(stage_order_parse("After_offer"), -1);
	assert_null(stage_order_names[ORDER_COUNT]);
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
	const enum stage_order B = ORDER_BEFORE_OFFER, A = ORDER_AFTER_OFFER;
	/* a few moves named in DESIGN, as a reader would check them */
	assert_int_equal(stage_move(B, ST_APPLIED, ST_OFFER), MOVE_YES);      /* skipping */
	assert_int_equal(stage_move(B, ST_INTERVIEW, ST_SCREENING), MOVE_NO); /* backwards */
	assert_int_equal(stage_move(B, ST_SCREENING, ST_SCREENING), MOVE_NO); /* staying */
	assert_int_equal(stage_move(B, ST_OFFER, ST_REJECTED), MOVE_REASON);
	assert_int_equal(stage_move(B, ST_APPLIED, ST_WITHDRAWN), MOVE_YES);
	assert_int_equal(stage_move(B, ST_REJECTED, ST_WITHDRAWN), MOVE_NO);
	assert_int_equal(stage_move(B, ST_WITHDRAWN, ST_APPLIED), MOVE_NO);
	assert_int_equal(stage_move(B, ST_INTERVIEW, ST_HIRED), MOVE_NO);
	assert_int_equal(stage_move(B, ST_OFFER, ST_HIRED), MOVE_HIRE);
	assert_int_equal(stage_move(B, ST_ASSESSMENT, ST_BACKGROUND_CHECK), MOVE_GATED);
	assert_int_equal(stage_move(B, ST_BACKGROUND_CHECK, ST_OFFER), MOVE_YES);
	assert_int_equal(stage_move(B, ST_BACKGROUND_CHECK, ST_HIRED), MOVE_NO);
	assert_int_equal(stage_move(B, ST_OFFER, ST_BACKGROUND_CHECK), MOVE_NO);
	/* California: offer, then background_check, then hired */
	assert_int_equal(stage_move(A, ST_ASSESSMENT, ST_BACKGROUND_CHECK), MOVE_NO);
	assert_int_equal(stage_move(A, ST_APPLIED, ST_BACKGROUND_CHECK), MOVE_NO);
	assert_int_equal(stage_move(A, ST_ASSESSMENT, ST_OFFER), MOVE_YES);
	assert_int_equal(stage_move(A, ST_OFFER, ST_BACKGROUND_CHECK), MOVE_GATED);
	assert_int_equal(stage_move(A, ST_BACKGROUND_CHECK, ST_HIRED), MOVE_HIRE);
	assert_int_equal(stage_move(A, ST_BACKGROUND_CHECK, ST_OFFER), MOVE_NO);
	assert_int_equal(stage_move(A, ST_OFFER, ST_HIRED), MOVE_HIRE);
	assert_int_equal(stage_move(A, ST_BACKGROUND_CHECK, ST_REJECTED), MOVE_REASON);
	assert_int_equal(stage_move(A, ST_BACKGROUND_CHECK, ST_WITHDRAWN), MOVE_YES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_pair),
	    cmocka_unit_test(test_needs_rule),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_spot_checks),
	};
	return cmocka_run_group_tests_name("stages", tests, NULL, NULL);
}
