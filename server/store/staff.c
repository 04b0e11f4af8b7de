/* staff: the staff directory. See staff.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "store/db.h"
#include "store/staff.h"

/* A member's columns, in the order member_of reads them (the JSON is built there). */
#define MEMBER_COLS                                                                                \
	"m.id, m.work_email, m.name, m.role, m.active, rfc3339(m.created_at), "                    \
	"rfc3339(m.updated_at), m.version"

static struct db_stmt insert_member =
    DB_STMT("WITH m AS (INSERT INTO staff_members (work_email, email_folded, name, role, active) "
            "  VALUES ($1, $2, $3, $4, $5::boolean) RETURNING *), "
            "l AS (INSERT INTO audit_log (actor, action, target, request_id) "
            "  SELECT $6, 'staff.create', 'staff:' || m.id, $7 FROM m) "
            "SELECT " MEMBER_COLS " FROM m");

static struct db_stmt get_member =
    DB_STMT("SELECT " MEMBER_COLS " FROM staff_members m WHERE m.id = $1::uuid");

static struct db_stmt by_email =
    DB_STMT("SELECT id, role, active FROM staff_members WHERE email_folded = $1");

static struct db_stmt by_id =
    DB_STMT("SELECT id, role, active FROM staff_members WHERE id = $1::uuid");

static struct db_stmt current_member =
    DB_STMT("SELECT " MEMBER_COLS " FROM staff_members m WHERE m.id = $1::uuid");

static struct db_stmt update_member = DB_STMT(
    "WITH m AS (UPDATE staff_members SET work_email = $3, email_folded = $4, name = $5, role = $6, "
    "  active = $7::boolean, version = version + 1, updated_at = now() "
    "  WHERE id = $1::uuid AND version = $2::bigint RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, target, request_id) "
    "  SELECT $9, 'staff.update', 'staff:' || m.id || ':' || $8, $10 FROM m) "
    "SELECT " MEMBER_COLS " FROM m");

static struct db_stmt revoke_keys =
    DB_STMT("WITH k AS (UPDATE staff_keys SET revoked_at = now() "
            "  WHERE member_id = $1::uuid AND revoked_at IS NULL RETURNING 1), "
            "s AS (DELETE FROM staff_sessions WHERE member_id = $1::uuid RETURNING 1) "
            "SELECT (SELECT count(*) FROM k) + (SELECT count(*) FROM s)");

static struct db_stmt visit =
    DB_STMT("UPDATE staff_members SET seen_before = seen_at, seen_at = now() WHERE id = $1::uuid "
            "RETURNING coalesce(rfc3339(seen_before), ''), name");

static struct db_stmt list_members =
    DB_STMT("SELECT " MEMBER_COLS ", rfc3339(m.created_at), m.id FROM staff_members m "
            "WHERE (m.created_at, m.id) < ($1::timestamptz, $2::uuid) "
            "ORDER BY m.created_at DESC, m.id DESC LIMIT $3::int");

/* Row i's member (MEMBER_COLS) as JSON: a new reference. */
static json_t *
member_of(const PGresult *res, int i)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I}", "id", PQgetvalue(res, i, 0),
	                 "email", PQgetvalue(res, i, 1), "name", PQgetvalue(res, i, 2), "role",
	                 PQgetvalue(res, i, 3), "active", strcmp(PQgetvalue(res, i, 4), "t") == 0,
	                 "created_at", PQgetvalue(res, i, 5), "updated_at", PQgetvalue(res, i, 6),
	                 "version", (json_int_t)atoll(PQgetvalue(res, i, 7)));
}

/* Row 0's member as *out: 0, 1 when no row, -1 when res is NULL. */
static int
json_row(PGresult *res, json_t **out)
{
	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 1 ? 0 : 1;
	if (rc == 0)
		*out = member_of(res, 0);
	PQclear(res);
	return rc;
}

