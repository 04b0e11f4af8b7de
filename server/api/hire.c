/*
 * hire: the transfer of a hired applicant's recruitment record into the
 * employee archive. It is a move, not a copy, and it happens in one
 * transaction:
 *   1. lock the application (it must be at offer) and the applicant;
 *   2. move it to hired and every other open application of the applicant
 *      to withdrawn (reason "hired"), with history, stage events and audit;
 *   3. read the record as it now stands and stream the sealed archive into
 *      its chunks, each document read in slices (memory stays a few MiB,
 *      whatever the documents' sizes);
 *   4. store the employee with the archive's size and hash, leave a tombstone that says
 *      "transferred" and names the employee, delete the recruitment record
 *      (contact data, documents, applications, history, evaluations,
 *      tokens go with it), and audit the transfer;
 *   5. commit.
 * A failure at any step, a killed process included, leaves everything as
 * it was. The de-identified stage events stay, so the funnel is unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/transfer.h"
#include "domain/upload.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/idempotency.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/employees.h"
#include "store/erasure.h"

struct hire {
	const char *application_id, *applicant_id, *hired_at, *start_date, *employee_number;
	char employee_id[37];
	time_t mtime;
	size_t archive_len;
	char sha[2 * SHA256_LEN + 1];
};

/* Step 1: the application must be at offer. 0, or -1 with the problem set. */
static int
check_offer(struct req *r, struct db *db, const PGresult *cur)
{
	const char *stage = PQgetvalue(cur, 0, 0);

	if (strcmp(stage, "offer") == 0)
		return 0;
	req_problem(r)->slug = strcmp(stage, "hired") == 0 ? "already-hired" : "invalid-transition";
	problem_extra(req_problem(r), "from", json_string(stage));
	problem_extra(req_problem(r), "to", json_string("hired"));
	(void)db;
	return req_fail(r, 409, "cannot move from %s to hired: a hire needs the offer stage",
	                stage);
}

/* No application by that id: hired already (409), or never there (404). */
static int
fail_absent(struct req *r, struct db *db, const char *id)
{
	const char *params[1] = {id};
	PGresult *res = db_run(db, &employees_hired_before, 1, params);
	int rc;

	if (res == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 1) {
		req_problem(r)->slug = "already-hired";
		problem_extra(req_problem(r), "employee_id", json_string(PQgetvalue(res, 0, 0)));
		rc = req_fail(
		    r, 409,
		    "this application was hired already; the record is in the employee archive");
	} else {
		rc = req_fail(r, 404, "no application with this id");
	}
	PQclear(res);
	return rc;
}

/*
 * The archive's bytes go to the database in chunks of CHUNK_BYTES as
 * libarchive writes them, so a hire holds one document and one chunk at a
 * time (make bench and the API test measure it).
 */
#define CHUNK_BYTES (1u << 20)

struct chunker {
	struct db *db;
	const char *employee_id;
	int seq;
	unsigned char *buf;
	size_t len;
};

static int
flush_chunk(struct chunker *c)
{
	char seq[16];

	if (c->len == 0)
		return 0;
	if (!db_fits(c->db, c->len))
		return -1;
	snprintf(seq, sizeof(seq), "%d", c->seq++);
	const char *params[3] = {c->employee_id, seq, (const char *)c->buf};
	int lengths[3] = {0, 0, (int)c->len}, formats[3] = {0, 0, 1};
	PGresult *res =
	    db_run_binary(c->db, &employees_insert_chunk, 3, params, lengths, formats, 0);
	PQclear(res);
	c->len = 0;
	return res ? 0 : -1;
}

static int
to_chunks(void *cls, const void *data, size_t len)
{
	struct chunker *c = cls;

	while (len > 0) {
		size_t n = CHUNK_BYTES - c->len < len ? CHUNK_BYTES - c->len : len;
		memcpy(c->buf + c->len, data, n);
		c->len += n;
		data = (const unsigned char *)data + n;
		len -= n;
		if (c->len == CHUNK_BYTES && flush_chunk(c) != 0)
			return -1;
	}
	return 0;
}

/* One document's bytes, read a slice of CHUNK_BYTES at a time. 0, or -1 (*db_failed when reading).
 */
static int
add_document(struct db *db, struct transfer_writer *w, const char *id, size_t len, bool *db_failed)
{
	if (transfer_add_begin(w) != 0)
		return -1;
	for (size_t off = 0; off < len; off += CHUNK_BYTES) {
		size_t n;
		unsigned char *one = documents_slice(db, id, off, CHUNK_BYTES, &n);
		int rc = one ? transfer_add_data(w, one, n) : -1;
		*db_failed = one == NULL;
		if (one)
			explicit_bzero(one, n);
		free(one);
		if (rc != 0)
			return -1;
	}
	return transfer_add_end(w);
}

static int
add_documents(struct db *db, struct transfer_writer *w, const PGresult *docs, bool *db_failed)
{
	for (int i = 0; i < PQntuples(docs); i++)
		if (add_document(db, w, PQgetvalue(docs, i, 0),
		                 (size_t)strtoull(PQgetvalue(docs, i, 2), NULL, 10),
		                 db_failed) != 0)
			return -1;
	return 0;
}

