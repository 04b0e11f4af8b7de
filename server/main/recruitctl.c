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

#include "core/clock.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/hygiene.h"
#include "core/page.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/member.h"
#include "domain/transfer.h"
#include "flows/flow.h"
#include "flows/hiring.h"
#include "flows/purging.h"
#include "flows/staffing.h"
#include "jobs/mail.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/keys.h"
#include "store/migrate.h"
#include "store/staff.h"
#include "store/vault.h"

#include "ctl.h"

static const char *
env(const char *name)
{
	return getenv(name);
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

/* Whether --name (a flag without a value) is among the arguments. */
static bool
has_flag(struct ctx *c, const char *name)
{
	for (int i = 0; i < c->argc; i++)
		if (strcmp(c->argv[i], name) == 0)
			return true;
	return false;
}

/* The active member at email, for a key of theirs: 0 with *who, or 1 (said on stderr). */
static int
member_of(struct db *db, const char *email, struct staff_who *who)
{
	char *folded = fold_email(email);
	int rc = staff_find_email(db, folded, who);

	free(folded);
	if (rc < 0)
		fprintf(stderr, "cannot read the staff directory: %s", db_message(db));
	else if (rc > 0 || !who->active)
		fprintf(stderr, "no active member of the staff directory has this address\n");
	return rc == 0 && who->active ? 0 : 1;
}

static int
cmd_key_create(struct ctx *c)
{
	const char *role_s = flag(c, "--role"), *name = flag(c, "--name"),
	           *email = flag(c, "--member");
	bool replace = has_flag(c, "--replace");
	enum role role = role_s ? role_parse(role_s) : ROLE_NONE;
	char token[TOKEN_MAX_LEN], made[65];
	struct staff_who who;
	struct db *db;
	int rc;

	if ((role_s && role == ROLE_NONE) || (!role_s && !email) || name == NULL ||
	    c->argc != 2 * ((role_s != NULL) + 1 + (email != NULL)) + replace) {
		fprintf(stderr,
		        "usage: recruitctl staff-key create --role recruiter|hr --name NAME "
		        "[--member EMAIL] [--replace]\n");
		return 2;
	}
	if (!keys_is_name(name) || (replace && strlen(name) > 44)) {
		fprintf(stderr, "a key name is 1 to 64 of A-Z a-z 0-9 . _ - (44 with --replace)\n");
		return 2;
	}
	db = connect_or_die(c);
	if (email != NULL && (rc = member_of(db, email, &who)) == 0 && role_s && role != who.role) {
		fprintf(stderr, "the member's role is %s: their keys have it\n",
		        role_name(who.role));
		rc = 1;
	}
	if (email != NULL && rc != 0) {
		db_close(db);
		return 1;
	}
	if (email != NULL)
		role = who.role;
	if (replace) {
		rc = keys_replace(db, role, name, email ? who.id : NULL, token, made);
		if (rc == 0) {
			fprintf(stderr, "key %s made; earlier keys named %s revoked\n", made, name);
			clock_pace(clock_ms(), AUTH_KEPT_MS); /* refused everywhere on return */
		}
	} else {
		rc = keys_create_for(db, role, name, email ? who.id : NULL, token);
	}
	db_close(db);
	if (rc != 0)
		return 1;
	printf("%s\n", token);
	explicit_bzero(token, sizeof(token));
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
	if (rc == 0) {
		clock_pace(clock_ms(), AUTH_KEPT_MS); /* refused everywhere on return */
		fprintf(stderr, "revoked %s\n", c->argv[0]);
	}
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

/*
 * staff add: a member of the staff directory, through the same flow as
 * POST /v1/staff (audited as recruitctl). Prints the member's id.
 * --exists-ok: an address already in the directory is no failure (make run).
 */
static int
cmd_staff_add(struct ctx *c)
{
	const char *email = flag(c, "--email"), *name = flag(c, "--name"),
	           *role = flag(c, "--role");
	bool exists_ok = has_flag(c, "--exists-ok");
	char request_id[37];
	struct problem p;
	struct actor who;
	bool replayed;
	json_t *member;
	int rc = 0;

	if (!email || !name || !role || c->argc != 6 + exists_ok) {
		fprintf(stderr, "usage: recruitctl staff add --email EMAIL --name NAME --role "
		                "recruiter|hr [--exists-ok]\n");
		return 2;
	}
	json_t *doc = json_pack("{s:s, s:s, s:s}", "email", email, "name", name, "role", role);
	problem_init(&p);
	if (!member_validate(doc, &p)) {
		fprintf(stderr,
		        "recruitctl: an e-mail address, a name and recruiter or hr, please\n");
		problem_fini(&p);
		json_decref(doc);
		return 2;
	}
	problem_fini(&p);
	if (uuid_v4(request_id) != 0) /* no randomness: the audit entry goes without an id */
		request_id[0] = '\0';
	struct db *db = connect_or_die(c);
	struct flow fl = operator_flow(c, db, &who, request_id, &p);
	if (staffing_create(&fl, doc, NULL, &member, &replayed) == 0) {
		printf("%s\n", json_string_value(json_object_get(member, "id")));
		json_decref(member);
	} else if (p.status == 409 && exists_ok) {
		fprintf(stderr, "the address is in the staff directory already\n");
	} else {
		fprintf(stderr, "cannot add the member: %s\n", p.detail);
		rc = 1;
	}
	problem_fini(&p);
	json_decref(doc);
	db_close(db);
	return rc;
}

/* staff list: every member, tab-separated (id, email, name, role, active), newest first. */
static int
cmd_staff_list(struct ctx *c)
{
	struct page_want want = {"infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff", 200};
	struct page_of page = {0};
	struct db *db;
	int rc = 0;

	if (c->argc != 0) {
		fprintf(stderr, "usage: recruitctl staff list\n");
		return 2;
	}
	db = connect_or_die(c);
	printf("ID\tEMAIL\tNAME\tROLE\tACTIVE\n");
	do {
		if (staff_page(db, &want, &page) != 0) {
			fprintf(stderr, "cannot list the staff: %s", db_message(db));
			rc = 1;
			break;
		}
		size_t i;
		json_t *m;
		json_array_foreach(page.items, i, m)
		    printf("%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(m, "id")),
		           json_string_value(json_object_get(m, "email")),
		           json_string_value(json_object_get(m, "name")),
		           json_string_value(json_object_get(m, "role")),
		           json_is_true(json_object_get(m, "active")) ? "yes" : "no");
		want.k1 = page.k1;
		want.k2 = page.k2;
		page_fini(&page); /* keeps k1, k2 and more */
	} while (page.more);
	db_close(db);
	return rc;
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
	/* a dry run unless --confirm; --dry-run says so explicitly */
	bool confirm = c->argc == 1 && strcmp(c->argv[0], "--confirm") == 0, dry = !confirm;
	struct problem p;
	struct actor who;
	struct db *db;
	json_t *report;

	if (c->argc > 1 || (c->argc == 1 && !confirm && strcmp(c->argv[0], "--dry-run") != 0)) {
		fprintf(stderr, "usage: recruitctl purge [--confirm | --dry-run]\n");
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
    {{"purge", NULL}, cmd_purge, "purge [--confirm | --dry-run]"},
    {{"keys", "init"}, cmd_keys_init, "keys init"},
    {{"keys", "rotate"}, cmd_keys_rotate, "keys rotate [--batch N] [--pace PERCENT]"},
    {{"keys", "rotate-master"}, cmd_keys_rotate, "keys rotate-master [--batch N] [--pace PERCENT]"},
    {{"keys", "reindex"}, cmd_keys_reindex, "keys reindex [--batch N]"},
    {{"keys", "seal-existing"}, cmd_keys_seal, "keys seal-existing [--batch N] [--max-batches N]"},
    {{"staff", "add"},
     cmd_staff_add,
     "staff add --email EMAIL --name NAME --role recruiter|hr [--exists-ok]"},
    {{"staff", "list"}, cmd_staff_list, "staff list"},
    {{"staff-key", "create"},
     cmd_key_create,
     "staff-key create --role recruiter|hr --name NAME [--member EMAIL] [--replace]"},
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