int
staff_insert(struct db *db, const struct staff_row *m, const struct staff_by *by, json_t **member)
{
	const char *v[7] = {
	    m->email,  m->email_folded, m->name, m->role, m->active ? "true" : "false",
	    by->actor, by->request_id};

	return json_row(db_run(db, &insert_member, 7, v), member) == 0 ? 0 : -1;
}

int
staff_find(struct db *db, const char *id, json_t **member)
{
	const char *v[1] = {id};

	return json_row(db_run(db, &get_member, 1, v), member);
}

static int
who_row(struct db *db, struct db_stmt *st, const char *key, struct staff_who *who)
{
	const char *v[1] = {key};
	PGresult *row;
	int rc = db_row(db, st, 1, v, &row);

	if (rc != 0)
		return rc;
	snprintf(who->id, sizeof(who->id), "%s", PQgetvalue(row, 0, 0));
	who->role = role_parse(PQgetvalue(row, 0, 1));
	who->active = strcmp(PQgetvalue(row, 0, 2), "t") == 0;
	PQclear(row);
	return 0;
}

int
staff_find_email(struct db *db, const char *email_folded, struct staff_who *who)
{
	return who_row(db, &by_email, email_folded, who);
}

int
staff_find_id(struct db *db, const char *id, struct staff_who *who)
{
	return who_row(db, &by_id, id, who);
}

int
staff_current(struct db *db, const char *id, json_t **fields, long *version)
{
	const char *v[1] = {id};
	PGresult *row;
	int rc = db_row(db, &current_member, 1, v, &row);

	if (rc != 0)
		return rc;
	json_t *m = member_of(row, 0);
	*fields = json_pack("{s:O, s:O, s:O, s:O}", "email", json_object_get(m, "email"), "name",
	                    json_object_get(m, "name"), "role", json_object_get(m, "role"),
	                    "active", json_object_get(m, "active"));
	*version = (long)json_integer_value(json_object_get(m, "version"));
	json_decref(m);
	PQclear(row);
	return 0;
}

int
staff_update(struct db *db, const char *id, long have, const struct staff_row *m,
             const char *changed, const struct staff_by *by, json_t **member)
{
	char version[24];

	snprintf(version, sizeof(version), "%ld", have);
	const char *v[10] = {id,
	                     version,
	                     m->email,
	                     m->email_folded,
	                     m->name,
	                     m->role,
	                     m->active ? "true" : "false",
	                     changed,
	                     by->actor,
	                     by->request_id};
	return json_row(db_run(db, &update_member, 10, v), member);
}

int
staff_end_access(struct db *db, const char *id)
{
	const char *v[1] = {id};
	long n;

	return db_count(db, &revoke_keys, 1, v, &n);
}

int
staff_page(struct db *db, const struct page_want *want, struct page_of *out)
{
	char limit[16];

	snprintf(limit, sizeof(limit), "%d", want->limit + 1);
	const char *v[3] = {want->k1, want->k2, limit};
	PGresult *res = db_run(db, &list_members, 3, v);

	if (res == NULL)
		return -1;
	int n = PQntuples(res);
	out->items = json_array();
	out->more = n > want->limit;
	for (int i = 0; i < n && i < want->limit; i++)
		json_array_append_new(out->items, member_of(res, i));
	if (out->more) {
		snprintf(out->k1, sizeof(out->k1), "%s", PQgetvalue(res, want->limit - 1, 8));
		snprintf(out->k2, sizeof(out->k2), "%s", PQgetvalue(res, want->limit - 1, 9));
	}
	PQclear(res);
	return 0;
}

int
staff_visit(struct db *db, const char *id, char before[32], char name[201])
{
	const char *v[1] = {id};
	PGresult *row;
	int rc = db_row(db, &visit, 1, v, &row);

	if (rc != 0)
		return rc;
	snprintf(before, 32, "%s", PQgetvalue(row, 0, 0));
	snprintf(name, 201, "%s", PQgetvalue(row, 0, 1));
	PQclear(row);
	return 0;
}
