/*
 * openings: openings, public and staff views. See openings.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/page.h"
#include "store/db.h"
#include "store/openings.h"

#define PUBLIC_JSON                                                                                \
	"json_build_object('id', o.id, 'title', o.title, 'department', o.department, 'country', "  \
	"o.country, 'region', o.region, 'location', o.location, 'description', o.description, "    \
	"'employment_type', o.employment_type, 'valid_through', rfc3339(o.valid_through))"

#define STAFF_JSON                                                                                 \
	"json_build_object('id', o.id, 'title', o.title, 'department', o.department, 'country', "  \
	"o.country, 'region', o.region, 'location', o.location, 'description', o.description, "    \
	"'employment_type', o.employment_type, 'valid_through', rfc3339(o.valid_through), "        \
	"'status', o.status, 'created_at', rfc3339(o.created_at), 'updated_at', "                  \
	"rfc3339(o.updated_at), "                                                                  \
	"'version', o.version)"

/* A job's page: the public members, whether it is still open, and when it was posted. */
#define PAGE_JSON                                                                                  \
	"json_build_object('id', o.id, 'title', o.title, 'department', o.department, 'country', "  \
	"o.country, 'region', o.region, 'location', o.location, 'description', o.description, "    \
	"'employment_type', o.employment_type, 'valid_through', rfc3339(o.valid_through), "        \
	"'status', o.status, 'posted_at', rfc3339(o.created_at))"

static struct db_stmt insert_opening =
    DB_STMT("WITH o AS (INSERT INTO openings (title, department, country, region, location, "
            "description, status, employment_type, valid_through) "
            "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz) RETURNING *) "
            "SELECT " STAFF_JSON "::text FROM o");

static struct db_stmt get_staff =
    DB_STMT("SELECT " STAFF_JSON "::text FROM openings o WHERE o.id = $1::uuid");

static struct db_stmt get_public = DB_STMT(
    "SELECT " PUBLIC_JSON "::text FROM openings o WHERE o.id = $1::uuid AND o.status = 'open'");

static struct db_stmt get_page =
    DB_STMT("SELECT " PAGE_JSON "::text FROM openings o WHERE o.id = $1::uuid");

static struct db_stmt current_opening =
    DB_STMT("SELECT json_build_object('title', title, 'department', department, 'country', "
            "country, 'region', region, "
            "'location', location, 'description', description, 'status', status, "
            "'employment_type', employment_type, 'valid_through', rfc3339(valid_through))::text, "
            "version FROM openings WHERE id = $1::uuid");

static struct db_stmt update_opening =
    DB_STMT("WITH o AS (UPDATE openings SET title = $3, department = $4, country = $5, region = "
            "$6, location = $7, "
            "  description = $8, status = $9, employment_type = $10, "
            "  valid_through = $11::timestamptz, version = version + 1, updated_at = now() "
            "  WHERE id = $1::uuid AND version = $2::int RETURNING *) "
            "SELECT " STAFF_JSON "::text FROM o");

#define LIST_WHERE " WHERE (o.created_at, o.id) < ($1::timestamptz, $2::uuid) "

#define LIST_TAIL " ORDER BY o.created_at DESC, o.id DESC LIMIT $3::int"

static struct db_stmt list_staff =
    DB_STMT("SELECT " STAFF_JSON "::text, rfc3339(o.created_at), o.id FROM openings o" LIST_WHERE
            "AND ($4::text IS NULL OR o.status = $4)" LIST_TAIL);

static struct db_stmt list_public =
    DB_STMT("SELECT " PUBLIC_JSON "::text, rfc3339(o.created_at), o.id FROM openings o" LIST_WHERE
            "AND o.status = 'open'" LIST_TAIL);

/*
 * The careers site's list: every open opening, newest first (a page shows at
 * most 200), with the start of its description (the feed's summary).
 */
static struct db_stmt open_for_page =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('id', o.id, 'title', o.title, "
            "'department', coalesce(o.department, ''), 'where', concat_ws(', ', "
            "nullif(o.location, ''), nullif(o.region, ''), nullif(o.country, '')), "
            "'employment_type', o.employment_type, 'posted_at', rfc3339(o.created_at), "
            "'summary', left(coalesce(o.description, ''), 600)) "
            "ORDER BY o.created_at DESC, o.id), '[]')::text FROM (SELECT * FROM openings "
            "WHERE status = 'open' ORDER BY created_at DESC, id LIMIT 200) o");

/* Row 0's JSON text, column 0, as *out: 0, 1 when no row, -1 when res is NULL. */
static int
json_row(PGresult *res, json_t **out)
{
	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 1 ? 0 : 1;
	if (rc == 0)
		*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return rc;
}

static void
params_of(const struct opening_fields *o, const char **v)
{
	v[0] = o->title;
	v[1] = o->department;
	v[2] = o->country;
	v[3] = o->region;
	v[4] = o->location;
	v[5] = o->description;
	v[6] = o->status ? o->status : "open";
	v[7] = o->employment_type;
	v[8] = o->valid_through;
}

int
openings_insert(struct db *db, const struct opening_fields *o, json_t **opening)
{
	const char *v[9];

	params_of(o, v);
	return json_row(db_run(db, &insert_opening, 9, v), opening) == 0 ? 0 : -1;
}

int
openings_find(struct db *db, const char *id, bool staff, json_t **opening)
{
	const char *params[1] = {id};

	return json_row(db_run(db, staff ? &get_staff : &get_public, 1, params), opening);
}

int
openings_current(struct db *db, const char *id, json_t **fields, long *version)
{
	const char *params[1] = {id};
	PGresult *res;
	int rc = db_row(db, &current_opening, 1, params, &res);

	if (rc != 0)
		return rc;
	*fields = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	*version = atol(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int
openings_update(struct db *db, const char *id, long have, const struct opening_fields *o,
                json_t **opening)
{
	const char *v[11] = {id};
	char version[24];

	snprintf(version, sizeof(version), "%ld", have);
	v[1] = version;
	params_of(o, v + 2);
	return json_row(db_run(db, &update_opening, 11, v), opening);
}

int
openings_page(struct db *db, bool staff, const char *status, const struct page_want *want,
              struct page_of *out)
{
	char limit[16];

	snprintf(limit, sizeof(limit), "%d", want->limit + 1);
	const char *params[4] = {want->k1, want->k2, limit, status};
	PGresult *res = db_run(db, staff ? &list_staff : &list_public, staff ? 4 : 3, params);

	if (res == NULL)
		return -1;
	db_page(res, want->limit, 0, 1, 2, out);
	PQclear(res);
	return 0;
}

int
openings_find_page(struct db *db, const char *id, json_t **opening)
{
	const char *params[1] = {id};

	return json_row(db_run(db, &get_page, 1, params), opening);
}

int
openings_open_list(struct db *db, json_t **list)
{
	return json_row(db_run(db, &open_for_page, 0, NULL), list) == 0 ? 0 : -1;
}
