/*
 * recruitctl: the operator's command line. Each command is a row in a
 * table; output meant for scripts goes to stdout, messages to stderr, and
 * the exit status is 0 on success, 1 on failure, 2 on bad usage.
 */
#include <curl/curl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/digest.h"
#include "core/hygiene.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/transfer.h"
#include "flows/flow.h"
#include "flows/hiring.h"
#include "flows/purging.h"
#include "jobs/mail.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/evaluations.h"
#include "store/keys.h"
#include "store/migrate.h"
#include "store/privacy.h"
#include "store/rotation.h"
#include "store/vault.h"

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

/* Open the data keys (keyring, key database) or exit. */
static void
vault_or_die(struct ctx *c)
{
	char err[256];

	if (vault_open(c->cfg.keyring_file, c->cfg.master_key_file, c->cfg.keys_database_url, 2,
	               4096, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		exit(1);
	}
}

/* Both databases: the main one (db/migrations) and the key database (db/keys). */
static int
cmd_migrate(struct ctx *c)
{
	const char *dir = getenv("RECRUITD_MIGRATIONS");
	const char *home = c->cfg.home ? c->cfg.home : ".";
	char *path = dir ? xstrdup(dir) : xasprintf("%s/db/migrations", home);
	char *keys = xasprintf("%s/db/keys", home);
	struct db *db = connect_or_die(c);
	int rc = migrate_run(db, path, stderr);

	db_close(db);
	if (rc == 0 && !dir)
		rc = vault_migrate(c->cfg.keys_database_url, keys);
	free(path);
	free(keys);
	return rc == 0 ? 0 : 1;
}

static int
cmd_keys_init(struct ctx *c)
{
	char err[256];

	if (c->argc != 0) {
		fprintf(stderr, "usage: recruitctl keys init\n");
		return 2;
	}
	if (vault_init_keyring(c->cfg.keyring_file, c->cfg.master_key_file, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		return 1;
	}
	return 0;
}

/* The value of --batch, or def. */
static int
batch_flag(struct ctx *c, int def)
{
	const char *b = flag(c, "--batch");
	long n = b ? strtol(b, NULL, 10) : def;
	return n >= 1 && n <= 100000 ? (int)n : -1;
}

static int
cmd_keys_rotate(struct ctx *c)
{
	int batch = batch_flag(c, 1000);

	if (batch < 0 || (c->argc != 0 && c->argc != 2)) {
		fprintf(stderr, "usage: recruitctl keys rotate [--batch N]\n");
		return 2;
	}
	vault_or_die(c);
	struct db *db = connect_or_die(c);
	int rc = rotation_run(db, (unsigned)batch, stderr);
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}

/* The blind indexes of a restored main database rebuilt under the current epoch. */
static int
cmd_keys_reindex(struct ctx *c)
{
	int batch = batch_flag(c, 1000);

	if (batch < 0 || (c->argc != 0 && c->argc != 2)) {
		fprintf(stderr, "usage: recruitctl keys reindex [--batch N]\n");
		return 2;
	}
	vault_or_die(c);
	struct db *db = connect_or_die(c);
	int rc = rotation_reindex(db, (unsigned)batch, stderr);
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}

/*
 * Seal what was stored before the data keys, batch by batch, each batch a
 * transaction of its own that skips rows a request holds: safe with the API
 * up, and killed midway, run again it goes on. --max-batches stops early
 * (for tests of just that).
 */
static int
cmd_keys_seal(struct ctx *c)
{
	static const struct {
		const char *what;
		int (*batch)(struct db *, int, long *);
	} passes[] = {{"applicants", applicants_seal_batch},
	              {"applicants' free text", applicants_seal_free_text_batch},
	              {"documents", documents_seal_batch},
	              {"evaluations", evaluations_seal_batch}};
	int batch = batch_flag(c, 200);
	const char *m = flag(c, "--max-batches");
	long max = m ? strtol(m, NULL, 10) : -1, batches = 0;
	int rc = 0;

	if (batch < 0 || (m && max < 1) || c->argc % 2 != 0 || c->argc > 4) {
		fprintf(stderr,
		        "usage: recruitctl keys seal-existing [--batch N] [--max-batches N]\n");
		return 2;
	}
	vault_or_die(c);
	struct db *db = connect_or_die(c);
	for (size_t p = 0; rc == 0 && p < sizeof(passes) / sizeof(passes[0]); p++) {
		long total = 0, n = 1;
		while (rc == 0 && n > 0 && (max < 0 || batches < max)) {
			if ((rc = passes[p].batch(db, batch, &n)) == 0 && n > 0) {
				total += n;
				batches++;
			}
		}
		fprintf(stderr, "%s: %ld sealed%s\n", passes[p].what, total,
		        rc != 0 ? " (then the database failed)" : "");
	}
	/* what the main database kept of the keys' secrets, and indexes of before the epochs */
	char err[256];
	if (rc == 0 && max < 0 && privacy_move_suppression_secret(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitctl: %s\n", err);
		rc = -1;
	}
	if (rc == 0 && max < 0)
		rc = rotation_reindex(db, (unsigned)batch, stderr);
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}

static int
cmd_key_create(struct ctx *c)
{
	const char *role_s = flag(c, "--role"), *name = flag(c, "--name");
	enum role role = role_s ? role_parse(role_s) : ROLE_NONE;
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

/*
 * A flow for one of recruitctl's commands on db: the operator acts with
 * hr's reach, named "recruitctl" in every audit entry.
 */
static struct flow
operator_flow(struct ctx *c, struct db *db, struct actor *who, const char *request_id,
              struct problem *p)
{
	*who = (struct actor){.role = ROLE_HR, .name = "recruitctl"};
	problem_init(p);
	return (struct flow){
	    .db = db, .cfg = &c->cfg, .who = who, .request_id = request_id, .problem = p};
}

static int
cmd_employee_export(struct ctx *c)
{
	struct hiring_archive a;
	struct problem p;
	struct actor who;
	struct db *db;
	FILE *f;
	int rc = 1;

	if (c->argc != 2) {
		fprintf(stderr, "usage: recruitctl employee export ID FILE\n");
		return 2;
	}
	if (!is_uuid(c->argv[0])) {
		fprintf(stderr, "no employee %s\n", c->argv[0]);
		return 1;
	}
	db = connect_or_die(c);
	/* the same audited read as the API's download: every read of an archive, through any door
	 */
	char request_id[37];
	if (uuid_v4(request_id) != 0) {
		fprintf(stderr, "no randomness available for a request id\n");
		db_close(db);
		return 1;
	}
	struct flow fl = operator_flow(c, db, &who, request_id, &p);
	if (hiring_download(&fl, c->argv[0], &a) != 0) {
		if (p.status == 404)
			fprintf(stderr, "no employee %s\n", c->argv[0]);
		else
			fprintf(stderr, "cannot read the archive: %s", db_message(db));
		problem_fini(&p);
		db_close(db);
		return 1;
	}
	if ((f = fopen(c->argv[1], "wb")) != NULL) {
		bool written = fwrite(a.bytes, 1, a.len, f) == a.len;
		rc = fclose(f) == 0 && written ? 0 : 1;
	}
	if (rc == 0)
		fprintf(stderr, "wrote %zu bytes to %s\n", a.len, c->argv[1]);
	else
		fprintf(stderr, "cannot write %s\n", c->argv[1]);
	a.release(a.owner);
	problem_fini(&p);
	db_close(db);
	return rc;
}

static int
cmd_employee_verify(struct ctx *c)
{
	char err[512];
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	if (c->argc != 1) {
		fprintf(stderr, "usage: recruitctl employee verify FILE\n");
		return 2;
	}
	if ((f = fopen(c->argv[0], "rb")) == NULL) {
		fprintf(stderr, "cannot read %s\n", c->argv[0]);
		return 1;
	}
	do {
		if (len == cap)
			data = xrealloc(data, cap = cap ? 2 * cap : 1 << 20);
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	int rc = transfer_verify(data, len, err, sizeof(err));
	free(data);
	if (rc != 0) {
		printf("FAILED: %s\n", err);
		return 1;
	}
	printf("OK: every file matches the manifest\n");
	return 0;
}

static int
cmd_purge(struct ctx *c)
{
	bool dry = c->argc == 1 && strcmp(c->argv[0], "--dry-run") == 0;
	struct problem p;
	struct actor who;
	struct db *db;
	json_t *report;

	if (c->argc > 1 || (c->argc == 1 && !dry)) {
		fprintf(stderr, "usage: recruitctl purge [--dry-run]\n");
		return 2;
	}
	vault_or_die(c);
	db = connect_or_die(c);
	/* the same engine as POST /v1/retention/purges (and the scheduler) */
	struct flow fl = operator_flow(c, db, &who, NULL, &p);
	if (purging_run(&fl, dry, &report) != 0) {
		fprintf(stderr, "purge failed: %s",
		        db_message(db)[0] ? db_message(db) : "the database failed\n");
		problem_fini(&p);
		db_close(db);
		return 1;
	}
	char *text = json_dumps(report, JSON_INDENT(2));
	printf("%s\n", text);
	fprintf(stderr, "%s: examined %lld, expired %lld, held %lld, purged %lld\n",
	        dry ? "dry run" : "purge", json_integer_value(json_object_get(report, "examined")),
	        json_integer_value(json_object_get(report, "expired")),
	        json_integer_value(json_object_get(report, "held")),
	        json_integer_value(json_object_get(report, "purged")));
	free(text);
	json_decref(report);
	problem_fini(&p);
	db_close(db);
	return 0;
}

static int
cmd_mail_deliver(struct ctx *c)
{
	struct mail_counts n = {0};
	struct db *db;
	int rc;

	if (c->argc != 0) {
		fprintf(stderr, "usage: recruitctl mail deliver\n");
		return 2;
	}
	vault_or_die(c); /* the messages are sealed */
	db = connect_or_die(c);
	rc = mail_deliver(db, &c->cfg, &n);
	fprintf(stderr, "mail: sent %ld, to try again %ld, given up %ld%s\n", n.sent, n.retried,
	        n.given_up, rc == 0 ? "" : " (the database failed)");
	db_close(db);
	vault_close();
	return rc == 0 ? 0 : 1;
}

static const struct command {
	const char *words[2];
	int (*run)(struct ctx *c);
	const char *usage;
} commands[] = {
    {{"migrate", NULL}, cmd_migrate, "migrate"},
    {{"purge", NULL}, cmd_purge, "purge [--dry-run]"},
    {{"keys", "init"}, cmd_keys_init, "keys init"},
    {{"keys", "rotate"}, cmd_keys_rotate, "keys rotate [--batch N]"},
    {{"keys", "rotate-master"}, cmd_keys_rotate, "keys rotate-master [--batch N]"},
    {{"keys", "reindex"}, cmd_keys_reindex, "keys reindex [--batch N]"},
    {{"keys", "seal-existing"}, cmd_keys_seal, "keys seal-existing [--batch N] [--max-batches N]"},
    {{"staff-key", "create"}, cmd_key_create, "staff-key create --role recruiter|hr --name NAME"},
    {{"staff-key", "list"}, cmd_key_list, "staff-key list"},
    {{"staff-key", "revoke"}, cmd_key_revoke, "staff-key revoke NAME"},
    /* the names before staff-key, one letter from keys: kept for one release */
    {{"key", "create"}, cmd_key_create, NULL},
    {{"key", "list"}, cmd_key_list, NULL},
    {{"key", "revoke"}, cmd_key_revoke, NULL},
    {{"employee", "export"}, cmd_employee_export, "employee export ID FILE"},
    {{"employee", "verify"}, cmd_employee_verify, "employee verify FILE"},
    {{"mail", "deliver"}, cmd_mail_deliver, "mail deliver"},
};

static int
usage(void)
{
	fprintf(stderr, "usage: recruitctl COMMAND\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].usage != NULL)
			fprintf(stderr, "  recruitctl %s\n", commands[i].usage);
	fprintf(stderr, "See recruitctl(1): man -l man/recruitctl.1\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	char err[256];

	setlocale(LC_CTYPE, "C.UTF-8"); /* libarchive converts file names through it */
	curl_global_init(CURL_GLOBAL_DEFAULT);
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
		hygiene_no_core_dumps(c.cfg.allow_core_dumps); /* it reads keys too */
		if (cmd->usage == NULL)
			fprintf(stderr,
			        "recruitctl: \"%s %s\" is now \"staff-key %s\"; the old name "
			        "goes in the next release\n",
			        argv[1], argv[2], argv[2]);
		c.argc = argc - 1 - words;
		c.argv = argv + 1 + words;
		int rc = cmd->run(&c);
		config_fini(&c.cfg);
		return rc;
	}
	return usage();
}
