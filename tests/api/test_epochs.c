/*
 * API tests for the keyring's epochs (DESIGN "Deletion that reaches
 * everything": key epochs), against the real bin/recruitd, bin/recruitctl,
 * PostgreSQL and key database: a single master key file of old moves into
 * the keyring with the id its rows name; the keyring is refused when others
 * may read it; a rotation killed midway goes on where it stopped, records
 * read throughout, and the epoch before the previous one is destroyed.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/digest.h"
#include "core/fold.h"
#include "harness.h"
#include "store/vault.h"
#include "unit/fixtures.h"

/* The keyring file as it stands: its epochs' ids (oldest first) and key hex, and its mark. */
struct ring {
	int n;
	char id[8][17], key[8][65];
	char rotating[17];
};

static void
read_ring(const char *path, struct ring *r)
{
	FILE *f = fopen(path, "r");
	char line[256];

	memset(r, 0, sizeof(*r));
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "recruitd-keyring 1\n");
	while (fgets(line, sizeof(line), f) != NULL) {
		long long created;
		if (r->n < 8 &&
		    sscanf(line, "epoch %16s %lld %64s", r->id[r->n], &created, r->key[r->n]) == 3)
			r->n++;
		else
			(void)sscanf(line, "rotating %16s", r->rotating);
	}
	fclose(f);
}

