/* templates: the e-mail templates. See templates.h. */
#include <stdio.h>
#include <stdlib.h>

#include "domain/templates.h"
#include "store/db.h"
#include "store/templates.h"

static struct db_stmt all = DB_STMT(
    "SELECT coalesce(json_agg(json_build_object('kind', kind, 'language', language, 'subject', "
    "subject, 'body', body) ORDER BY kind, language), '[]')::text FROM email_templates");

static struct db_stmt clear = DB_STMT("DELETE FROM email_templates");

static struct db_stmt insert_all = DB_STMT(
    "WITH t AS (INSERT INTO email_templates (kind, language, subject, body) "
    "  SELECT x.kind, x.language, x.subject, x.body "
    "  FROM json_to_recordset($1::json) AS x(kind text, language text, subject text, body text) "
    "  RETURNING 1), "
    "l AS (INSERT INTO audit_log (actor, action, target, request_id) "
    "  VALUES ($2, 'templates.update', 'templates', $3)) "
    "SELECT count(*) FROM t");

static struct db_stmt find = DB_STMT(
    "SELECT json_build_object('kind', kind, 'language', language, 'subject', subject, 'body', "
    "body)::text FROM email_templates WHERE kind = $1 AND language IN ($2, "
    "'" TEMPLATE_FALLBACK_LANGUAGE "') ORDER BY language = $2 DESC LIMIT 1");

int
templates_all(struct db *db, json_t **list)
{
	PGresult *res = db_run(db, &all, 0, NULL);

	if (res == NULL)
		return -1;
	*list = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return *list ? 0 : -1;
}

int
templates_replace(struct db *db, const json_t *list, const char *actor, const char *request_id)
{
	char *text = json_dumps(list, JSON_COMPACT);
	const char *v[3] = {text, actor, request_id};
	long n;
	int rc =
	    db_do(db, &clear, 0, NULL) != 0 || db_count(db, &insert_all, 3, v, &n) != 0 ? -1 : 0;

	free(text);
	return rc;
}

int
templates_find(struct db *db, const char *kind, const char *language, json_t **tpl)
{
	const char *v[2] = {kind, language};

	return db_json(db, &find, 2, v, tpl, NULL);
}
