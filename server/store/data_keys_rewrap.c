/*
 * data_keys_rewrap: a rotation's re-wrap of every data key under the new
 * epoch (data_keys.h's data_keys_rewrap), batch by batch, each written
 * back in one statement, paced (vault.h's vault_rotation_pace).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "store/vault.h"

#include "data_keys.h"
#include "keyring.h"
#include "sealing.h"

/*
 * The next batch after the key id $3, in id order: a pass walks the index
 * once (from the start each time, it stepped over every key re-wrapped
 * before: at a million applicants a rotation slowed to 1,100 keys a second).
 */
static struct db_stmt batch_to_rewrap =
    DB_STMT("SELECT id, wrapped, master FROM data_keys WHERE master <> $1 AND id > $3 "
            "ORDER BY id LIMIT $2::int FOR UPDATE");
/* A batch written back in one statement: $1 the ids, $2 the new wrappings, $4 the old epochs. */
static struct db_stmt rewrap =
    DB_STMT("UPDATE data_keys d SET wrapped = v.w, master = $3 "
            "FROM unnest($1::text[], $2::bytea[], $4::text[]) AS v(id, w, m) "
            "WHERE d.id = v.id AND d.master = v.m");

/* Row r of a batch (owner, wrapped, master) wrapped again under to_id and added to nk: 0 or -1. */
static int
rewrap_row(const PGresult *res, int r, const char *to_id, struct new_keys *nk)
{
	const char *owner = PQgetvalue(res, r, 0), *from = PQgetvalue(res, r, 2);
	unsigned char w[SEAL_WRAPPED_LEN + 1], out[SEAL_WRAPPED_LEN];
	size_t wlen;

	if (sealing_bytea_parse(PQgetvalue(res, r, 1), w, sizeof(w), &wlen) != 0 ||
	    keyring_rewrap(owner, from, to_id, w, wlen, out) != 0) {
		fprintf(stderr,
		        "recruitctl: a key is wrapped under an epoch not in the keyring (%s); "
		        "stopping\n",
		        from);
		return -1;
	}
	new_keys_push(nk, owner, out, from);
	return nk->failed ? -1 : 0;
}

/*
 * One batch after the key id *after, in a transaction of its own: how many
 * rows it re-wrapped (0: none left after it), or -1; *after moves to the
 * batch's last id.
 */
static int
rewrap_batch(struct db *db, const char *to_id, const char *limit, char **after)
{
	const char *params[3] = {to_id, limit, *after};
	struct new_keys nk;
	PGresult *res;
	int rows, rc = 0;

	if (db_begin(db) != 0 || (res = db_run(db, &batch_to_rewrap, 3, params)) == NULL)
		return -1;
	new_keys_init(&nk);
	rows = PQntuples(res);
	for (int r = 0; rc == 0 && r < rows; r++)
		rc = rewrap_row(res, r, to_id, &nk);
	if (rows > 0) {
		free(*after);
		*after = xstrdup(PQgetvalue(res, rows - 1, 0));
	}
	PQclear(res);
	if (rc == 0 && rows > 0) {
		char *o = xasprintf("{%s}", nk.owners.data),
		     *w = xasprintf("{%s}", nk.wrapped.data),
		     *m = xasprintf("{%s}", nk.masters.data);
		rc = db_do(db, &rewrap, 4, (const char *[]){o, w, to_id, m}) < 0 ? -1 : 0;
		free(o);
		free(w);
		free(m);
	}
	new_keys_fini(&nk);
	if (rc != 0 || rows == 0) {
		db_rollback(db);
		return rc;
	}
	return db_exec(db, "COMMIT") == 0 ? rows : -1;
}

static atomic_uint pace = 300; /* recruitctl keys rotate --pace; the scheduler keeps it */

void
vault_rotation_pace(unsigned percent)
{
	atomic_store(&pace, percent);
}

void
vault_rotation_pause(long long since)
{
	long long took = clock_ms() - since;

	clock_pace(clock_ms(), (long)(took * atomic_load(&pace) / 100));
}

/*
 * Passes over the keys in id order until one finds nothing to re-wrap: the
 * second finds only keys a process made under the epoch before while it had
 * not yet heard of the rotation.
 */
int
data_keys_rewrap(const char *to_id, unsigned batch, long *done)
{
	struct db *db = data_keys_acquire();
	char limit[16];
	int rows = 0;
	long pass;

	if (db == NULL)
		return -1;
	snprintf(limit, sizeof(limit), "%u", batch);
	do {
		char *after = xstrdup("");
		pass = 0;
		long long t0 = clock_ms();
		while ((rows = rewrap_batch(db, to_id, limit, &after)) > 0) {
			pass += rows;
			vault_rotation_pause(t0);
			t0 = clock_ms();
		}
		free(after);
		*done += pass;
	} while (rows == 0 && pass > 0);
	data_keys_release(db);
	return rows;
}
