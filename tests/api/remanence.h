/*
 * remanence: the remanence suite's tools (test_remanence.c): canaries and
 * the files they go in, the purge run for real, the scan of files for them
 * (tests/remanence/scan.py), dumps and restores of a database, and whether a
 * record opens with a given key database.
 */
#ifndef RECRUITD_TEST_REMANENCE_H
#define RECRUITD_TEST_REMANENCE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/xalloc.h"
#include "harness.h"
#include "store/applicants.h"
#include "store/db.h"
#include "unit/fixtures.h"

#define UNUSED __attribute__((unused))

#define PGBIN "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

/* The connection string of database name on the suite's cluster. */
UNUSED static char *
conninfo_of(const char *name)
{
	const char *url = getenv("RECRUITD_DATABASE_URL");
	const char *d = strstr(url, "dbname=");
	assert_non_null(d);
	const char *end = strchr(d, ' ');
	return xasprintf("%.*sdbname=%s%s", (int)(d - url), url, name, end ? end : "");
}

/* A PDF whose one stream is Flate-compressed text holding marker. */
UNUSED static struct blob
pdf_flate(const char *marker)
{
	char text[256];
	unsigned char z[512];
	uLongf zlen = sizeof(z);
	int tlen = snprintf(text, sizeof(text), "BT /F1 12 Tf (%s) Tj ET", marker);
	assert_int_equal(compress(z, &zlen, (const unsigned char *)text, (uLong)tlen), Z_OK);
	struct blob b = fixture_pdf(3000), out;
	char head[128];
	int hlen = snprintf(head, sizeof(head),
	                    "\n1 0 obj << /Length %lu /Filter /FlateDecode >> stream\n", zlen);
	out.len = b.len + (size_t)hlen + zlen + 20;
	out.data = xmalloc(out.len);
	memcpy(out.data, b.data, b.len - 6); /* before its %%EOF */
	size_t at = b.len - 6;
	memcpy(out.data + at, head, (size_t)hlen);
	at += (size_t)hlen;
	memcpy(out.data + at, z, zlen);
	at += zlen;
	memcpy(out.data + at, "\nendstream endobj\n", 18);
	at += 18;
	memcpy(out.data + at, b.data + b.len - 6, 6);
	out.len = at + 6;
	free(b.data);
	return out;
}

struct canaries {
	char tag[16];
	FILE *list; /* what scan.py looks for: the run's tag */
	char *path;
};

/*
 * A canary value: prefix and the run's tag. Every canary carries the tag,
 * so the scan looks for the tag alone (in all its forms): it finds them all,
 * in one short list of patterns. New string.
 */
UNUSED static char *
canary(struct canaries *c, const char *prefix)
{
	char *v = xasprintf("%s%s", prefix, c->tag);
	forbid_in_log(v);
	return v;
}

UNUSED static struct resp *
patch(const char *path, const char *token, const char *body)
{
	return http("PATCH", path, token, "application/merge-patch+json", body, NULL);
}

/* Age every e-mail of the mail folder past RECRUITD_MAIL_DIR_DAYS, then purge for real. */
UNUSED static void
purge_for_real(bool age_mail)
{
	/* every letter queued so far delivered (to the folder) first, so the aging reaches it */
	for (int i = 0; i < 200; i++) {
		char *left =
		    db_value("SELECT count(*) FROM mail_outbox WHERE status = 'pending' AND "
		             "next_attempt_at <= now()",
		             NULL);
		bool done = strcmp(left, "0") == 0;
		free(left);
		if (done)
			break;
		usleep(50 * 1000); /* the mail thread's interval: waiting on it, not on time */
	}
	if (age_mail)
		assert_int_equal(
		    shell("find %s -name '*.eml' -exec touch -d '-8 days' {} +", api_mail_dir()),
		    0);
	struct resp *r = http_json("POST", "/v1/retention/purges", staff.hr, "{\"dry_run\":false}");
	assert_int_equal(r->status, 201);
	resp_free(r);
}

/* scan.py over paths: its exit status (0: no canary anywhere). */
UNUSED static int
scan(const struct canaries *c, const char *paths)
{
	/* the contract test's recordings of requests are the test's own, not the product's */
	return shell("%s/tests/remanence/scan.py --skip /contract/ %s %s", getenv("RECRUITD_HOME"),
	             c->path, paths);
}

UNUSED static void
dump(const char *url, const char *file)
{
	assert_int_equal(shell(PGBIN "/pg_dump -d \"%s\" -f %s", url, file), 0);
}

UNUSED static void
restore(const char *name, const char *file)
{
	shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE IF EXISTS %s' >/dev/null 2>&1",
	      getenv("RECRUITD_DATABASE_URL"), name);
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -c 'CREATE DATABASE %s'",
	                       getenv("RECRUITD_DATABASE_URL"), name),
	                 0);
	char *url = conninfo_of(name);
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -f %s >/dev/null", url, file), 0);
	free(url);
}

/* Whether applicant id opens in the main database url with the key database keys. */
UNUSED static int
opens(const char *url, const char *keys, const char *id)
{
	setenv("RECRUITD_KEYS_DATABASE_URL", keys, 1);
	harness_store_forget(); /* nothing cached */
	(void)harness_store();
	struct db *db = db_connect(url);
	assert_non_null(db);
	json_t *rec = NULL;
	long version;
	int rc = applicants_current(db, id, &rec, &version);
	json_decref(rec);
	db_close(db);
	harness_store_forget();
	return rc;
}

#endif
