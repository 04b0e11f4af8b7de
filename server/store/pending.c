/*
 * pending: submissions waiting for their confirmation code. See pending.h.
 * A submission is sealed under a random key of its own in the key database
 * (never one derived from the e-mailed code, which the outbox, WAL and a
 * kept e-mail hold): confirmed or expired, its row goes and its key with it
 * (migration 0030's trigger queues it; destroyed once that commits), so no
 * copy of it opens afterwards, a restored backup's included. Rows from
 * before (key_id NULL) open under the code's key until they expire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "documents_rows.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/erasure.h"
#include "store/pending.h"
#include "store/vault.h"

/* The key a submission of before the random keys is sealed under: HMAC-SHA256 keyed by its code. */
static void
code_key(const char *code, unsigned char key[SEAL_KEY_LEN])
{
	static const char label[] = "recruitd pending submission";
	struct hmac_key *h = hmac_prepare(code, strlen(code));

	if (h == NULL)
		abort(); /* out of memory */
	hmac_sha256(h, label, sizeof(label) - 1, key);
	hmac_free(h);
}

static struct db_stmt insert_pending = DB_STMT(
    "INSERT INTO pending_submissions (code_sha256, sealed, email_hash, opening_id, "
    "  marketing_opt_in, sharing_opt_out, privacy_notice_version, content_type, size, "
    "  sha256, content, expires_at, key_id) "
    "SELECT $1, $2::bytea, $3::bytea, o.id, $4::boolean, $5::boolean, $6, $7, $8::bigint, $9, "
    "  $10::bytea, now() + make_interval(hours => $11::int), $13::uuid "
    "FROM openings o WHERE o.id = $12::uuid AND o.status = 'open' RETURNING id");

