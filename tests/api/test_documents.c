/* API: documents: upload by bytes not names, exact round trips, limits, downloads, deletion, audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixtures.h"
#include "core/digest.h"
#include "core/xalloc.h"
#include "harness.h"

static char *applicant; /* an applicant id */

static char *
new_applicant(void)
{
	return new_staff_applicant("docs", "Doc Holder");
}

static struct resp *
upload(const char *who, const void *data, size_t len, const char *filename, const char *kind)
{
	char *path = xasprintf("/v1/applicants/%s/documents", who);
	struct part parts[] = {{.name = "file", .data = data, .len = len, .filename = filename},
	                       {.name = kind ? "kind" : NULL, .value = kind},
	                       {.name = NULL}};
	struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
	free(path);
	return r;
}

static void
sha_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[32];
	sha256(data, len, h);
	hex_encode(h, 32, out);
}

/* Upload, download, and compare every byte and header. */
static void
round_trip(const struct blob *b, const char *filename, const char *want_type)
{
	char hex[65], etag[70];
	struct resp *r = upload(applicant, b->data, b->len, filename, "resume");
	if (r->status != 201)
		fail_msg("upload: %ld %s", r->status, r->body);
	sha_hex(b->data, b->len, hex);
	assert_string_equal(json_string_value(json_object_get(r->json, "sha256")), hex);
	assert_int_equal(json_integer_value(json_object_get(r->json, "size")), b->len);
	assert_string_equal(json_string_value(json_object_get(r->json, "content_type")), want_type);
	assert_string_equal(json_string_value(json_object_get(r->json, "applicant_id")), applicant);
	char *loc = resp_header(r, "Location");
	char *want_loc =
	    xasprintf("/v1/documents/%s", json_string_value(json_object_get(r->json, "id")));
	assert_string_equal(loc, want_loc);
	resp_free(r);

	r = http("GET", loc, staff.recruiter, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, b->len);
	assert_memory_equal(r->body, b->data, b->len);
	char *ct = resp_header(r, "Content-Type"), *cd = resp_header(r, "Content-Disposition"),
	     *et = resp_header(r, "ETag"), *nosniff = resp_header(r, "X-Content-Type-Options");
	assert_string_equal(ct, want_type);
	assert_int_equal(strncmp(cd, "attachment;", 11), 0);
	snprintf(etag, sizeof(etag), "\"%s\"", hex);
	assert_string_equal(et, etag);
	assert_string_equal(nosniff, "nosniff");
	free(ct);
	free(cd);
	free(et);
	free(nosniff);
	resp_free(r);
	free(loc);
	free(want_loc);
}

