/*
 * screening_funnel: the hiring funnel. See screening_funnel.h. Any count
 * under FUNNEL_MIN is reported as null with "suppressed": true, and every
 * other count is rounded down to a multiple of FUNNEL_MIN. Without the
 * rounding, the funnel of all openings minus one opening's gave away a
 * suppressed count by subtraction; with it, every sum or difference of
 * reported counts is a multiple of FUNNEL_MIN, never 1 to 4.
 */
#include <string.h>

#include "domain/stages.h"
#include "flows/flow.h"
#include "flows/screening_funnel.h"
#include "store/funnel.h"

#define FUNNEL_MIN 5

/* One stage's entry from the raw figures (n rows), shown only when enough reached it. */
static json_t *
stage_figures(const char *stage, const struct funnel_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct funnel_row *row = &rows[i];
		if (strcmp(row->stage, stage) != 0)
			continue;
		if (row->reached < FUNNEL_MIN)
			break;
		json_t *median = row->left >= FUNNEL_MIN && row->has_median
		                     ? json_real((double)(long)(row->median_days * 100 + 0.5) / 100)
		                     : json_null();
		return json_pack("{s:s, s:I, s:o, s:b}", "stage", stage, "reached",
		                 (json_int_t)(row->reached - row->reached % FUNNEL_MIN),
		                 "median_days", median, "suppressed", 0);
	}
	return json_pack("{s:s, s:n, s:n, s:b}", "stage", stage, "reached", "median_days",
	                 "suppressed", 1);
}

int
screening_funnel(const struct flow *f, const char *opening_id, json_t **funnel)
{
	struct funnel_row rows[ST_COUNT];
	size_t n;

	if (funnel_read(f->db, opening_id, rows, ST_COUNT, &n) != 0)
		return flow_fail_db(f);
	json_t *stages = json_array();
	for (int s = 0; s < ST_COUNT; s++)
		json_array_append_new(stages, stage_figures(stage_name((enum stage)s), rows, n));
	*funnel = json_pack("{s:o, s:i, s:i, s:o}", "opening_id",
	                    opening_id ? json_string(opening_id) : json_null(), "minimum_count",
	                    FUNNEL_MIN, "rounded_to", FUNNEL_MIN, "stages", stages);
	return 0;
}
