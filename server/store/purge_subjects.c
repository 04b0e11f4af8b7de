/*
 * purge_subjects: the applicants a purge judges, as plain values. See
 * purge_subjects.h. The rows are store/applicants.c's (applicants_subjects'
 * columns: id, created_at epoch, address country, address region, legal
 * hold set, RETENTION_APPS_SQL, restricted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_retention.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/purge_subjects.h"

static char *
text_or_null(const PGresult *res, int i, int col)
{
	return PQgetisnull(res, i, col) ? NULL : xstrdup(PQgetvalue(res, i, col));
}

/* The rows of res (PQcleared here) as *out; -1 when res is NULL. */
static int
subjects_of(PGresult *res, struct purge_subjects *out)
{
	memset(out, 0, sizeof(*out));
	if (res == NULL)
		return -1;
	out->s = xcalloc((size_t)PQntuples(res) + 1, sizeof(*out->s));
	for (int i = 0; i < PQntuples(res); i++, out->n++) {
		struct purge_subject *s = &out->s[i];
		snprintf(s->id, sizeof(s->id), "%s", PQgetvalue(res, i, 0));
		s->created_at = atof(PQgetvalue(res, i, 1));
		s->country = text_or_null(res, i, 2);
		s->region = text_or_null(res, i, 3);
		s->held = PQgetvalue(res, i, 4)[0] == 't';
		s->apps = xstrdup(PQgetvalue(res, i, 5));
		s->restricted = PQgetvalue(res, i, 6)[0] == 't';
	}
	PQclear(res);
	return 0;
}

void
purge_subjects_fini(struct purge_subjects *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->s[i].country);
		free(b->s[i].region);
		free(b->s[i].apps);
	}
	free(b->s);
	memset(b, 0, sizeof(*b));
}

int
purge_subjects_next(struct db *db, int limit, size_t *walked, struct purge_subjects *out)
{
	PGresult *batch = applicants_walk_next(db, limit);

	memset(out, 0, sizeof(*out));
	if (batch == NULL)
		return -1;
	int n = PQntuples(batch);
	*walked = (size_t)n;
	if (n == 0) {
		PQclear(batch);
		return 0;
	}
	const char **ids = xcalloc((size_t)n + 1, sizeof(*ids));
	for (int i = 0; i < n; i++)
		ids[i] = PQgetvalue(batch, i, 0);
	char *literal = db_array(ids, (size_t)n);
	free(ids);
	PQclear(batch);
	int rc = subjects_of(applicants_subjects(db, literal), out);
	free(literal);
	return rc;
}

int
purge_subjects_lock(struct db *db, const char *const *ids, size_t n, struct purge_subjects *out)
{
	char *literal = db_array(ids, n);
	int rc = subjects_of(applicants_lock_subjects(db, literal), out);

	free(literal);
	return rc;
}
