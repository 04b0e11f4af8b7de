/*
 * privacy_suppression: the suppression list (privacy.h's privacy_suppress,
 * privacy_suppressed, privacy_unsuppress, privacy_move_suppression_secret):
 * an erased or opted-out address kept as a keyed hash, never the address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fold.h"
#include "store/db.h"
#include "store/privacy.h"
#include "store/vault.h"

#include "sealing.h"

/*
 * An entry of the suppression list is HMAC-SHA256 of the folded address
 * (core/fold.h) under the keyring's suppression key, which never rotates
 * (an erased or opted-out address stays suppressed) and never lives in
 * this database ($1, 64 hex digits, computed by the caller). Entries of
 * before are SHA-256 over the secret of before ($4: kept in the keyring
 * once `recruitctl keys seal-existing` has moved it there, or still in
 * server_secrets until then) and the folded address, or PostgreSQL's
 * lower() of the address as given for the oldest (the same for ASCII); they
 * are still found (never rewritten: the list holds no address to rehash).
 */
#define LEGACY_SECRET                                                                              \
	"coalesce($4::bytea, (SELECT s.secret FROM server_secrets s WHERE s.name = "               \
	"'suppression'))"
#define LEGACY_KEY(v) "encode(sha256(" LEGACY_SECRET " || convert_to(" v ", 'UTF8')), 'hex')"
#define SUPPRESSION_KEYS "($1, " LEGACY_KEY("$5::text") ", " LEGACY_KEY("lower($3)") ")"

static struct db_stmt suppress =
    DB_STMT("INSERT INTO suppressions (key_sha256, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING");

int
privacy_suppress(struct db *db, const char *email, const char *reason)
{
	char *folded = fold_email(email), keyed[65];
	vault_suppression_hash(folded, keyed);
	const char *params[2] = {keyed, reason};
	int rc = db_do(db, &suppress, 2, params);

	free(folded);
	return rc;
}

/* The statement's parameters: $1 the keyed hash, $3 the address, $4 the secret of before. */
struct suppression_params {
	char keyed[65], *folded, *secret;
	const char *v[5];
};

static void
suppression_params_init(struct suppression_params *sp, const char *email, const char *reason)
{
	unsigned char legacy[32];

	sp->folded = fold_email(email);
	vault_suppression_hash(sp->folded, sp->keyed);
	sp->secret = vault_legacy_suppression(legacy) ? sealing_bytea_format(legacy, 32) : NULL;
	explicit_bzero(legacy, sizeof(legacy));
	sp->v[0] = sp->keyed;
	sp->v[1] = reason;
	sp->v[2] = email;
	sp->v[3] = sp->secret;
	sp->v[4] = sp->folded;
}

static void
suppression_params_fini(struct suppression_params *sp)
{
	if (sp->secret != NULL)
		explicit_bzero(sp->secret, strlen(sp->secret));
	free(sp->secret);
	free(sp->folded);
}

static struct db_stmt suppressed =
    DB_STMT("SELECT EXISTS (SELECT 1 FROM suppressions WHERE key_sha256 IN " SUPPRESSION_KEYS
            " AND reason = $2)");

int
privacy_suppressed(struct db *db, const char *email, const char *reason)
{
	struct suppression_params sp;
	suppression_params_init(&sp, email, reason);
	PGresult *res = db_run(db, &suppressed, 5, sp.v);
	int rc;

	suppression_params_fini(&sp);
	if (res == NULL)
		return -1;
	rc = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return rc;
}

static struct db_stmt unsuppress =
    DB_STMT("DELETE FROM suppressions WHERE key_sha256 IN " SUPPRESSION_KEYS " AND reason = $2");

int
privacy_unsuppress(struct db *db, const char *email, const char *reason)
{
	struct suppression_params sp;
	suppression_params_init(&sp, email, reason);
	int rc = db_do(db, &unsuppress, 5, sp.v);

	suppression_params_fini(&sp);
	return rc;
}

static struct db_stmt legacy_secret =
    DB_STMT("SELECT encode(secret, 'hex') FROM server_secrets WHERE name = 'suppression'");
static struct db_stmt drop_legacy_secret =
    DB_STMT("DELETE FROM server_secrets WHERE name = 'suppression'");

int
privacy_move_suppression_secret(struct db *db, char *err, size_t errlen)
{
	unsigned char secret[32];
	PGresult *row;
	int rc = db_row(db, &legacy_secret, 0, NULL, &row);

	if (rc != 0)
		return rc < 0 ? -1 : 0; /* moved before, or never made */
	const char *hex = PQgetvalue(row, 0, 0);
	bool whole = strlen(hex) == 64;
	for (int i = 0; i < 32 && rc == 0 && whole; i++)
		rc = sscanf(hex + 2 * i, "%2hhx", &secret[i]) == 1 ? 0 : -1;
	PQclear(row);
	if (rc != 0 || !whole) {
		snprintf(err, errlen, "the suppression secret of before is not 32 bytes");
		rc = -1;
	} else if ((rc = vault_keep_legacy_suppression(secret, err, errlen)) == 0) {
		/* every process looks at the keyring at least once a second: once all have the
		 * secret from there, it may leave here (a once-only step of an operator's command)
		 */
		sleep(2);
		rc = db_do(db, &drop_legacy_secret, 0, NULL);
	}
	explicit_bzero(secret, sizeof(secret));
	return rc;
}