int
pending_insert(struct db *db, const struct pending_new *p)
{
	unsigned char key[SEAL_KEY_LEN], *content;
	char size[24], hours[8], *contact, *sealed, *hash = NULL, kid[37];
	size_t content_len;
	bool failed = false;
	PGresult *res;
	int rc;

	if (vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	json_t *doc = json_pack("{s:s, s:s, s:s?, s:s}", "full_name", p->full_name, "email",
	                        p->email, "phone", p->phone, "filename", p->filename);
	contact = jsonx_dump(doc);
	json_decref(doc);
	sealed = vault_seal_text(key, p->code_sha256, "contact", contact, &failed);
	content = vault_seal_segments(key, p->code_sha256, "resume", p->data, p->len, &content_len);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(contact, strlen(contact));
	free(contact);
	/* the address's hash under the current epoch's index key: it dies with the epoch */
	char set[VAULT_INDEX_ID_LEN];
	if (failed || content == NULL || applicants_email_hash(db, p->email, &hash, set) != 0) {
		free(sealed);
		free(content);
		db_mark_unavailable(db);
		rc = -1;
		goto out;
	}
	if (!db_fits(db, content_len)) {
		free(sealed);
		free(hash);
		free(content);
		rc = -1;
		goto out;
	}
	snprintf(size, sizeof(size), "%zu", p->len);
	snprintf(hours, sizeof(hours), "%d", PENDING_HOURS);
	const char *params[13] = {p->code_sha256,
	                          sealed,
	                          hash,
	                          p->marketing_opt_in ? "true" : "false",
	                          p->sharing_opt_out ? "true" : "false",
	                          p->notice_version,
	                          p->content_type,
	                          size,
	                          p->sha256,
	                          (const char *)content,
	                          hours,
	                          p->opening_id,
	                          kid};
	int lengths[13] = {[9] = (int)content_len}, formats[13] = {[9] = 1};
	rc = -1;
	if ((res = db_run_binary(db, &insert_pending, 13, params, lengths, formats, 0)) != NULL) {
		rc = PQntuples(res) == 1 ? 0 : 1;
		PQclear(res);
	}
	free(sealed);
	free(hash);
	free(content);
out:
	if (rc != 0 && vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key",
		        "a key made for a submission not stored stays unused");
	return rc;
}

static struct db_stmt take_pending =
    DB_STMT("SELECT id::text, sealed, content, size::text, full_name, email, phone, filename, "
            "  key_id::text FROM pending_submissions "
            "WHERE code_sha256 = $1 AND expires_at > now() FOR UPDATE");

void
pending_open_free(struct pending_open *p)
{
	char *s[4] = {p->full_name, p->email, p->phone, p->filename};

	for (int i = 0; i < 4; i++) {
		if (s[i])
			explicit_bzero(s[i], strlen(s[i]));
		free(s[i]);
	}
	if (p->data)
		explicit_bzero(p->data, p->len);
	free(p->data);
	memset(p, 0, sizeof(*p));
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * Open row 0 of take_pending's binary result: 0, 1 when it does not open
 * (its key is gone), -1 when the key database cannot answer.
 */
static int
open_row(const PGresult *row, const char *code, const char *code_sha256, struct pending_open *out)
{
	size_t size = strtoull(PQgetvalue(row, 0, 3), NULL, 10), len = 0;
	const unsigned char *content = (const unsigned char *)PQgetvalue(row, 0, 2);
	size_t content_len = (size_t)PQgetlength(row, 0, 2);

	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(row, 0, 0));
	if (PQgetisnull(row, 0, 1)) { /* from before the keys: as it was stored */
		out->full_name = xstrdup(PQgetvalue(row, 0, 4));
		out->email = xstrdup(PQgetvalue(row, 0, 5));
		out->phone = PQgetisnull(row, 0, 6) ? NULL : xstrdup(PQgetvalue(row, 0, 6));
		out->filename = xstrdup(PQgetvalue(row, 0, 7));
		out->data = xmalloc(content_len + 1);
		memcpy(out->data, content, content_len);
		out->len = content_len;
		return 0;
	}
	unsigned char key[SEAL_KEY_LEN];
	if (PQgetisnull(row, 0, 8)) {
		code_key(code, key);
	} else {
		int k = vault_key(PQgetvalue(row, 0, 8), key);
		if (k != 0)
			return k;
	}
	size_t clen;
	char *contact = (char *)vault_unseal(key, code_sha256, "contact", PQgetvalue(row, 0, 1),
	                                     (size_t)PQgetlength(row, 0, 1), &clen);
	out->data = xmalloc(content_len + 1);
	int rc = contact != NULL &&
	                 vault_open_segments(key, code_sha256, "resume", size, 0, content,
	                                     content_len, out->data, &len) == 0 &&
	                 len == size
	             ? 0
	             : 1;
	explicit_bzero(key, sizeof(key));
	out->len = len;
	json_t *doc = rc == 0 ? json_loads(contact, 0, NULL) : NULL;
	if (contact) {
		explicit_bzero(contact, clen);
		free(contact);
	}
	if (doc == NULL) {
		pending_open_free(out);
		return 1;
	}
	out->full_name = dup_or_null(json_string_value(json_object_get(doc, "full_name")));
	out->email = dup_or_null(json_string_value(json_object_get(doc, "email")));
	out->phone = dup_or_null(json_string_value(json_object_get(doc, "phone")));
	out->filename = dup_or_null(json_string_value(json_object_get(doc, "filename")));
	json_decref(doc);
	if (out->full_name == NULL || out->email == NULL || out->filename == NULL) {
		pending_open_free(out);
		return 1;
	}
	return 0;
}

int
pending_take(struct db *db, const char *code, const char *code_sha256, struct pending_open *out)
{
	const char *params[1] = {code_sha256};
	PGresult *row = db_run_binary(db, &take_pending, 1, params, NULL, NULL, 1);
	int rc;

	memset(out, 0, sizeof(*out));
	if (row == NULL)
		return -1;
	rc = PQntuples(row) == 1 ? open_row(row, code, code_sha256, out) : 1;
	PQclear(row);
	if (rc < 0)
		db_mark_unavailable(db);
	return rc;
}

/* The applicant's application to the submission's opening, if any, and whether that is open. */
static struct db_stmt pending_state =
    DB_STMT("SELECT (SELECT p.id FROM applications p WHERE p.applicant_id = $2 "
            "    AND p.opening_id = s.opening_id), o.status = 'open' "
            "FROM pending_submissions s JOIN openings o ON o.id = s.opening_id WHERE s.id = $1");

static struct db_stmt attach = DB_STMT(
    "WITH s AS (DELETE FROM pending_submissions WHERE id = $1 RETURNING *), "
    "p AS (INSERT INTO applications (applicant_id, opening_id, stage) "
    "  SELECT $2::uuid, opening_id, 'applied' FROM s RETURNING id, track, opening_id), "
    "h AS (INSERT INTO application_history (application_id, from_stage, to_stage, actor) "
    "  SELECT id, NULL, 'applied', 'applicant' FROM p), "
    "e AS (INSERT INTO stage_events (track, opening_id, stage) "
    "  SELECT track, opening_id, 'applied' FROM p), "
    "d AS (INSERT INTO documents (id, applicant_id, kind, filename_sealed, content_type, size, "
    "    sha256, content, sealed, key_id) "
    "  SELECT $6::uuid, $2::uuid, 'resume', $4::bytea, content_type, size, sha256, $5::bytea, "
    "    true, "
    "    $7::uuid "
    "  FROM s "
    "  RETURNING id), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT 'applicant', v.action, $2::uuid, v.target, $3 FROM p, d, LATERAL (VALUES "
    "    ('application.create', 'application:' || p.id), "
    "    ('document.upload', 'document:' || d.id)) v(action, target)) "
    "SELECT p.id FROM p");

int
pending_attach(struct db *db, const struct pending_open *p, const char *applicant_id,
               const char *request_id, char application_id[37])
{
	const char *params[3] = {p->id, applicant_id, request_id};
	unsigned char key[SEAL_KEY_LEN], *content;
	size_t content_len;
	PGresult *row;
	int rc;

	if ((rc = db_row(db, &pending_state, 2, params, &row)) != 0)
		return rc < 0 ? -1 : 1;
	if (!PQgetisnull(row, 0, 0)) {
		snprintf(application_id, 37, "%s", PQgetvalue(row, 0, 0));
		rc = 2;
	} else if (PQgetvalue(row, 0, 1)[0] != 't') {
		rc = 1;
	}
	PQclear(row);
	if (rc != 0)
		return rc;
	/* The resume, sealed under a key of its own as any document. */
	char doc[37], kid[37], field[DOCUMENTS_FIELD_LEN];
	if (uuid_v4(doc) != 0 || vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db); /* no randomness, or no key database: 503 */
		return -1;
	}
	documents_field(field, doc);
	content = vault_seal_segments(key, applicant_id, field, p->data, p->len, &content_len);
	char *name = documents_name_seal(key, applicant_id, doc, p->filename);
	explicit_bzero(key, sizeof(key));
	if (content == NULL || name == NULL || !db_fits(db, content_len)) {
		free(content);
		free(name);
		return -1;
	}
	const char *p7[7] = {p->id, applicant_id, request_id, name, (const char *)content,
	                     doc,   kid};
	int lengths[7] = {[4] = (int)content_len}, formats[7] = {[4] = 1};
	row = db_run_binary(db, &attach, 7, p7, lengths, formats, 0);
	free(content);
	free(name);
	rc = row == NULL ? -1 : PQntuples(row) != 1 ? 1 : 0;
	if (rc == 0) {
		snprintf(application_id, 37, "%s", PQgetvalue(row, 0, 0));
		erasure_shred_after_commit(db); /* the submission's key: its purpose has ended */
	}
	PQclear(row);
	if (rc != 0 && vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a document not stored stays unused");
	return rc;
}

static struct db_stmt sweep = DB_STMT(
    "WITH s AS (DELETE FROM pending_submissions WHERE expires_at <= now() AND NOT $1::boolean "
    "  RETURNING 1) "
    "SELECT CASE WHEN $1::boolean THEN (SELECT count(*) FROM pending_submissions "
    "  WHERE expires_at <= now()) ELSE (SELECT count(*) FROM s) END");

int
pending_sweep(struct db *db, bool dry, long *n)
{
	const char *params[1] = {dry ? "true" : "false"};
	int rc = db_count(db, &sweep, 1, params, n);

	if (rc == 0 && !dry && *n > 0)
		erasure_shred_after_commit(db); /* their keys (queued by the rows' trigger) */
	return rc;
}
