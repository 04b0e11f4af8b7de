/*
 * ctl.h: what recruitctl's command files share (server/main/ctl.c; recruitctl.c,
 * ctl_keys.c).
 */
#ifndef RECRUITD_MAIN_CTL_H
#define RECRUITD_MAIN_CTL_H

#include "core/config.h"

struct db;

struct ctx {
	struct config cfg;
	int argc;
	char **argv; /* after the command words */
};

/* The main database, or exit. */
struct db *connect_or_die(struct ctx *c);

/* The value of --flag among the arguments, or NULL. */
const char *flag(struct ctx *c, const char *name);

/* Open the data keys (keyring, key database) or exit. */
void vault_or_die(struct ctx *c);

/* recruitctl keys init | rotate | rotate-master | reindex | seal-existing (ctl_keys.c) */
int cmd_keys_init(struct ctx *c);
int cmd_keys_rotate(struct ctx *c);
int cmd_keys_reindex(struct ctx *c);
int cmd_keys_seal(struct ctx *c);

#endif
