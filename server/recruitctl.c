/*
 * recruitctl: the operator's command line. Each command is a row in a
 * table; output meant for scripts goes to stdout, messages to stderr, and
 * the exit status is 0 on success, 1 on failure, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "keys.h"
#include "migrate.h"

struct ctx {
	struct config cfg;
	int argc;
	char **argv; /* after the command words */
};

static const char *
env(const char *name)
{
	return getenv(name);
}

static struct db *
connect_or_die(struct ctx *c)
{
	struct db *db = db_connect(c->cfg.database_url);
	if (db == NULL)
		exit(1);
	return db;
}

/* The value of --flag among the arguments, or NULL. */
static const char *
flag(struct ctx *c, const char *name)
{
	for (int i = 0; i + 1 < c->argc; i++)
		if (strcmp(c->argv[i], name) == 0)
			return c->argv[i + 1];
	return NULL;
}

static int
cmd_migrate(struct ctx *c)
{
	const char *dir = getenv("RECRUITD_MIGRATIONS");
	char *path = dir ? xstrdup(dir) : xasprintf("%s/db/migrations", c->cfg.home ? c->cfg.home : ".");
	struct db *db = connect_or_die(c);
	int rc = migrate_run(db, path, stderr);

	db_close(db);
	free(path);
	return rc == 0 ? 0 : 1;
}

static int
cmd_key_create(struct ctx *c)
{
	const char *role_s = flag(c, "--role"), *name = flag(c, "--name");
	enum role role = role_s ? auth_role_parse(role_s) : ROLE_NONE;
	char token[TOKEN_MAX_LEN];
	struct db *db;
	int rc;

	if (role == ROLE_NONE || name == NULL || c->argc != 4) {
		fprintf(stderr, "usage: recruitctl key create --role recruiter|hr --name NAME\n");
		return 2;
	}
	if (!keys_is_name(name)) {
		fprintf(stderr, "a key name is 1 to 64 of A-Z a-z 0-9 . _ -\n");
		return 2;
	}
	db = connect_or_die(c);
	rc = keys_create(db, role, name, token);
	db_close(db);
	if (rc != 0)
		return 1;
	printf("%s\n", token);
	return 0;
}

static int
cmd_key_list(struct ctx *c)
{
	struct db *db = connect_or_die(c);
	int rc = keys_list(db, stdout);

	db_close(db);
	return rc == 0 ? 0 : 1;
}

static int
cmd_key_revoke(struct ctx *c)
{
	struct db *db;
	int rc;

	if (c->argc != 1) {
		fprintf(stderr, "usage: recruitctl key revoke NAME\n");
		return 2;
	}
	db = connect_or_die(c);
	rc = keys_revoke(db, c->argv[0]);
	db_close(db);
	if (rc == 0)
		fprintf(stderr, "revoked %s\n", c->argv[0]);
	return rc == 0 ? 0 : 1;
}

static const struct command {
	const char *words[2];
	int (*run)(struct ctx *c);
	const char *usage;
} commands[] = {
	{{"migrate", NULL}, cmd_migrate, "migrate"},
	{{"key", "create"}, cmd_key_create, "key create --role recruiter|hr --name NAME"},
	{{"key", "list"}, cmd_key_list, "key list"},
	{{"key", "revoke"}, cmd_key_revoke, "key revoke NAME"},
};

static int
usage(void)
{
	fprintf(stderr, "usage: recruitctl COMMAND\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  recruitctl %s\n", commands[i].usage);
	return 2;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	char err[256];

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *cmd = &commands[i];
		int words = cmd->words[1] ? 2 : 1;
		if (argc <= words || strcmp(argv[1], cmd->words[0]) != 0 ||
		    (words == 2 && strcmp(argv[2], cmd->words[1]) != 0))
			continue;
		if (config_parse(&c.cfg, env, err, sizeof(err)) != 0) {
			fprintf(stderr, "recruitctl: %s\n", err);
			return 2;
		}
		c.argc = argc - 1 - words;
		c.argv = argv + 1 + words;
		int rc = cmd->run(&c);
		config_fini(&c.cfg);
		return rc;
	}
	return usage();
}
