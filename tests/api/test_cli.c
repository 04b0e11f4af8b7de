/*
 * recruitctl against the real database: staff keys (only the token on
 * stdout, stored hashed, revocation) and migrations (once each, in a
 * transaction, refusing a changed file). Migrations run in a database of
 * their own, made and dropped here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

static PGconn *conn;
static char *scratch_db, *scratch_url, *dir;

/*
 * Run a shell command; stdout (new string) in *out when out is not NULL.
 * stderr is dropped unless the command redirects it itself. Returns the exit status.
 */
static int
run(const char *cmd, char **out)
{
	char *full = strstr(cmd, "2>&1") ? xstrdup(cmd) : xasprintf("%s 2>/dev/null", cmd);
	FILE *p = popen(full, "r");
	char buf[4096];
	size_t n, len = 0;
	char *text = xcalloc(1, 1);

	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		text = xrealloc(text, len + n + 1);
		memcpy(text + len, buf, n);
		len += n;
		text[len] = '\0';
	}
	int status = pclose(p);
	free(full);
	if (out)
		*out = text;
	else
		free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *
ctl(const char *args)
{
	return xasprintf("%s %s", getenv("RECRUITD_TEST_CTL"), args);
}

static int
ctl_run(const char *args, char **out)
{
	char *cmd = ctl(args);
	int rc = run(cmd, out);
	free(cmd);
	return rc;
}