static char *
keys_value(PGconn *keys, const char *sql)
{
	PGresult *res = PQexec(keys, sql);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	char *v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

/* A count the key database answers. */
static long
keys_count(PGconn *keys, const char *sql)
{
	char *v = keys_value(keys, sql);
	long n = atol(v);
	free(v);
	return n;
}

/* Every applicant of ids reads back with its name through a freshly started server. */
static void
all_read_back(char **ids, char **names, int n)
{
	api_stop(NULL); /* a new process: nothing cached, every key unwrapped afresh */
	api_start(NULL);
	for (int i = 0; i < n; i++) {
		char *v = record_field(ids[i], "full_name");
		assert_non_null(v);
		assert_string_equal(v, names[i]);
		free(v);
	}
}

/* How many keys of the key database are under epoch id. */
static long
keys_under(PGconn *keys, const char *id)
{
	char *sql = xasprintf("SELECT count(*) FROM data_keys WHERE master = '%s'", id);
	long n = keys_count(keys, sql);
	free(sql);
	return n;
}

/*
 * The master key file of before the keyring moves into it: the same key,
 * named by the same fingerprint the key database's rows carry, so every
 * wrap opens; the old file is removed once the keyring is on disk.
 */
static void
test_master_key_file_moves_into_the_keyring(void **state)
{
	(void)state;
	struct ring now, made;
	unsigned char key[32];
	char *dir = xasprintf("%s/keyring-move-%d", api_mail_dir(), (int)getpid());
	char *master = xasprintf("%s/master.key", dir), *ring = xasprintf("%s/keyring", dir);

	read_ring(getenv("RECRUITD_KEYRING_FILE"), &now);
	assert_int_equal(mkdir(dir, 0700), 0);
	/* the current epoch's key, written as a master key file of old */
	for (int i = 0; i < 32; i++) {
		unsigned v;
		assert_int_equal(sscanf(now.key[now.n - 1] + 2 * i, "%2x", &v), 1);
		key[i] = (unsigned char)v;
	}
	int fd = open(master, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, key, 32), 32);
	close(fd);
	assert_int_equal(shell("RECRUITD_KEYRING_FILE=%s RECRUITD_MASTER_KEY_FILE=%s %s keys init",
	                       ring, master, getenv("RECRUITD_TEST_CTL")),
	                 0);
	struct stat st;
	assert_int_equal(stat(ring, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_not_equal(access(master, F_OK), 0); /* the key lives in the keyring only */
	read_ring(ring, &made);
	assert_int_equal(made.n, 1);
	assert_string_equal(made.id[0], now.id[now.n - 1]); /* what data_keys.master names */
	assert_string_equal(made.key[0], now.key[now.n - 1]);
	assert_string_equal(made.rotating, "");

	/* a keyring others may read is refused, by both programs */
	assert_int_equal(chmod(ring, 0644), 0);
	assert_int_not_equal(shell("RECRUITD_KEYRING_FILE=%s %s keys rotate >/dev/null 2>&1", ring,
	                           getenv("RECRUITD_TEST_CTL")),
	                     0);
	assert_int_not_equal(shell("RECRUITD_KEYRING_FILE=%s timeout 10 %s >/dev/null 2>&1", ring,
	                           getenv("RECRUITD_TEST_BIN")),
	                     0);
	shell("rm -rf %s", dir);
	free(ring);
	free(master);
	free(dir);
}

/*
 * recruitctl keys rotate, killed with the work half done: every record
 * reads meanwhile; run again it goes on under the same new epoch (no third
 * one), ends with every key under it, and a second rotation destroys the
 * epoch the first began from (gone from the keyring file).
 */
static void
test_rotation_resumes_and_destroys_old_epochs(void **state)
{
	(void)state;
	enum { N = 12 };
	char *ids[N], *names[N], tag[32];
	struct ring before, half, after, second;
	unsigned r;

	assert_int_equal(random_bytes(&r, sizeof(r)), 0);
	snprintf(tag, sizeof(tag), "Rot%c%c%c", 'a' + r % 26, 'a' + (r / 26) % 26,
	         'a' + (r / 676) % 26);
	for (int i = 0; i < N; i++) {
		names[i] = xasprintf("Rotate%s %d", tag, i);
		ids[i] = new_staff_applicant("rotate", names[i]);
	}
	const char *ringfile = getenv("RECRUITD_KEYRING_FILE");
	read_ring(ringfile, &before);
	const char *old = before.id[before.n - 1];
	PGconn *keys = PQconnectdb(getenv("RECRUITD_KEYS_DATABASE_URL"));
	assert_int_equal(PQstatus(keys), CONNECTION_OK);
	long total = keys_count(keys, "SELECT count(*) FROM data_keys");
	assert_int_equal(keys_under(keys, old), total);

	/* hold the last row in the rotation's order, so it is killed with work half done */
	PGconn *gate = PQconnectdb(getenv("RECRUITD_KEYS_DATABASE_URL"));
	PQclear(PQexec(gate, "BEGIN"));
	PGresult *g = PQexec(gate, "SELECT 1 FROM data_keys WHERE id = (SELECT max(id) FROM "
	                           "data_keys) FOR UPDATE");
	assert_int_equal(PQresultStatus(g), PGRES_TUPLES_OK);
	PQclear(g);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", 1);
		dup2(null, 1);
		dup2(null, 2);
		execl(getenv("RECRUITD_TEST_CTL"), "recruitctl", "keys", "rotate", "--batch", "1",
		      (char *)NULL);
		_exit(127);
	}
	char *waiting = NULL;
	for (int i = 0; i < 400; i++) {
		free(waiting);
		PGresult *w =
		    PQexec(keys, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
		                 "'Lock' AND query LIKE 'SELECT id, wrapped, master%'");
		waiting = xstrdup(PQgetvalue(w, 0, 0));
		PQclear(w);
		if (strcmp(waiting, "0") != 0)
			break;
		usleep(50000);
	}
	assert_string_not_equal(waiting, "0");
	free(waiting);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	PQclear(PQexec(gate, "ROLLBACK"));
	PQfinish(gate);

	/* half done: a new epoch, marked rotating; every key under it but the one held */
	read_ring(ringfile, &half);
	assert_int_equal(half.n, before.n + 1);
	const char *to = half.id[half.n - 1];
	assert_string_equal(half.rotating, to);
	assert_int_equal(keys_under(keys, old), 1);
	assert_int_equal(keys_under(keys, to), total - 1);
	all_read_back(ids, names, N); /* keys under either epoch open */

	/* a pace that is not a percentage is refused and changes nothing */
	assert_int_equal(
	    shell("%s keys rotate --pace fast >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 2);
	assert_int_equal(
	    shell("%s keys rotate --pace -5 >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 2);
	/* nor one above 1000, nor a batch with letters in it: each says what it takes */
	assert_int_equal(
	    shell("%s keys rotate --pace 5000 >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 2);
	assert_int_equal(shell("%s keys rotate --pace 5000 2>&1 >/dev/null | grep -qx "
	                       "'recruitctl: --pace takes a whole number from 0 to 1000'",
	                       getenv("RECRUITD_TEST_CTL")),
	                 0);
	assert_int_equal(
	    shell("%s keys rotate --batch 10x >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 2);
	assert_int_equal(shell("%s keys rotate --batch 10x 2>&1 >/dev/null | grep -qx "
	                       "'recruitctl: --batch takes a whole number from 1 to 100000'",
	                       getenv("RECRUITD_TEST_CTL")),
	                 0);
	assert_int_equal(keys_under(keys, old), 1);
	/* run again (unpaced, as in a maintenance window): it goes on under the same epoch */
	assert_int_equal(
	    shell("%s keys rotate --pace 0 >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	read_ring(ringfile, &after);
	assert_string_equal(after.id[after.n - 1], to);
	assert_string_equal(after.rotating, "");
	assert_int_equal(after.n, 2); /* the one it began from, kept as the previous */
	assert_string_equal(after.id[0], old);
	assert_int_equal(keys_under(keys, old), 0);
	long all = keys_count(keys, "SELECT count(*) FROM data_keys");
	assert_int_equal(keys_under(keys, to), all);
	all_read_back(ids, names, N);

	/* a second rotation (rotate-master: the old name) destroys the epoch it all began under */
	assert_int_equal(
	    shell("%s keys rotate-master >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	read_ring(ringfile, &second);
	assert_int_equal(second.n, 2);
	assert_string_equal(second.id[0], to);
	assert_string_not_equal(second.id[1], to);
	assert_string_not_equal(second.id[1], old);
	all = keys_count(keys, "SELECT count(*) FROM data_keys");
	assert_int_equal(keys_under(keys, second.id[1]), all);
	all_read_back(ids, names, N);
	for (int i = 0; i < N; i++) {
		free(ids[i]);
		free(names[i]);
	}
	PQfinish(keys);
}

/*
 * A server running through a rotation reads the keyring again: the keys it
 * makes afterwards are wrapped under the new epoch, none under the old.
 */
static void
test_running_server_follows_the_rotation(void **state)
{
	(void)state;
	enum { N = 20 }; /* more than a thread's stash of keys made ahead */
	char *a = new_staff_applicant("follow", "Before Rotation"), *ids[N];
	assert_int_equal(shell("%s keys rotate >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	for (int i = 0; i < N; i++)
		ids[i] = new_staff_applicant("follow", "After Rotation");
	struct ring r;
	read_ring(getenv("RECRUITD_KEYRING_FILE"), &r);
	PGconn *keys = PQconnectdb(getenv("RECRUITD_KEYS_DATABASE_URL"));
	assert_int_equal(PQstatus(keys), CONNECTION_OK);
	long all = keys_count(keys, "SELECT count(*) FROM data_keys");
	assert_int_equal(keys_under(keys, r.id[r.n - 1]), all);
	PQfinish(keys);
	char *v = record_field(ids[N - 1], "full_name");
	assert_string_equal(v, "After Rotation");
	free(v);
	v = record_field(a, "full_name");
	assert_string_equal(v, "Before Rotation");
	free(v);
	for (int i = 0; i < N; i++)
		free(ids[i]);
	free(a);
}

/* The main database's connection of the suite's own, for holding a row. */
static PGconn *
main_conn(void)
{
	PGconn *c = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	return c;
}

/* How many applicants GET /v1/applicants?q=q lists. */
static size_t
found_by(const char *q)
{
	char *path = xasprintf("/v1/applicants?q=%s", q);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	size_t n = json_array_size(json_object_get(r->json, "items"));
	resp_free(r);
	free(path);
	return n;
}

/*
 * The blind indexes rotate with the epochs: a rotation rebuilds every
 * record's hashes under the new epoch's index key; while it runs (here held
 * half done by a record a request holds), a search and the address's
 * uniqueness see records under either epoch; run again, it ends with every
 * record under the new one and its hashes changed.
 */
static void
test_blind_indexes_rotate(void **state)
{
	(void)state;
	char tag[16], name[64];
	unsigned r;
	assert_int_equal(random_bytes(&r, sizeof(r)), 0);
	snprintf(tag, sizeof(tag), "Bx%c%c%c%cz", 'a' + r % 26, 'a' + (r / 26) % 26,
	         'a' + (r / 676) % 26, 'a' + (r / 17576) % 26);
	snprintf(name, sizeof(name), "Held%s Person", tag);
	char *held = new_staff_applicant("blind", name);
	char *email = record_field(held, "email");
	char *other_name = xasprintf("Free%s Person", tag);
	char *other = new_staff_applicant("blind", other_name);
	char *before = db_value("SELECT index_epoch || encode(email_hash, 'hex') FROM applicants "
	                        "WHERE id = $1",
	                        held);

	/* a request holds the record: the rotation's rebuild skips it, and stops unfinished */
	PGconn *gate = main_conn();
	const char *p[1] = {held};
	PQclear(PQexec(gate, "BEGIN"));
	PGresult *g = PQexecParams(gate, "SELECT 1 FROM applicants WHERE id = $1 FOR UPDATE", 1,
	                           NULL, p, NULL, NULL, 0);
	assert_int_equal(PQntuples(g), 1);
	PQclear(g);
	assert_int_not_equal(
	    shell("%s keys rotate --batch 2 >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	struct ring half;
	read_ring(getenv("RECRUITD_KEYRING_FILE"), &half);
	assert_string_equal(half.rotating, half.id[half.n - 1]);
	PQclear(PQexec(gate, "ROLLBACK"));
	PQfinish(gate);
	char *sql = xasprintf("SELECT index_epoch FROM applicants WHERE id = $1");
	char *e1 = db_value(sql, held), *e2 = db_value(sql, other);
	assert_string_equal(e1, half.id[half.n - 2]); /* still under the previous epoch */
	assert_string_equal(e2, half.id[half.n - 1]); /* already under the new one */

	/* both are found meanwhile, by a search and by the address */
	char *q = xasprintf("%s", tag);
	assert_int_equal(found_by(q), 2);
	char *body = xasprintf("{\"full_name\":\"Someone Else\",\"email\":\"%s\"}", email);
	struct resp *c = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(c->status, 409);
	resp_free(c);

	/* run again: it goes on, and ends with both under the new epoch, hashed anew */
	assert_int_equal(shell("%s keys rotate >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	struct ring done;
	read_ring(getenv("RECRUITD_KEYRING_FILE"), &done);
	assert_string_equal(done.rotating, "");
	assert_string_equal(done.id[done.n - 1], half.id[half.n - 1]);
	free(e1);
	e1 = db_value(sql, held);
	assert_string_equal(e1, done.id[done.n - 1]);
	char *after = db_value("SELECT index_epoch || encode(email_hash, 'hex') FROM applicants "
	                       "WHERE id = $1",
	                       held);
	assert_string_not_equal(after, before);
	assert_int_equal(found_by(q), 2);
	c = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(c->status, 409);
	resp_free(c);
	free(body);
	free(q);
	free(after);
	free(before);
	free(e1);
	free(e2);
	free(sql);
	free(other);
	free(other_name);
	free(email);
	free(held);
}

/*
 * The suppression list's secret leaves the main database for the keyring
 * (recruitctl keys seal-existing), and an address suppressed under it
 * before stays suppressed; the rate limits' secret is gone from it too.
 */
static void
test_suppression_secret_moves_to_the_keyring(void **state)
{
	(void)state;
	expect_db_value("SELECT count(*) FROM server_secrets WHERE name = 'rate-limit'", NULL, "0");
	char *email = unique_email("suppressed");
	char *has =
	    db_value("SELECT count(*) FROM server_secrets WHERE name = 'suppression'", NULL);
	bool first = strcmp(has, "1") == 0;
	free(has);
	if (first) /* a first run: an entry made as before, under that secret */
		db_exec_sql(
		    "INSERT INTO suppressions (key_sha256, reason) SELECT "
		    "encode(sha256(secret || convert_to(lower($1), 'UTF8')), 'hex'), 'erased' "
		    "FROM server_secrets WHERE name = 'suppression'",
		    email);
	assert_int_equal(
	    shell("%s keys seal-existing >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);
	/* the secrets of the hashes that name people are gone from the main database (the
	 * employee contact key, of main's issue 28 merge, is still there: a gap, privacy.md) */
	expect_db_value("SELECT count(*) FROM server_secrets WHERE name IN ('suppression', "
	                "'rate-limit')",
	                NULL, "0");
	char *grep =
	    xasprintf("grep -q '^legacy-suppression ' %s", getenv("RECRUITD_KEYRING_FILE"));
	assert_int_equal(shell("%s", grep), 0);
	free(grep);
	if (first) { /* still suppressed, by the secret now in the keyring */
		char *body = xasprintf("{\"full_name\":\"Back Again\",\"email\":\"%s\"}", email);
		struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
		assert_problem(r, 409, "suppressed");
		resp_free(r);
		free(body);
	}
	/* an address opting out now is kept under the keyring's suppression key */
	char *out = unique_email("optout");
	char *body = xasprintf("{\"type\":\"opt_out\",\"email\":\"%s\"}", out);
	struct resp *r = http_json("POST", "/v1/privacy-requests", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(body);
	(void)harness_store();
	char *folded = fold_email(out), keyed[65];
	vault_suppression_hash(folded, keyed);
	expect_db_value("SELECT count(*) FROM suppressions WHERE key_sha256 = $1", keyed, "1");
	harness_store_forget();
	free(folded);
	free(out);
	free(email);
}

static int
setup(void **state)
{
	(void)state;
	return api_start(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_master_key_file_moves_into_the_keyring),
	    cmocka_unit_test(test_rotation_resumes_and_destroys_old_epochs),
	    cmocka_unit_test(test_running_server_follows_the_rotation),
	    cmocka_unit_test(test_blind_indexes_rotate),
	    cmocka_unit_test(test_suppression_secret_moves_to_the_keyring),
	};
	return cmocka_run_group_tests(tests, setup, api_stop);
}
