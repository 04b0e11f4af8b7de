/*
 * screening_board: the console's views of applications. See
 * screening_board.h. Names come from the applicant list (recording_list,
 * never audited entry by entry, never a restricted record); an application
 * whose applicant the list does not show is left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/page.h"
#include "domain/stages.h"
#include "flows/flow.h"
#include "flows/posting.h"
#include "flows/recording.h"
#include "flows/screening.h"
#include "flows/screening_board.h"

#define PAGE_LIMIT 200

/* Whole days since an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ); 0 when unreadable. */
static long
days_since(const char *at)
{
	struct tm tm = {0};

	if (at == NULL || strptime(at, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	time_t t = timegm(&tm), now = time(NULL);
	return now > t ? (long)((now - t) / 86400) : 0;
}

/* Every applicant with an application to opening (NULL: any), by id: {id: name}. */
static int
names_of(const struct flow *f, const char *opening, json_t *names)
{
	struct recording_query q = {.opening = opening};
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", PAGE_LIMIT};
	char k1[PAGE_KEY_MAX], k2[PAGE_KEY_MAX];

	for (int pages = 0; pages < BOARD_MAX / PAGE_LIMIT; pages++) {
		struct page_of p = {0};
		size_t i;
		json_t *a;
		if (recording_list(f, &q, &want, &p) != 0)
			return -1;
		json_array_foreach(p.items, i, a)
		    json_object_set(names, json_string_value(json_object_get(a, "id")),
		                    json_object_get(a, "full_name"));
		bool more = p.more;
		memcpy(k1, p.k1, sizeof(k1));
		memcpy(k2, p.k2, sizeof(k2));
		page_fini(&p);
		if (!more)
			break;
		want.k1 = k1;
		want.k2 = k2;
	}
	return 0;
}

/* Applications of opening (NULL: any) at stage (NULL: any), newest first, at most max. */
static int
applications(const struct flow *f, const char *opening, const char *stage, int max, json_t **out)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", PAGE_LIMIT};
	char k1[PAGE_KEY_MAX], k2[PAGE_KEY_MAX];

	*out = json_array();
	while ((int)json_array_size(*out) < max) {
		struct page_of p = {0};
		if (screening_list(f, opening, stage, &want, &p) != 0) {
			json_decref(*out);
			return -1;
		}
		json_array_extend(*out, p.items);
		bool more = p.more;
		memcpy(k1, p.k1, sizeof(k1));
		memcpy(k2, p.k2, sizeof(k2));
		page_fini(&p);
		if (!more)
			break;
		want.k1 = k1;
		want.k2 = k2;
	}
	while ((int)json_array_size(*out) > max)
		json_array_remove(*out, json_array_size(*out) - 1);
	return 0;
}

/* An application as the console lists it, with its applicant's name (NULL: not to be shown). */
static json_t *
item_of(const json_t *app, const json_t *names)
{
	const char *applicant = json_string_value(json_object_get(app, "applicant_id"));
	json_t *name = json_object_get(names, applicant);

	if (name == NULL)
		return NULL;
	return json_pack(
	    "{s:O, s:s, s:O, s:I, s:O, s:O, s:O, s:O}", "id", json_object_get(app, "id"),
	    "applicant_id", applicant, "name", name, "days",
	    (json_int_t)days_since(json_string_value(json_object_get(app, "updated_at"))),
	    "version", json_object_get(app, "version"), "created_at",
	    json_object_get(app, "created_at"), "stage", json_object_get(app, "stage"),
	    "opening_id", json_object_get(app, "opening_id"));
}

static int
by_days_desc(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "days"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "days"));
	return (y > x) - (y < x);
}

/* Sort a JSON array of items by days, most first (stable enough for a page). */
static void
sort_by_days(json_t *items)
{
	size_t n = json_array_size(items);
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(items, i));
	qsort(v, n, sizeof(*v), by_days_desc);
	json_array_clear(items);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, v[i]);
	free(v);
}

int
screening_board(const struct flow *f, const char *opening_id, json_t **columns)
{
	json_t *opening, *apps, *names = json_object();

	if (posting_get(f, opening_id, &opening) != 0) {
		json_decref(names);
		return -1;
	}
	json_decref(opening);
	if (names_of(f, opening_id, names) != 0 ||
	    applications(f, opening_id, NULL, BOARD_MAX, &apps) != 0) {
		json_decref(names);
		return -1;
	}
	*columns = json_array();
	for (int s = 0; s < ST_COUNT; s++) {
		json_t *items = json_array();
		size_t i;
		json_t *a;
		json_array_foreach(apps, i, a)
		{
			if (stage_parse(json_string_value(json_object_get(a, "stage"))) != s)
				continue;
			json_t *item = item_of(a, names);
			if (item != NULL)
				json_array_append_new(items, item);
		}
		sort_by_days(items);
		json_array_append_new(
		    *columns,
		    json_pack("{s:s, s:o}", "stage", stage_name((enum stage)s), "items", items));
	}
	json_decref(apps);
	json_decref(names);
	return 0;
}

/* The listed applications with names and their openings' titles. */
static int
listed(const struct flow *f, json_t *apps, json_t **items)
{
	json_t *names = json_object(), *titles = json_object(), *a;
	size_t i;

	if (names_of(f, NULL, names) != 0) {
		json_decref(names);
		json_decref(titles);
		return -1;
	}
	*items = json_array();
	json_array_foreach(apps, i, a)
	{
		const char *opening = json_string_value(json_object_get(a, "opening_id"));
		json_t *item = item_of(a, names), *o;
		if (item == NULL)
			continue;
		if (json_object_get(titles, opening) == NULL && posting_get(f, opening, &o) == 0) {
			json_object_set(titles, opening, json_object_get(o, "title"));
			json_decref(o);
		}
		json_object_set(item, "opening_title", json_object_get(titles, opening));
		json_array_append_new(*items, item);
	}
	json_decref(names);
	json_decref(titles);
	return 0;
}

int
screening_since(const struct flow *f, const char *since, int limit, json_t **items)
{
	json_t *apps;

	if (applications(f, NULL, NULL, limit, &apps) != 0)
		return -1;
	for (size_t i = json_array_size(apps); since != NULL && i-- > 0;) {
		const char *at =
		    json_string_value(json_object_get(json_array_get(apps, i), "created_at"));
		if (at == NULL || strcmp(at, since) <= 0)
			json_array_remove(apps, i);
	}
	int rc = listed(f, apps, items);
	json_decref(apps);
	return rc;
}

int
screening_waiting(const struct flow *f, int limit, json_t **items)
{
	json_t *apps;

	if (applications(f, NULL, "applied", BOARD_MAX, &apps) != 0)
		return -1;
	int rc = listed(f, apps, items);
	json_decref(apps);
	if (rc == 0) {
		sort_by_days(*items);
		while ((int)json_array_size(*items) > limit)
			json_array_remove(*items, json_array_size(*items) - 1);
	}
	return rc;
}