static char *
value(const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(conn, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	char *v = NULL;

	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static int
is_token(const char *s)
{
	size_t n = strlen(s);
	if (n != 4 + 16 + 1 + 43 + 1 || strncmp(s, "rks_", 4) != 0 || s[20] != '_' ||
	    s[n - 1] != '\n')
		return 0;
	return strspn(s + 4, "0123456789abcdef") == 16 &&
	       strspn(s + 21, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	           43;
}

static void
test_key_create(void **state)
{
	char name[64], *out, *args;
	(void)state;
	snprintf(name, sizeof(name), "cli-%d", (int)getpid());
	args = xasprintf("staff-key create --role recruiter --name %s", name);
	assert_int_equal(ctl_run(args, &out), 0);
	if (!is_token(out))
		fail_msg("stdout is not just the token: %s", out);
	/* only the hash is stored */
	char *secret = xstrndup(out + 21, 43);
	char *n =
	    value("SELECT count(*) FROM staff_keys k WHERE k::text LIKE '%' || $1 || '%'", secret);
	assert_string_equal(n, "0");
	free(n);
	char *role = value("SELECT role FROM staff_keys WHERE name = $1", name);
	assert_string_equal(role, "recruiter");
	free(role);
	free(out);

	/* a name is never reused */
	assert_int_equal(ctl_run(args, &out), 1);
	assert_string_equal(out, "");
	free(out);
	free(args);
	free(secret);
}

static void
test_key_usage_errors(void **state)
{
	static const char *const bad[] = {
	    "staff-key create --role admin --name x",
	    "staff-key create --role hr",
	    "staff-key create --name x",
	    "staff-key create --role hr --name 'has space'",
	    "staff-key create --role hr --name x extra",
	    "staff-key revoke",
	    "key",
	    "staff-key",
	    "frobnicate",
	    "",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out;
		int rc = ctl_run(bad[i], &out);
		if (rc != 2)
			fail_msg("'%s' exited %d, want 2", bad[i], rc);
		assert_string_equal(out, "");
		free(out);
	}
}

static void
test_key_list_and_revoke(void **state)
{
	char name[64], *out, *args, *token;
	(void)state;
	snprintf(name, sizeof(name), "cli-rev-%d", (int)getpid());
	args = xasprintf("staff-key create --role hr --name %s", name);
	assert_int_equal(ctl_run(args, &token), 0);
	free(args);

	assert_int_equal(ctl_run("staff-key list", &out), 0);
	assert_int_equal(strncmp(out, "NAME\tROLE\tKEY_ID\tCREATED\tREVOKED\n", 33), 0);
	char *line = xasprintf("\n%s\thr\t%.16s\t", name, token + 4);
	assert_non_null(strstr(out, line));
	assert_null(strstr(out, token + 21)); /* never the secret */
	free(line);
	free(out);

	/* the name before staff-key still works, for one release */
	args = xasprintf("key revoke %s", name);
	assert_int_equal(ctl_run(args, NULL), 0);
	assert_int_equal(ctl_run(args, NULL), 1); /* nothing active left by that name */
	free(args);
	char *revoked =
	    value("SELECT revoked_at IS NOT NULL FROM staff_keys WHERE name = $1", name);
	assert_string_equal(revoked, "t");
	free(revoked);
	assert_int_equal(ctl_run("staff-key revoke no-such-key-anywhere", NULL), 1);
	free(token);
}

static void
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(path);
}

static int
migrate(char **out)
{
	char *cmd = xasprintf("RECRUITD_DATABASE_URL='%s' RECRUITD_MIGRATIONS='%s' %s migrate 2>&1",
	                      scratch_url, dir, getenv("RECRUITD_TEST_CTL"));
	int rc = run(cmd, out);
	free(cmd);
	return rc;
}

static char *
scratch_value(const char *sql)
{
	PGconn *c = PQconnectdb(scratch_url);
	PGresult *res = PQexec(c, sql);
	char *v = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res)
	              ? xstrdup(PQgetvalue(res, 0, 0))
	              : NULL;
	PQclear(res);
	PQfinish(c);
	return v;
}

static void
expect_scratch(const char *sql, const char *want)
{
	char *v = scratch_value(sql);
	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s gave %s, want %s", sql, v ? v : "nothing", want);
	free(v);
}

static void
test_migrations(void **state)
{
	char *out;
	(void)state;
	write_file("0001_first.sql", "CREATE TABLE first (x int);\n");
	write_file("0002_second.sql", "INSERT INTO first VALUES (1);\n");
	write_file("README.txt", "not a migration\n");
	assert_int_equal(migrate(&out), 0);
	assert_non_null(strstr(out, "applied 0001_first.sql"));
	assert_non_null(strstr(out, "applied 0002_second.sql"));
	free(out);

	/* once each */
	assert_int_equal(migrate(&out), 0);
	assert_non_null(strstr(out, "up to date"));
	free(out);
	expect_scratch("SELECT count(*) FROM first", "1");

	/* an applied file that changed: refuse, and apply nothing else either */
	write_file("0002_second.sql", "INSERT INTO first VALUES (2);\n");
	write_file("0003_third.sql", "INSERT INTO first VALUES (3);\n");
	assert_int_equal(migrate(&out), 1);
	assert_non_null(strstr(out, "0002_second.sql has changed"));
	free(out);
	expect_scratch("SELECT count(*) FROM first", "1");

	/* restored, the pending one goes in */
	write_file("0002_second.sql", "INSERT INTO first VALUES (1);\n");
	assert_int_equal(migrate(&out), 0);
	free(out);
	expect_scratch("SELECT count(*) FROM first", "2");

	/* a failing migration leaves nothing of itself */
	write_file("0004_broken.sql",
	           "CREATE TABLE half (x int);\nINSERT INTO first VALUES ('not a number');\n");
	assert_int_equal(migrate(&out), 1);
	free(out);
	expect_scratch("SELECT count(*) FROM pg_tables WHERE tablename = 'half'", "0");
	expect_scratch("SELECT count(*) FROM schema_migrations", "3");
}

static int
setup(void **state)
{
	(void)state;
	if (getenv("RECRUITD_DATABASE_URL") == NULL || getenv("RECRUITD_TEST_CTL") == NULL) {
		fprintf(stderr, "recruitctl tests: RECRUITD_DATABASE_URL and RECRUITD_TEST_CTL "
		                "must be set (scripts/test.sh does)\n");
		return -1;
	}
	conn = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	if (PQstatus(conn) != CONNECTION_OK)
		return -1;
	scratch_db = xasprintf("recruitd_cli_%d", (int)getpid());
	char *sql = xasprintf("CREATE DATABASE %s", scratch_db);
	PQclear(PQexec(conn, sql));
	free(sql);
	scratch_url = xasprintf("%s dbname=%s", getenv("RECRUITD_DATABASE_URL"), scratch_db);
	dir = xstrdup("/tmp/recruitd-migrations-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	char *sql = xasprintf("DROP DATABASE IF EXISTS %s", scratch_db);
	PQclear(PQexec(conn, sql));
	free(sql);
	char *rm = xasprintf("rm -rf '%s'", dir);
	(void)!system(rm);
	free(rm);
	PQfinish(conn);
	free(scratch_db);
	free(scratch_url);
	free(dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_create),
	    cmocka_unit_test(test_key_usage_errors),
	    cmocka_unit_test(test_key_list_and_revoke),
	    cmocka_unit_test(test_migrations),
	};
	return cmocka_run_group_tests_name("recruitctl", tests, setup, teardown);
}
