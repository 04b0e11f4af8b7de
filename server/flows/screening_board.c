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
#include "flows/screening.h"
#include "flows/screening_board.h"
#include "store/applicants.h"
#include "store/applications.h"

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

/* The names of the applicants of apps that a list may show, by id: {id: name}. */
static int
names_of(const struct flow *f, const json_t *apps, json_t *names)
{
	size_t n = json_array_size(apps), i;
	const char **ids = xcalloc(n ? n : 1, sizeof(*ids));
	json_t *a, *found;

	json_array_foreach(apps, i, a) ids[i] =
	    json_string_value(json_object_get(a, "applicant_id"));
	int rc = n ? applicants_summaries(f->db, ids, n, &found) : 0;
	free(ids);
	if (rc != 0)
		return flow_fail_db(f);
	if (n == 0)
		return 0;
	json_array_foreach(found, i, a) json_object_set(
	    names, json_string_value(json_object_get(a, "id")), json_object_get(a, "full_name"));
	json_decref(found);
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

int
screening_board(const struct flow *f, const char *opening_id, json_t **columns)
{
	json_t *opening, *counts, *apps = json_array(), *names = json_object();
	json_t *of[ST_COUNT] = {0};
	int rc = -1;

	*columns = NULL;
	if (posting_get(f, opening_id, &opening) != 0)
		goto out;
	json_decref(opening);
	if (applications_stage_counts(f->db, opening_id, &counts) != 0) {
		flow_fail_db(f);
		goto out;
	}
	for (int s = 0; s < ST_COUNT; s++) {
		if (json_object_get(counts, stage_name((enum stage)s)) == NULL)
			continue; /* nobody at s: no query */
		if (applications_longest(f->db, opening_id, stage_name((enum stage)s), NULL, NULL,
		                         BOARD_COLUMN, &of[s]) != 0) {
			flow_fail_db(f);
			goto counted;
		}
		json_array_extend(apps, of[s]);
	}
	if (names_of(f, apps, names) != 0)
		goto counted;
	*columns = json_array();
	for (int s = 0; s < ST_COUNT; s++) {
		json_t *items = json_array(), *a;
		size_t i;
		json_array_foreach(of[s], i, a)
		{
			json_t *item = item_of(a, names);
			if (item != NULL)
				json_array_append_new(items, item);
		}
		json_t *n = json_object_get(counts, stage_name((enum stage)s));
		json_array_append_new(*columns, json_pack("{s:s, s:I, s:o}", "stage",
		                                          stage_name((enum stage)s), "count",
		                                          n ? json_integer_value(n) : (json_int_t)0,
		                                          "items", items));
	}
	rc = 0;
counted:
	json_decref(counts);
out:
	for (int s = 0; s < ST_COUNT; s++)
		json_decref(of[s]);
	json_decref(apps);
	json_decref(names);
	return rc;
}

/* The listed applications with names and their openings' titles. */
static int
listed(const struct flow *f, json_t *apps, json_t **items)
{
	json_t *names = json_object(), *titles = json_object(), *a;
	size_t i;

	if (names_of(f, apps, names) != 0) {
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

	if (applications_longest(f->db, NULL, "applied", NULL, NULL, limit, &apps) != 0)
		return flow_fail_db(f);
	int rc = listed(f, apps, items);
	json_decref(apps);
	return rc;
}
