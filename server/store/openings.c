/*
 * openings: openings, public and staff views.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/openings.h"
#include "store/db.h"

#define PUBLIC_JSON                                                                                \
	"json_build_object('id', o.id, 'title', o.title, 'department', o.department, 'country', "  \
	"o.country, 'region', o.region, 'location', o.location, 'description', o.description)"

#define STAFF_JSON                                                                                 \
	"json_build_object('id', o.id, 'title', o.title, 'department', o.department, 'country', "  \
	"o.country, 'region', o.region, 'location', o.location, 'description', o.description, "    \
	"'status', o.status, 'created_at', rfc3339(o.created_at), 'updated_at', "                  \
	"rfc3339(o.updated_at), "                                                                  \
	"'version', o.version)"

struct db_stmt openings_insert_opening =
    DB_STMT("WITH o AS (INSERT INTO openings (title, department, country, region, location, "
            "description, status) "
            "  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *) "
            "SELECT " STAFF_JSON "::text, o.version, o.id FROM o");

struct db_stmt openings_get_staff =
    DB_STMT("SELECT " STAFF_JSON "::text, o.version FROM openings o WHERE o.id = $1");

struct db_stmt openings_get_public =
    DB_STMT("SELECT " PUBLIC_JSON "::text FROM openings o WHERE o.id = $1 AND o.status = 'open'");

struct db_stmt openings_current_opening =
    DB_STMT("SELECT json_build_object('title', title, 'department', department, 'country', "
            "country, 'region', region, "
            "'location', location, 'description', description, 'status', status)::text, version "
            "FROM openings WHERE id = $1");

struct db_stmt openings_update_opening =
    DB_STMT("WITH o AS (UPDATE openings SET title = $3, department = $4, country = $5, region = "
            "$6, location = $7, "
            "  description = $8, status = $9, version = version + 1, updated_at = now() "
            "  WHERE id = $1 AND version = $2::int RETURNING *) "
            "SELECT " STAFF_JSON "::text, o.version FROM o");

#define LIST_WHERE " WHERE (o.created_at, o.id) < ($1::timestamptz, $2::uuid) "

#define LIST_TAIL " ORDER BY o.created_at DESC, o.id DESC LIMIT $3::int"

struct db_stmt openings_list_staff =
    DB_STMT("SELECT " STAFF_JSON "::text, rfc3339(o.created_at), o.id FROM openings o" LIST_WHERE
            "AND ($4::text IS NULL OR o.status = $4)" LIST_TAIL);

struct db_stmt openings_list_public =
    DB_STMT("SELECT " PUBLIC_JSON "::text, rfc3339(o.created_at), o.id FROM openings o" LIST_WHERE
            "AND o.status = 'open'" LIST_TAIL);

/* The careers page's list: every open opening, newest first (a page shows at most 200). */
struct db_stmt openings_open_for_page =
    DB_STMT("SELECT o.id, o.title, coalesce(o.department, ''), concat_ws(', ', "
            "nullif(o.location, ''), nullif(o.region, ''), nullif(o.country, '')) "
            "FROM openings o WHERE o.status = 'open' ORDER BY o.created_at DESC, o.id LIMIT 200");
