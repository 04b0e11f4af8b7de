/* migrate: forward-only schema migrations, each file once, each in a transaction. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "store/db.h"
#include "store/migrate.h"

#define MIGRATION_LOCK "727173"

static struct db_stmt find_applied =
    DB_STMT("SELECT sha256 FROM schema_migrations WHERE name = $1");
static struct db_stmt record_applied =
    DB_STMT("INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)");
static struct db_stmt all_applied = DB_STMT("SELECT name FROM schema_migrations ORDER BY name");

int
migrate_is_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || strspn(name, "0123456789") != 4 ||
	    name[4] != '_')
		return 0;
	return strspn(name + 5, "abcdefghijklmnopqrstuvwxyz0123456789_") == n - 9;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_migration(const struct dirent *d)
{
	return migrate_is_name(d->d_name);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	data = xmalloc(*len + 1);
	if (fread(data, 1, *len, f) != *len) {
		free(data);
		data = NULL;
	} else {
		data[*len] = '\0';
	}
	fclose(f);
	return data;
}

struct migration {
	char name[256];
	char *sql;
	char sha[2 * SHA256_LEN + 1];
	int applied;
};

static int
load(const char *dir, struct migration **out)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_migration, by_name);
	struct migration *m;

	if (n < 0) {
		fprintf(stderr, "migrate: cannot read %s\n", dir);
		return -1;
	}
	m = xcalloc((size_t)n + 1, sizeof(*m));
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		size_t len = 0;
		unsigned char h[SHA256_LEN];

		snprintf(m[i].name, sizeof(m[i].name), "%s", names[i]->d_name);
		m[i].sql = slurp(path, &len);
		free(path);
		free(names[i]);
		if (m[i].sql == NULL) {
			fprintf(stderr, "migrate: cannot read %s\n", m[i].name);
			m[i].sql = xstrdup("");
			m[i].applied = -1;
			continue;
		}
		sha256(m[i].sql, len, h);
		hex_encode(h, SHA256_LEN, m[i].sha);
	}
	free(names);
	*out = m;
	return n;
}

/* Mark what is applied; -1 when an applied file changed or is gone. */
static int
check_applied(struct db *db, struct migration *m, int n)
{
	int bad = 0;
	PGresult *res = db_run(db, &all_applied, 0, NULL);

	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *name = PQgetvalue(res, r, 0);
		int found = 0;
		for (int i = 0; i < n; i++)
			found |= strcmp(m[i].name, name) == 0;
		if (!found) {
			fprintf(stderr,
			        "migrate: %s was applied but is no longer in the migrations "
			        "directory\n",
			        name);
			bad = 1;
		}
	}
	PQclear(res);
	for (int i = 0; i < n; i++) {
		const char *params[1] = {m[i].name};
		if (m[i].applied < 0 || (res = db_run(db, &find_applied, 1, params)) == NULL)
			return -1;
		if (PQntuples(res) == 1) {
			m[i].applied = 1;
			if (strcmp(PQgetvalue(res, 0, 0), m[i].sha) != 0) {
				fprintf(stderr,
				        "migrate: %s has changed since it was applied; refusing to "
				        "run\n",
				        m[i].name);
				bad = 1;
			}
		}
		PQclear(res);
	}
	return bad ? -1 : 0;
}

static int
apply(struct db *db, struct migration *m, FILE *out)
{
	const char *params[2] = {m->name, m->sha};

	if (db_begin(db) != 0 || db_exec(db, m->sql) != 0 ||
	    db_do(db, &record_applied, 2, params) != 0 || db_exec(db, "COMMIT") != 0) {
		fprintf(stderr, "migrate: %s failed: %s", m->name, db_message(db));
		db_rollback(db);
		return -1;
	}
	fprintf(out, "applied %s\n", m->name);
	return 0;
}

int
migrate_run(struct db *db, const char *dir, FILE *out)
{
	struct migration *m = NULL;
	int n, rc = -1, pending = 0;

	if (db_exec(db, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")") != 0 ||
	    db_exec(db, "SET client_min_messages = warning") != 0 ||
	    db_exec(db,
	            "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, "
	            "sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())") != 0) {
		fprintf(stderr, "migrate: %s", db_message(db));
		return -1;
	}
	if ((n = load(dir, &m)) < 0)
		goto done;
	if (check_applied(db, m, n) != 0)
		goto done;
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		if (!m[i].applied) {
			rc = apply(db, &m[i], out);
			pending++;
		}
	if (rc == 0 && pending == 0)
		fprintf(out, "up to date\n");
done:
	for (int i = 0; m && i < n; i++)
		free(m[i].sql);
	free(m);
	(void)!db_exec(db, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")");
	return rc;
}