/* Stream the archive of the record as it now stands into its chunks. 0, or -1 with a problem. */
static int
stream_archive(struct req *r, struct db *db, struct hire *h, json_t *applicant, const char *apps,
               const PGresult *docs)
{
	size_t n = (size_t)PQntuples(docs);
	struct transfer_doc_meta *meta = xcalloc(n + 1, sizeof(*meta));
	struct chunker c = {db, h->employee_id, 0, xmalloc(CHUNK_BYTES), 0};
	unsigned char digest[SHA256_LEN];
	bool db_failed = false;
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		meta[i] = (struct transfer_doc_meta){
		    PQgetvalue(docs, (int)i, 1),
		    (size_t)strtoull(PQgetvalue(docs, (int)i, 2), NULL, 10),
		    PQgetvalue(docs, (int)i, 3)};
	char *applicant_text = json_dumps(applicant, JSON_INDENT(2));
	struct transfer_head head = {
	    h->employee_id, h->applicant_id, h->hired_at, h->mtime, applicant_text, apps, meta, n};
	struct transfer_writer *w = transfer_begin(&head, to_chunks, &c);
	if (w != NULL && add_documents(db, w, docs, &db_failed) != 0) {
		transfer_abort(w);
		w = NULL;
	}
	if (w != NULL && transfer_finish(w, digest, &h->archive_len) == 0 && flush_chunk(&c) == 0) {
		hex_encode(digest, SHA256_LEN, h->sha);
		rc = 0;
	} else if (db_failed || db_failure(db) != DB_OK) {
		rc = rest_fail_db(r, db);
	} else {
		rc = req_fail(r, 500, "the archive could not be built (request %s)", req_id(r));
	}
	free(applicant_text);
	free(meta);
	free(c.buf);
	return rc;
}

/* Step 3: read the record as it now stands and seal it. */
static int
build_archive(struct req *r, struct db *db, struct hire *h)
{
	json_t *applicant = NULL;
	char *apps = applicants_current(db, h->applicant_id, &applicant, NULL) == 0
	                 ? employees_applications(db, h->applicant_id)
	                 : NULL;
	PGresult *docs = apps ? documents_manifest(db, h->applicant_id) : NULL;
	int rc = docs ? stream_archive(r, db, h, applicant, apps, docs) : rest_fail_db(r, db);

	PQclear(docs);
	free(apps);
	json_decref(applicant);
	return rc;
}

static json_t *
reply_doc(const struct hire *h)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:I, s:s}}", "employee_id", h->employee_id,
	                 "applicant_id", h->applicant_id, "hired_at", h->hired_at, "archive",
	                 "format", "tar.gz", "size", (json_int_t)h->archive_len, "sha256", h->sha);
}

/* A retried keyed hire: what the first one answered, read again from the employee it made. */
static int
replay_hire(struct req *r, struct db *db, const struct idem_answer *first)
{
	const char *params[1] = {first->resource_id};
	PGresult *res = db_run(db, &employees_get_employee, 1, params);

	if (res == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return req_fail(r, 404, "no employee with this id");
	}
	json_t *e = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	json_t *doc =
	    json_pack("{s:O, s:O, s:O, s:O}", "employee_id", json_object_get(e, "id"),
	              "applicant_id", json_object_get(e, "applicant_id"), "hired_at",
	              json_object_get(e, "hired_at"), "archive", json_object_get(e, "archive"));
	json_decref(e);
	idem_replayed(r);
	reply_header(r, "Location", first->location);
	return reply_json(r, first->status, doc);
}

/* Steps 2 to 5 once the application is locked at offer, then the commit: 0 done, -1 problem. */
static int
transfer_record(struct req *r, const struct flow *f, const struct idem *k, struct hire *h)
{
	struct db *db = f->db;
	const char *move[4] = {h->application_id, h->applicant_id, req_actor(r)->name, req_id(r)};
	char size[24];
	PGresult *res = NULL;
	bool transferred = false;

	/* the applicant's row is locked already (employees_lock_applicant_of, first of all) */
	if (db_do(db, &employees_close_applications, 4, move) != 0)
		return rest_fail_db(r, db);
	if (build_archive(r, db, h) != 0)
		return -1;
	snprintf(size, sizeof(size), "%zu", h->archive_len);
	const char *params[7] = {h->employee_id,  h->employee_number,
	                         h->applicant_id, h->application_id,
	                         h->start_date,   size,
	                         h->sha};
	if ((res = db_run(db, &employees_insert_employee, 7, params)) == NULL ||
	    erasure_transfer(db, h->applicant_id, h->employee_id, req_actor(r)->name, req_id(r),
	                     &transferred) != 0) {
		PQclear(res);
		return rest_fail_db(r, db);
	}
	PQclear(res);
	if (!transferred) /* the record was not there to remove: nothing of the hire stays */
		return req_fail(r, 409,
		                "the applicant's record could not be removed; nothing changed");
	/* With an Idempotency-Key the answer is kept (the employee's id), in the same transaction.
	 */
	char *location = xasprintf("/v1/employees/%s", h->employee_id);
	int rc = idem_commit(f, k, 201, h->employee_id, location);
	free(location);
	return rc;
}

