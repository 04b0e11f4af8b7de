/*
 * evaluations: evaluations of an application.
 *
 * The statements of this aggregate. Their callers bind the
 * parameters and read the rows; the SQL lives here, with the tables it
 * knows.
 */
#include "store/evaluations.h"
#include "store/db.h"

#define EVAL_JSON                                                                                  \
	"json_build_object('id', v.id, 'application_id', v.application_id, 'score', v.score, "     \
	"'summary', v.summary, 'author', v.author, 'created_at', rfc3339(v.created_at))::text"

struct db_stmt evaluations_insert_eval = DB_STMT(
    "WITH p AS (SELECT id, applicant_id FROM applications WHERE id = $1), "
    "v AS (INSERT INTO evaluations (application_id, score, summary, author) "
    "  SELECT id, $2::smallint, $3, $4 FROM p RETURNING *), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $4, 'evaluation.create', p.applicant_id, 'evaluation:' || v.id, $5 FROM v, p) "
    "SELECT " EVAL_JSON ", v.id FROM v");

struct db_stmt evaluations_list_evals = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object('id', v.id, 'application_id', v.application_id, "
    "  'score', v.score, 'summary', v.summary, 'author', v.author, 'created_at', "
    "rfc3339(v.created_at)) "
    "  ORDER BY v.created_at, v.id) FILTER (WHERE v.id IS NOT NULL), '[]')::text "
    "FROM applications p LEFT JOIN evaluations v ON v.application_id = p.id WHERE p.id = $1 GROUP "
    "BY p.id");

struct db_stmt evaluations_get_eval =
    DB_STMT("SELECT " EVAL_JSON " FROM evaluations v WHERE v.id = $1");
