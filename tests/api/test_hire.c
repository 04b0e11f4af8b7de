/*
 * API: hire. What is refused; the record leaves the recruitment tables whole
 * and sealed, and the downloaded archive is checked with the system tar.
 * What a hire leaves, and a failure after the archive: test_hire_effects.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/digest.h"
#include "core/xalloc.h"
#include "harness.h"
#include "hire.h"

static void
test_refusals(void **state)
{
	(void)state;
	char *o = new_opening();
	struct applied at_offer = candidate_at(o, "offer"),
	               at_interview = candidate_at(o, "interview");
	struct resp *r = hire(at_offer.application, staff.recruiter,
	                      "{\"start_date\":\"2027-01-04\",\"employee_number\":\"E-1\"}");
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	static const char *const bad[] = {
	    "{\"start_date\":\"2027-02-30\",\"employee_number\":\"E-1\"}",
	    "{\"start_date\":\"04/01/2027\",\"employee_number\":\"E-1\"}",
	    "{\"employee_number\":\"E-1\"}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = hire(at_offer.application, staff.hr, bad[i]);
		assert_problem(r, 422, "validation-error");
		assert_field_error(r, "start_date");
		resp_free(r);
	}
	r = hire(at_offer.application, staff.hr,
	         "{\"start_date\":\"2027-01-04\",\"employee_number\":\"\"}");
	assert_field_error(r, "employee_number");
	resp_free(r);
	r = hire(at_interview.application, staff.hr,
	         "{\"start_date\":\"2027-01-04\",\"employee_number\":\"E-2\"}");
	assert_problem(r, 409, "invalid-transition");
	assert_string_equal(sget(r->json, "from"), "interview");
	resp_free(r);
	r = hire("00000000-0000-4000-8000-000000000000", staff.hr,
	         "{\"start_date\":\"2027-01-04\",\"employee_number\":\"E-3\"}");
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* nothing of theirs moved */
	expect_db_value("SELECT stage FROM applications WHERE id = $1", at_offer.application,
	                "offer");
	expect_db_value("SELECT count(*) FROM employees WHERE applicant_id = $1",
	                at_offer.applicant, "0");
	applied_free(&at_offer);
	applied_free(&at_interview);
	free(o);
}