static int
check_body(struct req *r, json_t *body)
{
	static const char *const keys[] = {"start_date", "employee_number", NULL};
	const char *date = json_string_value(json_object_get(body, "start_date"));
	const char *number = json_string_value(json_object_get(body, "employee_number"));

	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	if (date == NULL || !is_date(date))
		problem_field(req_problem(r), "start_date", "is required: a date, YYYY-MM-DD");
	if (number == NULL || strlen(number) == 0 || strlen(number) > 64 ||
	    strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./") !=
	        strlen(number))
		problem_field(req_problem(r), "employee_number",
		              "is required: 1 to 64 of A-Z a-z 0-9 - _ . /");
	return req_fail_fields(r);
}

int
hire_create(struct req *r)
{
	struct hire h = {.application_id = req_param(r, 0)};
	struct idem_answer first;
	struct idem key, *k;
	struct flow f;
	json_t *body;
	struct db *db;
	PGresult *cur = NULL;
	int rc;

	if (!is_uuid(h.application_id))
		return req_fail(r, 404, "no application with this id");
	if ((body = req_json(r)) == NULL || check_body(r, body) != 0 ||
	    (rc = idem_of(r, "hire", &key)) < 0 || rest_flow(r, &f) != 0)
		return -1;
	k = IDEM_OR_NULL(rc, &key);
	db = f.db;
	/* the key first: a twin in flight waits, then finds the answer */
	if ((rc = idem_begin(&f, k, &first)) != 0)
		return rc < 0 ? -1 : replay_hire(r, db, &first);
	h.start_date = json_string_value(json_object_get(body, "start_date"));
	h.employee_number = json_string_value(json_object_get(body, "employee_number"));
	if (uuid_v4(h.employee_id) != 0)
		return req_fail(r, 503, "no randomness available; retry");
	const char *params[1] = {h.application_id}, *number[1] = {h.employee_number};
	if (db_do(db, &employees_lock_applicant_of, 1, params) != 0 ||
	    (cur = db_run(db, &employees_lock_offer, 1, params)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(cur) == 0) {
		rc = fail_absent(r, db, h.application_id);
	} else if ((rc = check_offer(r, db, cur)) == 0) {
		PGresult *taken = db_run(db, &employees_number_taken, 1, number);
		if (taken == NULL) {
			rc = rest_fail_db(r, db);
		} else if (PQntuples(taken) > 0) {
			req_problem(r)->slug = "employee-number-taken";
			problem_field(req_problem(r), "employee_number",
			              "belongs to another employee");
			rc = req_fail(r, 409, "this employee number is in use");
		} else {
			h.applicant_id = PQgetvalue(cur, 0, 1);
			h.hired_at = PQgetvalue(cur, 0, 2);
			h.mtime = (time_t)atoll(PQgetvalue(cur, 0, 3));
			rc = transfer_record(r, &f, k, &h);
		}
		PQclear(taken);
	}
	if (rc == 0) {
		char *location = xasprintf("/v1/employees/%s", h.employee_id);
		reply_header(r, "Location", location);
		free(location);
		rc = reply_json(r, 201, reply_doc(&h));
	}
	PQclear(cur);
	return rc; /* on failure the open transaction is rolled back when the connection goes back
	            */
}

/* ------------------------------------------------------------------ */
/* the employee archive                                                 */

int
employees_get(struct req *r)
{
	return rest_get_by_id(r, &employees_get_employee, "employee");
}

static void
release_result(void *res)
{
	PQclear(res);
}

int
employees_archive(struct req *r)
{
	const char *id = req_param(r, 0);
	struct db *db;
	PGresult *res;
	char etag[2 * SHA256_LEN + 3];

	static const char *const none[] = {NULL};

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no employee with this id");
	if ((db = req_db(r)) == NULL)
		return -1;
	const char *params[3] = {id, req_actor(r)->name, req_id(r)};
	if ((res = db_run_binary(db, &employees_read_archive, 3, params, NULL, NULL, 1)) == NULL)
		return rest_fail_db(r, db);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return req_fail(r, 404, "no employee with this id");
	}
	char *name = xasprintf("employee-%s.tar.gz", PQgetvalue(res, 0, 0));
	char *disposition = upload_disposition(name);
	reply_header(r, "Content-Disposition", disposition);
	snprintf(etag, sizeof(etag), "\"%s\"", PQgetvalue(res, 0, 1));
	reply_header(r, "ETag", etag);
	free(disposition);
	free(name);
	return reply_owned(r, 200, "application/gzip", PQgetvalue(res, 0, 2),
	                   (size_t)PQgetlength(res, 0, 2), release_result, res);
}
