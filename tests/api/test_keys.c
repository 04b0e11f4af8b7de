/*
 * API tests for the per-applicant data keys (DESIGN "Per-applicant data
 * keys", issue 17), against the real bin/recruitd, PostgreSQL and key
 * database: a pg_dump of a live applicant holds none of their values; a
 * backup restored after an erasure cannot be read with today's keys; rows
 * from before the keys are sealed batch by batch with the API up; the search
 * finds sealed names by their trigrams. The key database away, keys destroyed and the key
 * cache: test_keys_cache.c. The keyring's epochs and their rotation:
 * test_epochs.c.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/digest.h"
#include "harness.h"
#include "keys_suite.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/vault.h"
#include "unit/fixtures.h"

/* A tag no other run uses, letters only (so it survives every field's rules). */
static void
new_tag(char *tag, size_t len)
{
	unsigned r;

	assert_int_equal(random_bytes(&r, sizeof(r)), 0);
	snprintf(tag, len, "Kz%c%c%c%c%dq", 'a' + r % 26, 'a' + (r / 26) % 26, 'a' + (r / 676) % 26,
	         'a' + (r / 17576) % 26, ++seq);
}

#define PGBIN "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

/* pg_dump of the main database to path (plain SQL). */
static void
dump_to(const char *path)
{
	assert_int_equal(
	    shell(PGBIN "/pg_dump -d \"%s\" -f %s", getenv("RECRUITD_DATABASE_URL"), path), 0);
}

/* How many times needle occurs in the file at path (grep -c of fixed bytes, text or not). */
static int
occurrences(const char *path, const char *needle)
{
	char *cmd = xasprintf("grep -a -c -F -- '%s' %s", needle, path);
	FILE *p = popen(cmd, "r");
	int n = -1;

	assert_non_null(p);
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	free(cmd);
	return n;
}

/* The connection string of database name on the cluster the suite uses. */
static char *
conninfo_of(const char *name)
{
	const char *url = getenv("RECRUITD_DATABASE_URL");
	const char *d = strstr(url, "dbname=");
	assert_non_null(d);
	const char *end = strchr(d, ' ');
	return xasprintf("%.*sdbname=%s%s", (int)(d - url), url, name, end ? end : "");
}

/* Wait until the outbox has sent everything (its rows then hold no address). */
static void
outbox_drained(void)
{
	char *n = NULL;

	for (int i = 0; i < 200; i++) {
		free(n);
		n = db_value("SELECT count(*) FROM mail_outbox WHERE status = 'pending'", NULL);
		if (strcmp(n, "0") == 0)
			break;
		usleep(50000);
	}
	assert_string_equal(n, "0");
	free(n);
}

/* A PDF fixture with marker written inside it. */
static struct blob
pdf_with(const char *marker)
{
	struct blob b = fixture_pdf(4000);
	memcpy(b.data + 200, marker, strlen(marker));
	return b;
}

struct canary {
	char tag[32];
	char name[64], email[96], phone[32], street[64], handle[64], summary[64], doc[64];
	char pending_name[64], pending_email[96], pending_doc[64];
	struct applied a;
};

/*
 * A live applicant holding a canary in every sealed place: contact fields,
 * an evaluation, a document, an export package; and a submission still
 * waiting for its code.
 */
