/*
 * The remanence suite (DESIGN "Deletion that reaches everything", issue
 * 26): what the outside audit did, against the real bin/recruitd,
 * bin/recruitctl and PostgreSQL. Canaries go in through every door: a staff
 * create with an Idempotency-Key (title, job title, source detail), an
 * application with a PDF whose Flate stream carries text, a DOCX whose
 * deflated document.xml does (under a canary file name), the applicant's
 * own page edits, an evaluation, a stage change's reason, a legal hold's
 * reason (set, then lifted), a copy of one's data, a submission left
 * unconfirmed, a privacy request through an agent (its name, document and
 * details). They are erased by every path: DELETE, a PATCH overwrite, a
 * page edit overwrite, a document delete, an export's expiry, a pending
 * submission's expiry, the purge, a privacy deletion (Iceland: no floor),
 * a restricted deletion (California: the record stays, the handle goes),
 * a hire. Two rotations. Then every canary is searched for
 * (tests/remanence/scan.py: plain, case-folded, hex, base64, UTF-16,
 * inside gzip, zip and Flate) in pg_dump of both databases before and
 * after, the raw WAL before a checkpoint and as pg_waldump reads it, every
 * relation file of both databases and the WAL after CHECKPOINT, before and
 * after VACUUM, the server's and PostgreSQL's logs and the mail folder
 * (aged and swept by a real purge). The allow-list is docs/privacy.md's
 * table "What stays, why, and for how long": what it keeps is sealed or
 * keyed, so no hit is allowed anywhere; its rows these doors reach are
 * checked for what they keep (the restricted record, hr's alone without
 * the dropped handle; the employee record; the erased address's record
 * gone; the request log's row with its words sealed). Then a restore of a
 * dump of both databases taken before the erasures, with the current
 * keyring, through the store, recruitctl and the API: nothing erased,
 * overwritten or replaced opens (the restricted record's copy of before
 * included); a record left alone does, with the current key database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/digest.h"
#include "harness.h"
#include "remanence.h"
#include "store/applicants.h"
#include "store/db.h"
#include "unit/fixtures.h"

static char *opening, *iceland, *california;

static void
test_nothing_of_an_erased_person_remains(void **state)
{
	(void)state;
	struct canaries c;
	unsigned r;
	char *dir = xasprintf("%s/remanence-%d", api_mail_dir(), (int)getpid());

	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(random_bytes(&r, sizeof(r)), 0);
	snprintf(c.tag, sizeof(c.tag), "Qv%c%c%c%c%c", 'a' + r % 26, 'a' + (r / 26) % 26,
	         'a' + (r / 676) % 26, 'a' + (r / 17576) % 26, 'a' + (r / 456976) % 26);
	c.path = xasprintf("/tmp/remanence-canaries-%d", (int)getpid()); /* outside the search */
	c.list = fopen(c.path, "w");
	assert_non_null(c.list);
	fprintf(c.list, "%s\n", c.tag);
	fclose(c.list);

	/* C1: a staff create with an Idempotency-Key, erased by DELETE */
	char *n1 = canary(&c, "Delname"), *s1 = canary(&c, "Delstreet"),
	     *h1 = canary(&c, "delhandle");
	char *e1 = xasprintf("del.%s@example.com", c.tag);
	char *t1 = canary(&c, "Deltitle"), *j1 = canary(&c, "Deljob"), *d1 = canary(&c, "Delsrc");
	char *body = xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\",\"address\":{\"line1\":"
	                       "\"%s\",\"country\":\"US\"},\"social_handles\":[{\"network\":"
	                       "\"mastodon\",\"handle\":\"%s\"}],\"title\":\"%s\",\"job_title\":"
	                       "\"%s\",\"source\":{\"type\":\"agency\",\"detail\":\"%s\"}}",
	                       n1, e1, s1, h1, t1, j1, d1);
	char idem[64];
	snprintf(idem, sizeof(idem), "Idempotency-Key: import-%s", c.tag);
	const char *hdr[] = {idem, NULL};
	struct resp *rs = http("POST", "/v1/applicants", staff.hr, "application/json", body, hdr);
	assert_int_equal(rs->status, 201);
	char *c1 = xstrdup(sget(rs->json, "id"));
	resp_free(rs);
	free(body);

	/* C2: applies with a PDF (text in a Flate stream), uploads a DOCX (deflated text), edits
	 * the page, gets evaluated and a copy of its data; stays on record */
	char *n2 = canary(&c, "Appname"), *pdfdoc = canary(&c, "Pdfdoc");
	struct blob pdf = pdf_flate(pdfdoc);
	struct applied a = apply_confirmed(opening, n2, c.tag, pdf.data, pdf.len, NULL, NULL);
	char *docx_text = canary(&c, "Docxdoc");
	char *xml = xasprintf("<w:document><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body>"
	                      "</w:document>",
	                      docx_text);
	struct blob docx = fixture_docx_with(xml, strlen(xml), true);
	char *docx_name = canary(&c, "Docxname"); /* a file name: sealed with the document */
	char *docx_file = xasprintf("%s.docx", docx_name);
	struct part parts[] = {
	    {.name = "file", .data = docx.data, .len = docx.len, .filename = docx_file},
	    {.name = "kind", .value = "cover_letter"},
	    {.name = NULL}};
	rs = http_form("POST", "/v1/me/documents", a.token, parts, NULL);
	assert_int_equal(rs->status, 201);
	char *docx_id = xstrdup(sget(rs->json, "id"));
	assert_string_equal(sget(rs->json, "filename"), docx_file);
	resp_free(rs);
	free(docx_file);
	free(docx_name);
	char *st2 = canary(&c, "Mestreet");
	body = xasprintf("{\"address\":{\"line1\":\"%s\",\"country\":\"US\"}}", st2);
	rs = patch("/v1/me", a.token, body);
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(body);
	char *sum = canary(&c, "Evalsum");
	body = xasprintf("{\"score\":3,\"summary\":\"%s\"}", sum);
	char *evals = xasprintf("/v1/applications/%s/evaluations", a.application);
	rs = http_json("POST", evals, staff.recruiter, body);
	assert_int_equal(rs->status, 201);
	resp_free(rs);
	free(body);
	free(evals);
	/* a stage change with a reason (sealed under the history key) */
	char *why2 = canary(&c, "Stagewhy");
	char *moves = xasprintf("/v1/applications/%s/transitions", a.application);
	body = xasprintf("{\"to\":\"interview\",\"reason\":\"%s\"}", why2);
	rs = http_json("POST", moves, staff.recruiter, body);
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(body);
	free(moves);
	free(why2);
	rs = http_json("POST", "/v1/me/privacy-requests", a.token, "{\"type\":\"know_specific\"}");
	assert_int_equal(rs->status, 201);
	resp_free(rs);

	/* C3: a submission never confirmed, with its resume */
	char *n3 = canary(&c, "Pendname"), *pend = canary(&c, "Penddoc");
	char *e3 = xasprintf("pend.%s@example.com", c.tag);
	struct blob pdf3 = pdf_flate(pend);
	struct part p3[] = {
	    {.name = "full_name", .value = n3},
	    {.name = "email", .value = e3},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = pdf3.data, .len = pdf3.len, .filename = "cv.pdf"},
	    {.name = NULL}};
	rs = http_form("POST", "/v1/apply", NULL, p3, NULL);
	assert_int_equal(rs->status, 202);
	resp_free(rs);

	/* C4: a staff record whose name is overwritten by a PATCH */
	char *n4 = canary(&c, "Oldname");
	char *e4 = xasprintf("old.%s@example.com", c.tag);
	body = xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\"}", n4, e4);
	rs = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(rs->status, 201);
	char *c4 = xstrdup(sget(rs->json, "id"));
	resp_free(rs);
	free(body);
	/* a legal hold with a reason, lifted: the reason goes with the record key */
	char *why = canary(&c, "Holdwhy");
	char *hold = xasprintf("/v1/applicants/%s/legal-hold", c4);
	body = xasprintf("{\"reason\":\"%s\"}", why);
	rs = http_json("PUT", hold, staff.hr, body);
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(body);
	rs = http_json("DELETE", hold, staff.hr, NULL);
	assert_int_equal(rs->status / 100, 2);
	resp_free(rs);
	free(hold);
	free(why);

	/* C6: applies in Iceland (no floor), erased by their own privacy deletion */
	char *n6 = canary(&c, "Privname");
	struct blob pdf6 = pdf_flate(n6);
	struct applied a6 = apply_confirmed(iceland, n6, c.tag, pdf6.data, pdf6.len, NULL, NULL);
	/* C7: applies in California, adds a handle, deletes: restricted under the 4-year floor,
	 * the handle dropped (the record stays: the table's "a record restricted under a legal
	 * floor") */
	char *n7 = canary(&c, "Restname"), *h7 = canary(&c, "resthandle");
	struct blob pdf7 = pdf_flate(n7);
	struct applied a7 = apply_confirmed(california, n7, c.tag, pdf7.data, pdf7.len, NULL, NULL);
	body = xasprintf("{\"social_handles\":[{\"network\":\"mastodon\",\"handle\":\"%s\"}]}", h7);
	rs = patch("/v1/me", a7.token, body);
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(body);
	/* C8: hired (the table's "the employee archive of a person hired") */
	char *n8 = canary(&c, "Hirename");
	struct blob pdf8 = pdf_flate(n8);
	struct applied a8 = apply_confirmed(opening, n8, c.tag, pdf8.data, pdf8.len, NULL, NULL);
	char *to_offer = xasprintf("/v1/applications/%s/transitions", a8.application);
	rs = http_json("POST", to_offer, staff.recruiter, "{\"to\":\"offer\"}");
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(to_offer);
	/* C9: a correction through an agent, with details, recorded by hr */
	char *n9 = canary(&c, "Agentname"), *doc9 = canary(&c, "Agentdoc"),
	     *why9 = canary(&c, "Agentwhy");
	char *e9 = xasprintf("agent.%s@example.com", c.tag);
	forbid_in_log(e9);
	body = xasprintf("{\"type\":\"correct\",\"channel\":\"agent\",\"email\":\"%s\","
	                 "\"details\":\"%s\",\"agent\":{\"name\":\"%s\",\"authorization_document\":"
	                 "\"%s\"}}",
	                 e9, why9, n9, doc9);
	rs = http_json("POST", "/v1/privacy-requests", staff.hr, body);
	assert_int_equal(rs->status, 201);
	resp_free(rs);
	free(body);
	/* C10: every other type of request, through an agent, each with words of its own */
	static const char *const types[] = {"know_categories", "know_specific", "delete",
	                                    "opt_out"};
	char *agent10[4][3];
	for (int i = 0; i < 4; i++) {
		static const char *const what[3] = {"name", "doc", "why"};
		for (int j = 0; j < 3; j++) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "Agent%c%s", 'a' + i, what[j]);
			agent10[i][j] = canary(&c, prefix);
		}
		body = xasprintf("{\"type\":\"%s\",\"channel\":\"agent\",\"email\":\"%s\","
		                 "\"details\":\"%s\",\"agent\":{\"name\":\"%s\","
		                 "\"authorization_document\":\"%s\"}}",
		                 types[i], e9, agent10[i][2], agent10[i][0], agent10[i][1]);
		rs = http_json("POST", "/v1/privacy-requests", staff.hr, body);
		if (rs->status != 201)
			fail_msg("%s through an agent: %ld %s", types[i], rs->status, rs->body);
		resp_free(rs);
		free(body);
	}

	/* C5: a control, left alone (not a canary: it must open from a backup) */
	char *c5 = new_staff_applicant("remanence", "Control Person");

	/* the backup of both databases, before anything is erased */
	char *main_dump = xasprintf("%s/main.sql", dir), *keys_dump = xasprintf("%s/keys.sql", dir);
	dump(getenv("RECRUITD_DATABASE_URL"), main_dump);
	dump(getenv("RECRUITD_KEYS_DATABASE_URL"), keys_dump);

	/* erasure by every path these doors reach */
	char *path = xasprintf("/v1/applicants/%s", c1);
	rs = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(rs->status, 204);
	resp_free(rs);
	free(path);
	path = xasprintf("/v1/documents/%s", docx_id);
	rs = http_json("DELETE", path, staff.hr, NULL);
	assert_int_equal(rs->status, 204);
	resp_free(rs);
	free(path);
	rs = patch("/v1/me", a.token,
	           "{\"address\":{\"line1\":\"1 Plain Road\",\"country\":\"US\"}}");
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	path = xasprintf("/v1/applicants/%s", c4);
	rs = patch(path, staff.recruiter, "{\"full_name\":\"Someone Renamed\"}");
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(path);
	db_exec_sql("UPDATE exports SET expires_at = now() - interval '1 minute' "
	            "WHERE applicant_id = $1",
	            a.applicant);
	char *e3hash = xstrdup(email_hash_of(e3));
	db_exec_sql("UPDATE pending_submissions SET expires_at = now() - interval '1 minute' "
	            "WHERE email_hash = $1::bytea",
	            e3hash);
	free(e3hash);
	char *outcome6 = NULL, *outcome7 = NULL;
	const struct applied *selfdel[2] = {&a6, &a7};
	for (int i = 0; i < 2; i++) {
		rs = http_json("POST", "/v1/me/privacy-requests", selfdel[i]->token,
		               "{\"type\":\"delete\"}");
		assert_int_equal(rs->status, 201);
		*(i == 0 ? &outcome6 : &outcome7) = xstrdup(sget(rs->json, "outcome"));
		resp_free(rs);
	}
	assert_string_equal(outcome6, "fulfilled");
	assert_string_equal(outcome7, "partially_fulfilled");
	free(outcome6);
	free(outcome7);
	char *hire8 = xasprintf("/v1/applications/%s/hire", a8.application);
	/* the employee number: not a canary (the employee record keeps it) */
	char *hbody = xasprintf("{\"start_date\":\"2027-01-04\",\"employee_number\":\"R-%d-%u\"}",
	                        (int)getpid(), r);
	rs = http_json("POST", hire8, staff.hr, hbody);
	assert_int_equal(rs->status, 201);
	resp_free(rs);
	free(hbody);
	free(hire8);
	purge_for_real(true);
	expect_db_value("SELECT count(*) FROM key_shreds", NULL, "0");

	/* two rotations */
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    shell("%s keys rotate >/dev/null 2>&1", getenv("RECRUITD_TEST_CTL")), 0);

	/* the search: dumps of both databases now and before, WAL and relation files after a
	 * CHECKPOINT, before and after VACUUM, the logs, the mail folder */
	char *now_main = xasprintf("%s/main-now.sql", dir),
	     *now_keys = xasprintf("%s/keys-now.sql", dir);
	dump(getenv("RECRUITD_DATABASE_URL"), now_main);
	dump(getenv("RECRUITD_KEYS_DATABASE_URL"), now_keys);
	/* the WAL as it stands, before a checkpoint lets PostgreSQL recycle its segments */
	char *wal = xasprintf("$(dirname %s)/data/pg_wal", getenv("RECRUITD_TEST_PG_LOG"));
	assert_int_equal(scan(&c, wal), 0);
	/* and as pg_waldump reads it (with full-page images' descriptions), from its first
	 * segment still valid to the end (the cluster holds both databases) */
	char *walout = xasprintf("%s/waldump.txt", dir);
	shell("w=%s; for s in $(ls $w | grep -E '^[0-9A-F]{24}$'); do " PGBIN
	      "/pg_waldump -b -p $w $s >>%s 2>/dev/null && break; done; true",
	      wal, walout);
	assert_int_equal(scan(&c, walout), 0);
	free(walout);
	free(wal);
	db_exec_sql("CHECKPOINT", NULL);
	/* the cluster's files that hold these two databases: theirs, the shared ones, the WAL */
	char *main_oid =
	    db_value("SELECT oid FROM pg_database WHERE datname = current_database()", NULL);
	char *keys_name = xstrdup(strstr(getenv("RECRUITD_KEYS_DATABASE_URL"), "dbname=") + 7);
	keys_name[strcspn(keys_name, " ")] = '\0';
	char *keys_oid = db_value("SELECT oid FROM pg_database WHERE datname = $1", keys_name);
	char *data = xasprintf("$(dirname %s)/data", getenv("RECRUITD_TEST_PG_LOG"));
	char *cluster = xasprintf("%s/base/%s %s/base/%s %s/global %s/pg_wal", data, main_oid, data,
	                          keys_oid, data, data);
	free(data);
	free(main_oid);
	free(keys_oid);
	free(keys_name);
	char *paths = xasprintf("%s %s %s %s %s %s %s %s", main_dump, keys_dump, now_main, now_keys,
	                        cluster, getenv("RECRUITD_TEST_PG_LOG"),
	                        getenv("RECRUITD_TEST_LOGDIR"), api_mail_dir());
	assert_int_equal(scan(&c, paths), 0);
	db_exec_sql("VACUUM", NULL);
	char *keys_url = xstrdup(getenv("RECRUITD_KEYS_DATABASE_URL"));
	assert_int_equal(shell(PGBIN "/psql -X -q -d \"%s\" -c VACUUM -c CHECKPOINT", keys_url), 0);
	assert_int_equal(scan(&c, paths), 0);

	/*
	 * docs/privacy.md's table "What stays, why, and for how long", as far as these doors
	 * reach it: what stays is there and readable only as the table says, and nothing of it
	 * was found in plaintext above (everything it keeps is sealed or keyed).
	 */
	/* a record restricted under a legal floor: hr alone, the handle gone */
	path = xasprintf("/v1/applicants/%s", a7.applicant);
	rs = http_json("GET", path, staff.recruiter, NULL);
	assert_int_not_equal(rs->status, 200);
	resp_free(rs);
	rs = http_json("GET", path, staff.hr, NULL);
	assert_int_equal(rs->status, 200);
	assert_null(strstr(rs->body, h7));
	resp_free(rs);
	free(path);
	/* the employee archive of a person hired; the recruitment record gone */
	expect_db_value("SELECT count(*) FROM employees WHERE applicant_id = $1", a8.applicant,
	                "1");
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", a8.applicant, "0");
	/* the suppression hash of an erased address; the record gone */
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", a6.applicant, "0");
	/* the request log's non-personal fields: the agent's request is there, its words sealed */
	char *agents = db_value("SELECT count(*) FROM privacy_requests WHERE channel = 'agent' "
	                        "AND sealed IS NOT NULL AND email_masked = 'a***@example.com'",
	                        NULL);
	assert_true(atoi(agents) >= 1);
	free(agents);

	/* the restore drill: the backup of both databases, with the current keyring */
	char rmain[64], rkeys[64];
	snprintf(rmain, sizeof(rmain), "remanence_main_%d", (int)getpid());
	snprintf(rkeys, sizeof(rkeys), "remanence_keys_%d", (int)getpid());
	restore(rmain, main_dump);
	restore(rkeys, keys_dump);
	char *rmain_url = conninfo_of(rmain), *rkeys_url = conninfo_of(rkeys);
	/* deleted, overwritten, edited since, privacy-deleted, restricted (its key replaced),
	 * hired */
	const char *erased[] = {c1, c4, a.applicant, a6.applicant, a7.applicant, a8.applicant};
	enum { N_ERASED = sizeof(erased) / sizeof(erased[0]) };
	for (size_t i = 0; i < N_ERASED; i++) {
		assert_int_equal(opens(rmain_url, rkeys_url, erased[i]), 1);
		assert_int_equal(opens(rmain_url, keys_url, erased[i]), 1);
	}
	assert_int_equal(opens(rmain_url, rkeys_url, c5), 1); /* its epoch is gone too */
	assert_int_equal(opens(rmain_url, keys_url, c5), 0); /* the current key database opens it */
	setenv("RECRUITD_KEYS_DATABASE_URL", keys_url, 1);
	/* through recruitctl: the restored database re-indexed under the current epoch */
	assert_int_equal(shell("RECRUITD_DATABASE_URL='%s' %s keys reindex >/dev/null 2>&1",
	                       rmain_url, getenv("RECRUITD_TEST_CTL")),
	                 0);
	/* through the API, on the restored database */
	char *setting = xasprintf("RECRUITD_DATABASE_URL=%s", rmain_url);
	const char *settings[] = {setting, NULL};
	api_stop(NULL);
	api_start_with(settings);
	/* a key of hr's on the restored database (the suite's own are made on its own) */
	char *mk = xasprintf("RECRUITD_DATABASE_URL='%s' %s staff-key create --role hr --name "
	                     "restorer-%s",
	                     rmain_url, getenv("RECRUITD_TEST_CTL"), c.tag);
	FILE *p = popen(mk, "r");
	char hr[256] = "";
	assert_non_null(p);
	assert_non_null(fgets(hr, sizeof(hr), p));
	pclose(p);
	hr[strcspn(hr, "\n")] = '\0';
	free(mk);
	for (size_t i = 0; i < N_ERASED; i++) {
		path = xasprintf("/v1/applicants/%s", erased[i]);
		rs = http_json("GET", path, hr, NULL);
		assert_int_not_equal(rs->status, 200);
		resp_free(rs);
		free(path);
	}
	path = xasprintf("/v1/applicants/%s", c5);
	rs = http_json("GET", path, hr, NULL);
	assert_int_equal(rs->status, 200);
	resp_free(rs);
	free(path);
	api_stop(NULL);
	api_start(NULL);
	shell(PGBIN "/psql -X -q -d \"%s\" -c 'DROP DATABASE %s WITH (FORCE)' -c 'DROP DATABASE %s "
	            "WITH (FORCE)'",
	      getenv("RECRUITD_DATABASE_URL"), rmain, rkeys);
	shell("rm -rf %s %s", dir, c.path);

	free(setting);
	free(rmain_url);
	free(rkeys_url);
	free(keys_url);
	free(paths);
	free(cluster);
	free(now_main);
	free(now_keys);
	free(main_dump);
	free(keys_dump);
	free(c.path);
	free(n6);
	free(pdf6.data);
	applied_free(&a6);
	free(n7);
	free(h7);
	free(pdf7.data);
	applied_free(&a7);
	free(n8);
	free(pdf8.data);
	applied_free(&a8);
	free(n9);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 3; j++)
			free(agent10[i][j]);
	free(doc9);
	free(why9);
	free(e9);
	free(c5);
	free(c4);
	free(e4);
	free(n4);
	free(e3);
	free(n3);
	free(pend);
	free(pdf3.data);
	free(sum);
	free(st2);
	free(docx_id);
	free(docx.data);
	free(xml);
	free(docx_text);
	free(pdf.data);
	free(pdfdoc);
	free(n2);
	applied_free(&a);
	free(c1);
	free(e1);
	free(t1);
	free(j1);
	free(d1);
	free(h1);
	free(s1);
	free(n1);
	free(dir);
}

static int
setup(void **state)
{
	(void)state;
	api_start(NULL);
	opening = recruiter_opening("Remanence Auditor");
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Remanence Reykjavik\",\"country\":\"IS\"}");
	assert_int_equal(r->status, 201);
	iceland = xstrdup(sget(r->json, "id"));
	resp_free(r);
	r = http_json("POST", "/v1/openings", staff.recruiter,
	              "{\"title\":\"Remanence Oakland\",\"country\":\"US\",\"region\":\"CA\"}");
	assert_int_equal(r->status, 201);
	california = xstrdup(sget(r->json, "id"));
	resp_free(r);
	return 0;
}

static int
teardown(void **state)
{
	free(opening);
	free(iceland);
	free(california);
	harness_store_forget();
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_of_an_erased_person_remains),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