static void
test_round_trips(void **state)
{
	(void)state;
	struct blob small = fixture_pdf(2000), mib = fixture_pdf(1 << 20),
	            ten = fixture_pdf(10u << 20);
	struct blob docx = fixture_docx(), odt = fixture_odt(), doc = fixture_ole("WordDocument");
	static unsigned char rtf_bytes[] = "{\\rtf1\\ansi Jane Doe\\par }";
	static unsigned char txt_bytes[] = "Jane Doe\nEngineer\n";
	struct blob rtf = {rtf_bytes, 26};
	struct blob txt = {txt_bytes, 18};
	round_trip(&small, "cv.pdf", "application/pdf");
	round_trip(&mib, "one-mebibyte.pdf", "application/pdf");
	round_trip(&ten, "ten-mebibytes.pdf", "application/pdf"); /* exactly the limit */
	round_trip(&docx, "cv.docx",
	           "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	round_trip(&odt, "cv.odt", "application/vnd.oasis.opendocument.text");
	round_trip(&doc, "cv.doc", "application/msword");
	round_trip(&rtf, "cv.rtf", "application/rtf");
	round_trip(&txt, "cv.txt", "text/plain; charset=utf-8");
	/* the name says nothing: a PDF called .txt is a PDF */
	round_trip(&small, "resume.txt", "application/pdf");
	free(small.data);
	free(mib.data);
	free(ten.data);
	free(docx.data);
	free(odt.data);
	free(doc.data);
}

static void
test_safe_download_name(void **state)
{
	(void)state;
	struct blob pdf = fixture_pdf(500);
	forbid_in_log("Lebenslauf");
	struct resp *r =
	    upload(applicant, pdf.data, pdf.len, "../../etc/Lebenslauf Zoë\".pdf", NULL);
	assert_int_equal(r->status, 201);
	assert_string_equal(json_string_value(json_object_get(r->json, "filename")),
	                    "Lebenslauf Zoë_.pdf");
	assert_string_equal(json_string_value(json_object_get(r->json, "kind")), "resume");
	char *loc = resp_header(r, "Location");
	resp_free(r);
	r = http("GET", loc, staff.hr, NULL, NULL, NULL);
	char *cd = resp_header(r, "Content-Disposition");
	assert_string_equal(cd, "attachment; filename=\"Lebenslauf Zo__.pdf\"; "
	                        "filename*=UTF-8''Lebenslauf%20Zo%C3%AB_.pdf");
	free(cd);
	resp_free(r);
	free(loc);
	free(pdf.data);
}

static void
test_refused_uploads(void **state)
{
	(void)state;
	static const unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	static const unsigned char png[] = {0x89, 'P',  'N', 'G', '\r', '\n',
	                                    0x1a, '\n', 0,   0,   0,    13};
	static const struct zip_entry plain[] = {{"a.txt", "a"}};
	struct blob zip = fixture_zip(plain, 1);
	char *before = db_value("SELECT count(*) FROM documents", NULL);

	struct resp *r =
	    upload(applicant, elf, sizeof(elf), "cv.pdf", NULL); /* an executable renamed */
	assert_problem(r, 415, NULL);
	assert_field_error(r, "file");
	resp_free(r);
	r = upload(applicant, png, sizeof(png), "cv.pdf", NULL);
	assert_problem(r, 415, NULL);
	resp_free(r);
	r = upload(applicant, zip.data, zip.len, "cv.docx", NULL);
	assert_problem(r, 415, NULL);
	resp_free(r);
	struct blob bomb =
	    fixture_docx_many(1001); /* a DOCX by its markers, a bomb by its directory */
	r = upload(applicant, bomb.data, bomb.len, "cv.docx", NULL);
	assert_problem(r, 415, "unsafe-document");
	assert_field_error(r, "file");
	resp_free(r);
	free(bomb.data);
	/*
	 * A DOCX and an ODT whose directory (and local header and data descriptor)
	 * understate a 1,000-fold entry: the directory alone passes, inflating does not.
	 */
	size_t zlen = 1u << 20;
	char *spaces = xmalloc(zlen);
	memset(spaces, ' ', zlen);
	struct blob lies[2] = {fixture_docx_with(spaces, zlen, true),
	                       fixture_odt_with(spaces, zlen)};
	fixture_zip_understate(&lies[0], "word/document.xml", 1000, true);
	fixture_zip_understate(&lies[1], "content.xml", 1000, true);
	for (int i = 0; i < 2; i++) {
		r = upload(applicant, lies[i].data, lies[i].len, i ? "cv.odt" : "cv.docx", NULL);
		assert_problem(r, 415, "unsafe-document");
		assert_field_error(r, "file");
		resp_free(r);
		free(lies[i].data);
	}
	free(spaces);
	struct blob ole = fixture_ole("WordDocument"); /* a sector shift of 65535, from the file */
	ole.data[0x1E] = ole.data[0x1F] = 0xFF;
	r = upload(applicant, ole.data, ole.len, "cv.doc", NULL);
	assert_problem(r, 415, "unsupported-document-type");
	resp_free(r);
	free(ole.data);
	r = upload(applicant, "", 0, "empty.pdf", NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "file");
	resp_free(r);
	r = upload(applicant, "hello\n", 6, "cv.txt", "photo");
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "kind");
	resp_free(r);
	char *path = xasprintf("/v1/applicants/%s/documents", applicant);
	struct part no_file[] = {{.name = "kind", .value = "resume"}, {.name = NULL}};
	r = http_form("POST", path, staff.recruiter, no_file, NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "file");
	resp_free(r);
	struct part extra[] = {{.name = "file", .data = "hi\n", .len = 3, .filename = "a.txt"},
	                       {.name = "comment", .value = "x"},
	                       {.name = NULL}};
	r = http_form("POST", path, staff.recruiter, extra, NULL);
	assert_problem(r, 422, "validation-error");
	assert_field_error(r, "comment");
	resp_free(r);
	r = http("POST", path, staff.recruiter, "application/json", "{\"file\":\"x\"}", NULL);
	assert_problem(r, 415, "unsupported-media-type");
	resp_free(r);
	r = upload("00000000-0000-4000-8000-000000000000", "hi\n", 3, "a.txt", NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	char *after = db_value("SELECT count(*) FROM documents", NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(path);
	free(zip.data);
}

static void
test_too_large(void **state)
{
	(void)state;
	size_t cap = 10u << 20;
	struct blob big = fixture_pdf(cap + 1);
	char *before = db_value("SELECT count(*) FROM documents", NULL);

	/* with Content-Length */
	struct resp *r = upload(applicant, big.data, big.len, "big.pdf", NULL);
	assert_problem(r, 413, "payload-too-large");
	resp_free(r);

	/* chunked, no Content-Length */
	static const char head_fmt[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n\r\n";
	char *head = xasprintf(
	    "POST /v1/applicants/%s/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n",
	    applicant, staff.recruiter);
	size_t body_len = strlen(head_fmt) + big.len + strlen("\r\n--XyZ--\r\n");
	char *body = xmalloc(body_len), *req = xmalloc(strlen(head) + body_len + 64);
	memcpy(body, head_fmt, strlen(head_fmt));
	memcpy(body + strlen(head_fmt), big.data, big.len);
	memcpy(body + strlen(head_fmt) + big.len, "\r\n--XyZ--\r\n", 11);
	int n = sprintf(req, "%s%zx\r\n", head, body_len);
	memcpy(req + n, body, body_len);
	memcpy(req + n + body_len, "\r\n0\r\n\r\n", 7);
	char *out = raw_request(req, (size_t)n + body_len + 7);
	assert_int_equal(strncmp(out, "HTTP/1.1 413", 12), 0);
	free(out);

	/* declared far past the cap: refused before the body is read */
	char *declared = xasprintf(
	    "POST /v1/applicants/%s/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 104857600\r\n\r\n",
	    applicant, staff.recruiter);
	out = raw_request(declared, strlen(declared));
	assert_int_equal(strncmp(out, "HTTP/1.1 413", 12), 0);
	free(out);

	char *after = db_value("SELECT count(*) FROM documents", NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(declared);
	free(req);
	free(body);
	free(head);
	free(big.data);
}

static void
test_list_delete_and_audit(void **state)
{
	(void)state;
	char *who = new_applicant();
	struct resp *a = upload(who, "first\n", 6, "a.txt", "cover_letter");
	struct resp *b = upload(who, "second\n", 7, "b.txt", "other");
	char *path = xasprintf("/v1/applicants/%s/documents", who);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "kind")),
	                    "cover_letter");
	assert_null(json_object_get(json_array_get(items, 0), "content"));
	assert_true(json_is_null(json_object_get(r->json, "next_cursor")));
	resp_free(r);

	const char *id = json_string_value(json_object_get(a->json, "id"));
	char *doc = xasprintf("/v1/documents/%s", id);
	resp_free(http("GET", doc, staff.recruiter, NULL, NULL, NULL));
	r = http("DELETE", doc, staff.recruiter, NULL, NULL, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	r = http("GET", doc, staff.recruiter, NULL, NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http("DELETE", doc, staff.recruiter, NULL, NULL, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM documents WHERE id = $1", id);
	assert_string_equal(n, "0");
	free(n);

	/* upload, read and delete each left an entry naming the document, never its name */
	char *sql = xasprintf("SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log WHERE "
	                      "target = 'document:%s'",
	                      id);
	char *actions = db_value(sql, NULL);
	assert_string_equal(actions, "document.upload,document.read,document.delete");
	free(actions);
	free(sql);
	char *leak = db_value("SELECT count(*) FROM audit_log WHERE target LIKE '%a.txt%'", NULL);
	assert_string_equal(leak, "0");
	free(leak);

	r = http_json("GET", "/v1/applicants/00000000-0000-4000-8000-000000000000/documents",
	              staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	r = http_json("GET", "/v1/documents/nope", staff.recruiter, NULL);
	assert_problem(r, 404, "not-found");
	resp_free(r);
	/* deleting the applicant takes the documents along */
	r = http("DELETE", "/v1/applicants/x", staff.hr, NULL, NULL, NULL);
	resp_free(r);
	char *del = xasprintf("/v1/applicants/%s", who);
	r = http("DELETE", del, staff.hr, NULL, NULL, NULL);
	assert_int_equal(r->status, 204);
	resp_free(r);
	n = db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", who);
	assert_string_equal(n, "0");
	free(n);
	char *bdoc =
	    xasprintf("/v1/documents/%s", json_string_value(json_object_get(b->json, "id")));
	r = http("GET", bdoc, staff.recruiter, NULL, NULL, NULL);
	assert_true(r->status == 404 || r->status == 410);
	resp_free(r);
	r = http_json("GET", path, staff.recruiter, NULL);
	assert_problem(r, 410, NULL);
	resp_free(r);
	free(bdoc);
	free(del);
	free(doc);
	free(path);
	resp_free(a);
	resp_free(b);
	free(who);
}

static int
setup(void **state)
{
	api_start(state);
	applicant = new_applicant();
	return 0;
}

static int
teardown(void **state)
{
	free(applicant);
	return api_stop(state);
}

/* The documents list pages like every list: oldest first, limit and cursor. */
static void
test_list_pages(void **state)
{
	(void)state;
	char *who = new_applicant();
	for (int i = 0; i < 3; i++) {
		struct resp *r = upload(who, "page\n", 5, "p.txt", NULL);
		assert_int_equal(r->status, 201);
		resp_free(r);
	}
	char *path = xasprintf("/v1/applicants/%s/documents?limit=2", who);
	struct resp *r = http_json("GET", path, staff.recruiter, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	const char *cursor = sget(r->json, "next_cursor");
	assert_non_null(cursor);
	char *next = xasprintf("/v1/applicants/%s/documents?limit=2&cursor=%s", who, cursor);
	struct resp *r2 = http_json("GET", next, staff.recruiter, NULL);
	assert_int_equal(r2->status, 200);
	assert_int_equal(json_array_size(json_object_get(r2->json, "items")), 1);
	assert_true(json_is_null(json_object_get(r2->json, "next_cursor")));
	/* no document twice, none left out */
	const char *a = sget(json_array_get(json_object_get(r->json, "items"), 1), "id");
	const char *b = sget(json_array_get(json_object_get(r2->json, "items"), 0), "id");
	assert_string_not_equal(a, b);
	resp_free(r2);
	resp_free(r);
	free(next);
	free(path);
	free(who);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trips),           cmocka_unit_test(test_safe_download_name),
	    cmocka_unit_test(test_refused_uploads),       cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_list_delete_and_audit), cmocka_unit_test(test_list_pages),
	};
	return cmocka_run_group_tests_name("api documents", tests, setup, teardown);
}
