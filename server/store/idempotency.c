/*
 * idempotency: stored first responses of keyed creates.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/idempotency.h"
#include "store/db.h"

#define IDEM_TTL "24 hours"

struct db_stmt idempotency_find_stored = DB_STMT(
    "SELECT scope, request_sha256, status, body, location FROM idempotency_keys "
    "WHERE actor = $1 AND key_sha256 = $2 AND created_at > now() - interval '" IDEM_TTL "'");

struct db_stmt idempotency_store =
    DB_STMT("WITH old AS (DELETE FROM idempotency_keys WHERE actor = $1 AND key_sha256 = $2 "
            "  AND created_at <= now() - interval '" IDEM_TTL "') "
            "INSERT INTO idempotency_keys (actor, key_sha256, scope, request_sha256, status, body, "
            "location, applicant_id) "
            "VALUES ($1, $2, $3, $4, $5::int, $6::bytea, $7, $8::uuid)");

/*
 * Twins with one key wait here for each other: the first holds the lock
 * until its transaction ends, so the second sees its stored response.
 */
struct db_stmt idempotency_lock =
    DB_STMT("SELECT pg_advisory_xact_lock(hashtextextended($1 || '|' || $2, 4243))");

struct db_stmt idempotency_expire =
    DB_STMT("DELETE FROM idempotency_keys WHERE created_at <= now() - interval '" IDEM_TTL "'");