static char *
tmpdir_make(void)
{
	char *d = xstrdup("/tmp/recruitd-hire-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *d = xmalloc(*len + 1);
	assert_int_equal(fread(d, 1, *len, f), *len);
	d[*len] = '\0';
	fclose(f);
	return d;
}

/* Extract with the system tar and check every manifest hash against the files on disk. */
static json_t *
extract_and_check(const char *archive, const char *dir)
{
	char *cmd = xasprintf("tar -xzf '%s' -C '%s'", archive, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *mpath = xasprintf("%s/manifest.json", dir);
	size_t len;
	unsigned char *m = slurp(mpath, &len);
	json_t *manifest = json_loadb((char *)m, len, 0, NULL);
	assert_non_null(manifest);
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(manifest, "files"), i, f)
	{
		char *p = xasprintf("%s/%s", dir, sget(f, "path"));
		size_t flen;
		unsigned char *data = slurp(p, &flen), h[32];
		char hex[65];
		sha256(data, flen, h);
		hex_encode(h, 32, hex);
		assert_string_equal(hex, sget(f, "sha256"));
		assert_int_equal(flen, json_integer_value(json_object_get(f, "size")));
		free(data);
		free(p);
	}
	free(m);
	free(mpath);
	return manifest;
}

static void
test_hire_transfers_the_record(void **state)
{
	(void)state;
	char *o = new_opening(), *other = new_opening();
	struct applied c = candidate_at(o, "offer");
	/* a second, open application, an evaluation, a legal note in the history */
	char *path = xasprintf("/v1/applicants/%s/applications", c.applicant);
	char *body = xasprintf("{\"opening_id\":\"%s\"}", other);
	struct resp *r = http_json("POST", path, staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *second = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(path);
	path = xasprintf("/v1/applications/%s/evaluations", c.application);
	resp_free(http_json("POST", path, staff.recruiter,
	                    "{\"score\":5,\"summary\":\"Excellent systems thinking.\"}"));
	free(path);
	char *events_before =
	    db_value("SELECT count(*) FROM stage_events WHERE opening_id = $1", o);

	char number[48];
	snprintf(number, sizeof(number), "E-%d-%d", (int)getpid(), ++seq);
	body = xasprintf("{\"start_date\":\"2027-01-04\",\"employee_number\":\"%s\"}", number);
	r = hire(c.application, staff.hr, body);
	if (r->status != 201)
		fail_msg("hire: %ld %s", r->status, r->body);
	char *employee = xstrdup(sget(r->json, "employee_id"));
	assert_string_equal(sget(r->json, "applicant_id"), c.applicant);
	assert_non_null(sget(r->json, "hired_at"));
	json_t *arch = json_object_get(r->json, "archive");
	assert_string_equal(sget(arch, "format"), "tar.gz");
	char *sha = xstrdup(sget(arch, "sha256"));
	json_int_t size = json_integer_value(json_object_get(arch, "size"));
	char *loc = resp_header(r, "Location"), *want_loc = xasprintf("/v1/employees/%s", employee);
	assert_string_equal(loc, want_loc);
	resp_free(r);

	/* a second hire */
	r = hire(c.application, staff.hr, body);
	assert_problem(r, 409, "already-hired");
	resp_free(r);

	/* the recruitment record is gone from every table */
	expect_db_value("SELECT count(*) FROM applicants WHERE id = $1", c.applicant, "0");
	expect_db_value("SELECT count(*) FROM applicants WHERE email_hash = $1::bytea",
	                email_hash_of(c.email), "0");
	expect_db_value("SELECT count(*) FROM applications WHERE applicant_id = $1", c.applicant,
	                "0");
	expect_db_value("SELECT count(*) FROM application_history WHERE application_id = $1",
	                c.application, "0");
	expect_db_value("SELECT count(*) FROM application_history WHERE application_id = $1",
	                second, "0");
	expect_db_value("SELECT count(*) FROM evaluations WHERE application_id = $1", c.application,
	                "0");
	expect_db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", c.applicant, "0");
	expect_db_value("SELECT count(*) FROM applicant_tokens WHERE applicant_id = $1",
	                c.applicant, "0");
	expect_db_value("SELECT count(*) FROM idempotency_keys WHERE applicant_id = $1",
	                c.applicant, "0");
	expect_db_value("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%' || $1 || '%'",
	                c.email, "0");
	char *tomb = db_value("SELECT disposition || '/' || employee_id FROM applicant_tombstones "
	                      "WHERE applicant_id = $1",
	                      c.applicant);
	char *want_tomb = xasprintf("transferred/%s", employee);
	assert_string_equal(tomb, want_tomb);
	free(tomb);
	free(want_tomb);
	/* the de-identified stage events stay: one more for the hire, none lost */
	char *events_after = db_value("SELECT count(*) FROM stage_events WHERE opening_id = $1", o);
	assert_int_equal(atol(events_after), atol(events_before) + 1);

	/* reads: 410 with the disposition and the employee */
	char *apath = xasprintf("/v1/applicants/%s", c.applicant);
	r = http_json("GET", apath, staff.hr, NULL);
	assert_problem(r, 410, NULL);
	assert_string_equal(sget(r->json, "disposition"), "transferred");
	assert_string_equal(sget(r->json, "employee_id"), employee);
	resp_free(r);
	r = http_json("GET", "/v1/me", c.token, NULL);
	assert_problem(r, 401, "unauthorized");
	resp_free(r);

	/* the employee and its archive */
	r = http_json("GET", loc, staff.hr, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "employee_number"), number);
	assert_string_equal(sget(r->json, "start_date"), "2027-01-04");
	assert_string_equal(sget(json_object_get(r->json, "archive"), "sha256"), sha);
	resp_free(r);
	r = http_json("GET", loc, staff.recruiter, NULL);
	assert_problem(r, 403, "forbidden");
	resp_free(r);
	char *dl = xasprintf("%s/archive", loc);
	r = http("GET", dl, staff.hr, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal((json_int_t)r->len, size);
	char *ct = resp_header(r, "Content-Type"), *et = resp_header(r, "ETag"),
	     *cd = resp_header(r, "Content-Disposition");
	char *want_et = xasprintf("\"%s\"", sha);
	assert_string_equal(ct, "application/gzip");
	assert_string_equal(et, want_et);
	assert_non_null(strstr(cd, "attachment"));
	unsigned char h[32];
	char hex[65];
	sha256(r->body, r->len, h);
	hex_encode(h, 32, hex);
	assert_string_equal(hex, sha);

	char *dir = tmpdir_make(), *file = xasprintf("%s.tar.gz", dir);
	FILE *f = fopen(file, "wb");
	fwrite(r->body, 1, r->len, f);
	fclose(f);
	json_t *manifest = extract_and_check(file, dir);
	assert_string_equal(sget(manifest, "employee_id"), employee);
	assert_string_equal(sget(manifest, "applicant_id"), c.applicant);
	assert_int_equal(json_integer_value(json_object_get(manifest, "format_version")), 1);
	/* the resume, byte for byte */
	char *doc = xasprintf("%s/documents/01-Hanna Lebenslauf.pdf", dir);
	size_t dlen;
	unsigned char *bytes = slurp(doc, &dlen);
	assert_int_equal(dlen, resume.len);
	assert_memory_equal(bytes, resume.data, resume.len);
	free(bytes);
	/* the record, with its source, consent, applications, history and evaluations */
	char *ap = xasprintf("%s/applicant.json", dir),
	     *aps = xasprintf("%s/applications.json", dir);
	size_t alen;
	unsigned char *atext = slurp(ap, &alen);
	json_t *applicant = json_loadb((char *)atext, alen, 0, NULL);
	assert_string_equal(sget(applicant, "email"), c.email);
	assert_string_equal(sget(json_object_get(applicant, "source"), "type"), "direct");
	assert_non_null(sget(json_object_get(applicant, "consent"), "privacy_notice_accepted_at"));
	unsigned char *ptext = slurp(aps, &alen);
	json_t *apps = json_loadb((char *)ptext, alen, 0, NULL);
	assert_int_equal(json_array_size(apps), 2);
	size_t i;
	json_t *a;
	int hired = 0, withdrawn = 0;
	json_array_foreach(apps, i, a)
	{
		json_t *hist = json_object_get(a, "history");
		const char *last_reason =
		    sget(json_array_get(hist, json_array_size(hist) - 1), "reason");
		if (strcmp(sget(a, "stage"), "hired") == 0) {
			hired++;
			assert_int_equal(json_array_size(json_object_get(a, "evaluations")), 1);
			assert_int_equal(
			    json_integer_value(json_object_get(
			        json_array_get(json_object_get(a, "evaluations"), 0), "score")),
			    5);
			assert_non_null(sget(json_object_get(a, "opening"), "title"));
		} else if (strcmp(sget(a, "stage"), "withdrawn") == 0) {
			withdrawn++;
			assert_string_equal(last_reason, "hired");
		}
	}
	assert_int_equal(hired, 1);
	assert_int_equal(withdrawn, 1);

	/* recruitctl writes the identical bytes and verifies them */
	char *exported = xasprintf("%s-export.tar.gz", dir);
	char *cmd = xasprintf("%s employee export %s '%s' 2>/dev/null", getenv("RECRUITD_TEST_CTL"),
	                      employee, exported);
	assert_int_equal(system(cmd), 0);
	size_t elen;
	unsigned char *ebytes = slurp(exported, &elen);
	assert_int_equal(elen, r->len);
	assert_memory_equal(ebytes, r->body, elen);
	free(cmd);
	cmd =
	    xasprintf("%s employee verify '%s' >/dev/null", getenv("RECRUITD_TEST_CTL"), exported);
	assert_int_equal(WEXITSTATUS(system(cmd)), 0);
	free(cmd);
	/* a damaged copy is caught: in the middle (a document's bytes) and at the end (gzip's
	 * checksum) */
	ebytes[elen / 2] ^= 0x40;
	f = fopen(exported, "wb");
	fwrite(ebytes, 1, elen, f);
	fclose(f);
	cmd =
	    xasprintf("%s employee verify '%s' >/dev/null", getenv("RECRUITD_TEST_CTL"), exported);
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	free(cmd);
	ebytes[elen / 2] ^= 0x40;
	ebytes[elen - 12] ^= 0x40;
	f = fopen(exported, "wb");
	fwrite(ebytes, 1, elen, f);
	fclose(f);
	cmd =
	    xasprintf("%s employee verify '%s' >/dev/null", getenv("RECRUITD_TEST_CTL"), exported);
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	free(cmd);
	cmd = xasprintf(
	    "%s employee export 00000000-0000-4000-8000-000000000000 /dev/null 2>/dev/null",
	    getenv("RECRUITD_TEST_CTL"));
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	free(cmd);
	char *rm = xasprintf("rm -rf '%s' '%s' '%s'", dir, file, exported);
	assert_int_equal(system(rm), 0);

	free(rm);
	free(ebytes);
	free(exported);
	json_decref(apps);
	json_decref(applicant);
	free(ptext);
	free(atext);
	free(ap);
	free(aps);
	free(doc);
	json_decref(manifest);
	free(file);
	free(dir);
	free(ct);
	free(et);
	free(cd);
	free(want_et);
	resp_free(r);
	free(dl);
	free(apath);
	free(events_before);
	free(events_after);
	free(loc);
	free(want_loc);
	free(sha);
	free(employee);
	free(body);
	free(second);
	applied_free(&c);
	free(o);
	free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_hire_transfers_the_record),
	};
	return cmocka_run_group_tests_name("api hire", tests, setup, teardown);
}