static void
make_canary(struct canary *c)
{
	new_tag(c->tag, sizeof(c->tag));
	snprintf(c->name, sizeof(c->name), "Name%s", c->tag);
	snprintf(c->phone, sizeof(c->phone), "+1 212 555 %04d", (int)(getpid() % 10000));
	snprintf(c->street, sizeof(c->street), "Street%s", c->tag);
	snprintf(c->handle, sizeof(c->handle), "handle%s", c->tag);
	snprintf(c->summary, sizeof(c->summary), "Summary%s", c->tag);
	snprintf(c->doc, sizeof(c->doc), "Document%s", c->tag);
	struct blob resume = pdf_with(c->doc);
	c->a = apply_confirmed(opening, c->name, c->tag, resume.data, resume.len, NULL, NULL);
	snprintf(c->email, sizeof(c->email), "%s", c->a.email);
	free(resume.data);

	char *path = xasprintf("/v1/applicants/%s", c->a.applicant);
	char *body =
	    xasprintf("{\"phone\":\"%s\",\"address\":{\"line1\":\"%s\",\"country\":\"GB\"},"
	              "\"social_handles\":[{\"network\":\"mastodon\",\"handle\":\"%s\"}]}",
	              c->phone, c->street, c->handle);
	struct resp *r = http("PATCH", path, staff.hr, "application/merge-patch+json", body, NULL);
	assert_int_equal(r->status, 200);
	resp_free(r);
	free(body);
	body = xasprintf("{\"score\":4,\"summary\":\"%s\"}", c->summary);
	char *evals = xasprintf("/v1/applications/%s/evaluations", c->a.application);
	r = http_json("POST", evals, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	resp_free(r);
	free(evals);
	free(body);
	free(path);
	/* the applicant's own copy: an export package */
	r = http_json("POST", "/v1/me/privacy-requests", c->a.token,
	              "{\"type\":\"know_specific\"}");
	assert_int_equal(r->status, 201);
	resp_free(r);
	/* and someone else's submission, not confirmed */
	snprintf(c->pending_name, sizeof(c->pending_name), "Pending%s", c->tag);
	snprintf(c->pending_doc, sizeof(c->pending_doc), "Pendingdoc%s", c->tag);
	char *pe = unique_email("pendingcanary");
	snprintf(c->pending_email, sizeof(c->pending_email), "%s", pe);
	free(pe);
	struct blob pr = pdf_with(c->pending_doc);
	struct part parts[] = {
	    {.name = "full_name", .value = c->pending_name},
	    {.name = "email", .value = c->pending_email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pr.data, .len = pr.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	free(pr.data);
	forbid_in_log(c->name);
	forbid_in_log(c->street);
	forbid_in_log(c->summary);
	outbox_drained();
}

/* Every canary value of c counted in the file at path. */
static int
canaries_in(const struct canary *c, const char *path)
{
	const char *all[] = {c->name,          c->email,       c->phone, c->street,
	                     c->handle,        c->summary,     c->doc,   c->pending_name,
	                     c->pending_email, c->pending_doc, c->tag};
	int n = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		int k = occurrences(path, all[i]);
		if (k != 0)
			fprintf(stderr, "%s: %d occurrences of a canary (#%zu)\n", path, k, i);
		n += k;
	}
	return n;
}

static void
test_dump_holds_no_plaintext(void **state)
{
	(void)state;
	struct canary c;
	make_canary(&c);
	/* the product reads them back: they are there, only sealed */
	char *path = xasprintf("/v1/applicants/%s", c.a.applicant);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "full_name"), c.name);
	assert_string_equal(sget(r->json, "phone"), c.phone);
	assert_string_equal(sget(json_object_get(r->json, "address"), "line1"), c.street);
	resp_free(r);
	char *search = xasprintf("/v1/applicants?q=%s", c.tag);
	r = http_json("GET", search, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
	/* and a dump of the main database holds none of them: not the values, not the tag */
	char *dump = xasprintf("%s/keys-dump-%d.sql", api_mail_dir(), (int)getpid());
	dump_to(dump);
	/* the dump is a real one, and the search would find plain text in it */
	assert_true(occurrences(dump, "full_name_sealed") > 0);
	assert_true(occurrences(dump, "Key Keeper") > 0); /* the opening's title, not personal */
	assert_int_equal(canaries_in(&c, dump), 0);
	unlink(dump);
	free(dump);
	free(search);
	free(path);
	applied_free(&c.a);
}

static void
test_restore_after_erasure_cannot_be_read(void **state)
{
	(void)state;
	struct canary c;
	char restored[64];
	make_canary(&c);
	snprintf(restored, sizeof(restored), "recruitd_restore_%d", (int)getpid());
	char *dump = xasprintf("%s/keys-backup-%d.sql", api_mail_dir(), (int)getpid());
	char *url = conninfo_of(restored);
	dump_to(dump); /* the backup, taken while the applicant is live */

	/* restored before the erasure, the backup opens with today's keys */
	shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE IF EXISTS %s'",
	      getenv("RECRUITD_DATABASE_URL"), restored);
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -c 'CREATE DATABASE %s'",
	                       getenv("RECRUITD_DATABASE_URL"), restored),
	                 0);
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -f %s >/dev/null", url, dump), 0);
	harness_store_forget();
	(void)harness_store();
	struct db *old = db_connect(url);
	assert_non_null(old);
	json_t *rec = NULL;
	long version;
	assert_int_equal(applicants_current(old, c.a.applicant, &rec, &version), 0);
	assert_string_equal(sget(rec, "full_name"), c.name);
	json_decref(rec);
	rec = NULL;

	/* every key of the applicant: record, history, the document's, the package's */
	char *all =
	    db_value("SELECT array_agg(k)::text FROM (SELECT record_key k FROM applicants "
	             "WHERE id = $1 UNION ALL SELECT history_key FROM applicants WHERE id = "
	             "$1 UNION ALL SELECT key_id FROM documents WHERE applicant_id = $1 "
	             "UNION ALL SELECT key_id FROM exports WHERE applicant_id = $1) x "
	             "WHERE k IS NOT NULL",
	             c.a.applicant);
	PGconn *keys = PQconnectdb(getenv("RECRUITD_KEYS_DATABASE_URL"));
	assert_int_equal(PQstatus(keys), CONNECTION_OK);
	const char *kall[1] = {all};
	PGresult *k =
	    PQexecParams(keys, "SELECT count(*) FROM data_keys WHERE id = ANY ($1::text[])", 1,
	                 NULL, kall, NULL, NULL, 0);
	assert_string_equal(PQgetvalue(k, 0, 0), "4");
	PQclear(k);

	/* the applicant is erased: the rows go, and every one of their keys with them */
	char *path = xasprintf("/v1/applicants/%s", c.a.applicant);
	struct resp *r = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	k = PQexecParams(keys, "SELECT count(*) FROM data_keys WHERE id = ANY ($1::text[])", 1,
	                 NULL, kall, NULL, NULL, 0);
	assert_string_equal(PQgetvalue(k, 0, 0), "0");
	PQclear(k);
	PQfinish(keys);
	expect_db_value("SELECT count(*) FROM key_shreds WHERE key_id = ANY ($1::uuid[])", all,
	                "0");
	free(all);

	/* the same backup, restored now: every sealed value is still in it, and none opens */
	db_close(old);
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE %s' -c 'CREATE "
	                             "DATABASE %s'",
	                       getenv("RECRUITD_DATABASE_URL"), restored, restored),
	                 0);
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -f %s >/dev/null", url, dump), 0);
	harness_store_forget(); /* nothing cached: today's key database and keyring only */
	(void)harness_store();
	struct db *after = db_connect(url);
	assert_non_null(after);
	const char *kp[1] = {c.a.applicant};
	PGconn *raw = PQconnectdb(url);
	PGresult *row =
	    PQexecParams(raw,
	                 "SELECT (full_name_sealed IS NOT NULL AND email_sealed IS NOT "
	                 "NULL AND phone_sealed IS NOT NULL)::text || '/' || "
	                 "(SELECT count(*) FROM documents WHERE applicant_id = a.id) || "
	                 "'/' || (SELECT count(*) FROM exports WHERE applicant_id = a.id) "
	                 "FROM applicants a WHERE id = $1",
	                 1, NULL, kp, NULL, NULL, 0);
	assert_int_equal(PQntuples(row), 1);
	assert_string_equal(PQgetvalue(row, 0, 0), "true/1/1");
	PQclear(row);
	PQfinish(raw);
	assert_int_equal(applicants_current(after, c.a.applicant, &rec, &version), 1);
	assert_null(rec);
	db_close(after);
	assert_int_equal(canaries_in(&c, dump), 0);
	shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE %s'", getenv("RECRUITD_DATABASE_URL"),
	      restored);
	unlink(dump);
	free(dump);
	free(url);
	free(path);
	applied_free(&c.a);
}

