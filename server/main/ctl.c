/*
 * ctl: what recruitctl's command files share (ctl.h): the database, the
 * flags, the data keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/vault.h"

#include "ctl.h"

struct db *
connect_or_die(struct ctx *c)
{
	struct db *db = db_connect(c->cfg.database_url);
	if (db == NULL)
		exit(1);
	return db;
}

const char *
flag(struct ctx *c, const char *name)
{
	for (int i = 0; i + 1 < c->argc; i++)
		if (strcmp(c->argv[i], name) == 0)
			return c->argv[i + 1];
	return NULL;
}

void
vault_or_die(struct ctx *c)
{
	char err[256];

	if (vault_open(c->cfg.keyring_file, c->cfg.master_key_file, c->cfg.keys_database_url, 2,
	               4096, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		exit(1);
	}
}
