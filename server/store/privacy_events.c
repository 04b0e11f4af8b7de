/* privacy_events: a request's events. See privacy_events.h. */
#include "store/privacy_events.h"
#include "store/db.h"

static struct db_stmt list =
    DB_STMT("SELECT coalesce((SELECT json_agg(json_build_object('at', rfc3339(e.at), "
            "'event', e.event, 'actor_role', e.actor_role) ORDER BY e.at) "
            "FROM privacy_request_events e WHERE e.request_id = r.id), '[]')::text "
            "FROM privacy_requests r WHERE r.id = $1::uuid");

int
privacy_events_list(struct db *db, const char *id, json_t **events)
{
	const char *params[1] = {id};

	return db_json(db, &list, 1, params, events, NULL);
}