static void
test_seal_existing_with_the_api_up(void **state)
{
	(void)state;
	enum { N = 5 };
	char tag[32];
	new_tag(tag, sizeof(tag));
	/* rows as they were stored before the keys: plaintext, no hash, documents unsealed */
	const char *params[2] = {tag, opening};
	PGresult *res = PQexecParams(
	    test_db(),
	    "WITH a AS (INSERT INTO applicants (full_name, email, phone, address, country, "
	    "  social_handles, source_type) "
	    "  SELECT 'Old' || $1 || ' ' || g, lower($1) || '.' || g || '@example.com', "
	    "  '+1 212 555 01' || g, jsonb_build_object('line1', 'Oldstreet' || $1, 'country', "
	    "'US'), "
	    "  'US', '[]', 'import' FROM generate_series(1, 5) g RETURNING id, full_name), "
	    "d AS (INSERT INTO documents (applicant_id, kind, filename, content_type, size, "
	    "sha256, "
	    "  content) SELECT id, 'resume', 'cv.txt', 'text/plain', length('Olddoc' || $1), "
	    "  encode(sha256(convert_to('Olddoc' || $1, 'UTF8')), 'hex'), "
	    "  convert_to('Olddoc' || $1, 'UTF8') FROM a), "
	    "p AS (INSERT INTO applications (applicant_id, opening_id, stage) "
	    "  SELECT id, $2::uuid, 'applied' FROM a RETURNING id) "
	    "INSERT INTO evaluations (application_id, score, summary, author) "
	    "  SELECT id, 3, 'Oldsummary' || $1, 'someone' FROM p",
	    2, NULL, params, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	char *first =
	    db_value("SELECT id FROM applicants WHERE full_name = 'Old' || $1 || ' 1'", tag);
	char *email1 = xasprintf("%c%s.1@example.com", tag[0] | 0x20, tag + 1);
	for (char *p = email1; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);

	/* the API serves them as they are meanwhile: read, found, unique */
	char *name = record_field(first, "full_name");
	char *want = xasprintf("Old%s 1", tag);
	assert_string_equal(name, want);
	free(name);
	char *search = xasprintf("/v1/applicants?q=%s", tag);
	struct resp *r = http_json("GET", search, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), N);
	resp_free(r);
	char *dup = xasprintf("{\"full_name\":\"Someone\",\"email\":\"%s\"}", email1);
	for (char *p = strchr(dup, '@') - 1; p > dup && *p != '"'; p--) /* another case */
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	r = http_json("POST", "/v1/applicants", staff.recruiter, dup);
	assert_problem(r, 409, "duplicate-email");
	assert_string_equal(sget(r->json, "existing_id"), first);
	resp_free(r);

	/* one batch of two: three stay as they were; then the rest */
	const char *ctl = getenv("RECRUITD_TEST_CTL");
	assert_int_equal(shell("%s keys seal-existing --batch 2 --max-batches 1 2>/dev/null", ctl),
	                 0);
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash IS NULL AND "
	                "full_name LIKE 'Old' || $1 || '%'",
	                tag, "3");
	assert_int_equal(shell("%s keys seal-existing --batch 2 2>/dev/null", ctl), 0);
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash IS NULL", NULL, "0");
	expect_db_value("SELECT count(*) FROM documents WHERE NOT sealed", NULL, "0");
	expect_db_value("SELECT count(*) FROM evaluations WHERE summary IS NOT NULL", NULL, "0");
	/* and read back the same */
	name = record_field(first, "full_name");
	assert_string_equal(name, want);
	free(name);
	r = http_json("GET", search, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), N);
	resp_free(r);
	r = http_json("POST", "/v1/applicants", staff.recruiter, dup);
	assert_problem(r, 409, "duplicate-email");
	resp_free(r);
	char *docs = xasprintf("/v1/applicants/%s/documents", first);
	r = http_json("GET", docs, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	char *doc = xasprintf("/v1/documents/%s",
	                      sget(json_array_get(json_object_get(r->json, "items"), 0), "id"));
	resp_free(r);
	r = http("GET", doc, staff.hr, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	char *olddoc = xasprintf("Olddoc%s", tag);
	assert_int_equal(r->len, strlen(olddoc));
	assert_memory_equal(r->body, olddoc, strlen(olddoc));
	resp_free(r);
	char *app = db_value("SELECT id FROM applications WHERE applicant_id = $1", first);
	char *evals = xasprintf("/v1/applications/%s/evaluations", app);
	r = http_json("GET", evals, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	char *oldsummary = xasprintf("Oldsummary%s", tag);
	assert_string_equal(sget(json_array_get(json_object_get(r->json, "items"), 0), "summary"),
	                    oldsummary);
	resp_free(r);
	/* run again: nothing left to do */
	assert_int_equal(shell("%s keys seal-existing 2>/dev/null", ctl), 0);
	/* and a dump holds none of it */
	char *dump = xasprintf("%s/keys-sealed-%d.sql", api_mail_dir(), (int)getpid());
	dump_to(dump);
	assert_int_equal(occurrences(dump, tag), 0);
	assert_int_equal(occurrences(dump, olddoc), 0);
	unlink(dump);
	free(dump);
	free(oldsummary);
	free(evals);
	free(app);
	free(olddoc);
	free(doc);
	free(docs);
	free(dup);
	free(search);
	free(want);
	free(email1);
	free(first);
}

static void
test_search_without_plaintext(void **state)
{
	(void)state;
	char tag[32];
	new_tag(tag, sizeof(tag));
	char *name = xasprintf("Zoë Ñandú %s", tag);
	char *id = new_staff_applicant("search", name);
	/* trigram candidates, confirmed after opening: any case, accents folded too */
	char *path = xasprintf("/v1/applicants?q=%%C3%%B1AND%%C3%%9A%%20%s", tag);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	assert_string_equal(sget(json_array_get(json_object_get(r->json, "items"), 0), "full_name"),
	                    name);
	resp_free(r);
	free(path);
	/* the trigrams all present but not in a row: no match */
	path = xasprintf("/v1/applicants?q=%s%%20Zo%%C3%%AB", tag);
	r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	free(path);
	/* too short for a trigram: every row is a candidate, and this one is found */
	r = http_json("GET", "/v1/applicants?q=%C3%B1a&limit=100", staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	bool found = false;
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r->json, "items"), i, it) found |=
	    strcmp(sget(it, "id"), id) == 0;
	assert_true(found || json_is_string(json_object_get(r->json, "next_cursor")));
	resp_free(r);
	/* not UTF-8: refused at the edge (so the trigrams only ever see UTF-8) */
	r = http_json("GET", "/v1/applicants?q=%FF%FE", staff.recruiter, NULL);
	assert_problem(r, 400, "bad-request");
	resp_free(r);
	free(id);
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dump_holds_no_plaintext),
	    cmocka_unit_test(test_restore_after_erasure_cannot_be_read),
	    cmocka_unit_test(test_seal_existing_with_the_api_up),
	    cmocka_unit_test(test_search_without_plaintext),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
