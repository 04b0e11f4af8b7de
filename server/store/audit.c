/*
 * audit: reading the append-only audit log.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/audit.h"
#include "store/db.h"

struct db_stmt audit_list_entries = DB_STMT(
    "SELECT seq, rfc3339(at), actor, action, applicant_id, target, request_id FROM audit_log "
    "WHERE seq < $1::bigint AND ($2::uuid IS NULL OR applicant_id = $2::uuid) "
    "AND ($3::text IS NULL OR actor = $3) AND ($4::timestamptz IS NULL OR at >= $4::timestamptz) "
    "ORDER BY seq DESC LIMIT $5::int");
