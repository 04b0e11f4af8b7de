/* digests: what the morning digests read. See digests.h. */
#include <stdio.h>

#include "store/db.h"
#include "store/digests.h"

static struct db_stmt hr_requests = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object('id', id, 'type', type, 'status', status, "
    "  'channel', channel, 'email_masked', email_masked, "
    "  'received_at', rfc3339(received_at), "
    "  'due_at', rfc3339(coalesce(extended_due_at, due_at)), "
    "  'days_left', floor(extract(epoch FROM coalesce(extended_due_at, due_at) - "
    "    to_timestamp($1::bigint)) / 86400)::int) "
    "  ORDER BY coalesce(extended_due_at, due_at), id), '[]')::text "
    "FROM privacy_requests WHERE status IN ('awaiting_verification', 'in_progress') "
    "AND (coalesce(extended_due_at, due_at) <= to_timestamp($1::bigint) + interval '7 days' "
    "  OR status = 'in_progress')");

static struct db_stmt hr_recipients =
    DB_STMT("SELECT coalesce(json_agg(work_email ORDER BY id), '[]')::text FROM staff_members "
            "WHERE role = 'hr' AND active");

static struct db_stmt recruiter_news =
    DB_STMT("SELECT coalesce(json_agg(json_build_object('member_id', m.id, 'to', m.work_email, "
            "  'applications', n.apps) ORDER BY m.id), '[]')::text "
            "FROM staff_members m CROSS JOIN LATERAL ("
            "  SELECT json_agg(json_build_object('id', a.id, 'opening_id', o.id, "
            "    'opening_title', o.title, 'received_at', rfc3339(a.created_at)) "
            "    ORDER BY a.created_at, a.id) AS apps "
            "  FROM openings o JOIN applications a ON a.opening_id = o.id "
            "  WHERE o.recruiter_id = m.id AND a.created_at >= to_timestamp($1::bigint) "
            "  AND a.created_at < to_timestamp($2::bigint)) n "
            "WHERE m.active AND m.digest AND n.apps IS NOT NULL");

static int
json_rows(struct db *db, struct db_stmt *st, int n, const char *const *params, json_t **rows)
{
	int rc = db_json(db, st, n, params, rows, NULL);

	if (rc > 0)
		*rows = json_array();
	return rc < 0 ? -1 : 0;
}

int
digests_hr_requests(struct db *db, time_t now, json_t **rows)
{
	char at[24];
	const char *params[1] = {at};

	snprintf(at, sizeof(at), "%lld", (long long)now);
	return json_rows(db, &hr_requests, 1, params, rows);
}

int
digests_hr_recipients(struct db *db, json_t **emails)
{
	return json_rows(db, &hr_recipients, 0, NULL, emails);
}

int
digests_recruiter_news(struct db *db, time_t since, time_t until, json_t **rows)
{
	char from[24], to[24];
	const char *params[2] = {from, to};

	snprintf(from, sizeof(from), "%lld", (long long)since);
	snprintf(to, sizeof(to), "%lld", (long long)until);
	return json_rows(db, &recruiter_news, 2, params, rows);
}
