/*
 * documents: an applicant's documents and their exact bytes. See
 * documents.h. The bytes are sealed under the document's own key in
 * segments (store/vault.h), so a slice is read and opened without the rest,
 * and deleting the document (its row's trigger queues the key, migration
 * 0030) makes every copy of it unreadable without touching anything else; a
 * document from before the document keys (key_id NULL) is sealed under the
 * applicant's data key, whose id is the applicant's;
 * a document stored before the keys (sealed false) is read as it is until
 * `recruitctl keys seal-existing` seals it. The bytes travel in binary both
 * ways, never as escaped text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/log.h"
#include "documents_rows.h"
#include "store/db.h"
#include "store/documents.h"
#include "store/erasure.h"
#include "store/vault.h"

/* The applicant's row is locked first, so two uploads cannot both pass the quota. */
void
documents_field(char out[DOCUMENTS_FIELD_LEN], const char *id)
{
	snprintf(out, DOCUMENTS_FIELD_LEN, "document:%s", id);
}

/* A restricted record is left out unless the caller may see it ($2). */
static struct db_stmt lock_applicant =
    DB_STMT("SELECT 1 FROM applicants WHERE id = $1 AND (restricted_at IS NULL OR $2::boolean) "
            "FOR NO KEY UPDATE");

static struct db_stmt quota_used =
    DB_STMT("SELECT count(*), coalesce(sum(size), 0) FROM documents WHERE applicant_id = $1");

static struct db_stmt insert_document = DB_STMT(
    "WITH a AS (SELECT id FROM applicants WHERE id = $1), "
    "d AS (INSERT INTO documents (id, applicant_id, kind, filename_sealed, content_type, size, "
    "sha256, content, sealed, key_id) "
    "  SELECT $10::uuid, a.id, $2, $3::bytea, $4, $5::bigint, $6, $7::bytea, true, $11::uuid "
    "FROM a RETURNING id, applicant_id, kind, filename, content_type, size, sha256, created_at), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $8, 'document.upload', applicant_id, 'document:' || id, $9 FROM d) "
    "SELECT id, applicant_id, kind, filename, content_type, size, sha256, rfc3339(created_at) FROM "
    "d");

static struct db_stmt read_document = DB_STMT(
    "WITH d AS (SELECT d.id, d.applicant_id, d.filename, d.filename_sealed, d.content_type, "
    "  d.sha256, d.content, "
    "  d.size, d.sealed, coalesce(d.key_id, d.applicant_id)::text AS key_id, "
    "  d.applicant_id::text AS applicant FROM documents d JOIN applicants a ON a.id = "
    "d.applicant_id "
    "  WHERE d.id = $1 AND ($2::uuid IS NULL OR d.applicant_id = $2::uuid) "
    "  AND (a.restricted_at IS NULL OR $5::boolean)), "
    "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
    "  SELECT $3, 'document.read', applicant_id, 'document:' || id, $4 FROM d) "
    "SELECT filename, content_type, sha256, content, key_id, size::text, "
    "  sealed::text, applicant, filename_sealed::text FROM d");

/* The applicant's row (none: not on record, or not to be seen), then one row per document. */
static struct db_stmt list_documents = DB_STMT(
    "SELECT d.id, d.applicant_id, d.kind, d.filename, d.content_type, d.size, d.sha256, "
    "  rfc3339(d.created_at), " DOCUMENT_NAME("d") " FROM applicants a "
                                                   "LEFT JOIN documents d ON d.applicant_id = a.id "
                                                   "WHERE a.id = $1 AND (a.restricted_at IS NULL "
                                                   "OR $2::boolean) ORDER BY d.created_at, d.id");

static struct db_stmt delete_document =
    DB_STMT("WITH d AS (DELETE FROM documents d USING applicants a WHERE d.id = $1 "
            "  AND a.id = d.applicant_id AND (a.restricted_at IS NULL OR $4::boolean) "
            "  RETURNING d.id, d.applicant_id), "
            "l AS (INSERT INTO audit_log (actor, action, applicant_id, target, request_id) "
            "  SELECT $2, 'document.delete', applicant_id, 'document:' || id, $3 FROM d) "
            "SELECT count(*) FROM d");

/*
 * The applicant's own removal, judged with their row locked (so two
 * removals cannot each leave the other as the last resume): whether the
 * document is the last resume while an application is open.
 */
/* 'r' restricted (kept under a legal floor or hold), 'l' the last resume of an open application */
static struct db_stmt own_removal =
    DB_STMT("SELECT CASE WHEN a.restricted_at IS NOT NULL THEN 'r' "
            "  WHEN d.kind = 'resume' "
            "  AND EXISTS (SELECT 1 FROM applications p WHERE p.applicant_id = a.id "
            "    AND p.stage NOT IN ('hired', 'rejected', 'withdrawn')) "
            "  AND NOT EXISTS (SELECT 1 FROM documents o WHERE o.applicant_id = a.id "
            "    AND o.kind = 'resume' AND o.id <> d.id) THEN 'l' ELSE '' END "
            "FROM applicants a JOIN documents d ON d.applicant_id = a.id "
            "WHERE a.id = $2::uuid AND d.id = $1::uuid FOR UPDATE OF a");

static struct db_stmt manifest_of_applicant =
    DB_STMT("SELECT d.id, d.filename, d.size, d.sha256, " DOCUMENT_NAME(
        "d") " FROM documents d WHERE d.applicant_id = $1 ORDER BY d.created_at, d.id");

/*
 * A slice of a document's bytes (content is stored EXTERNAL: a slice reads
 * only its pages): the whole segments holding it ($2, $3), or the plain
 * bytes of one stored before the keys ($4, $5).
 */
static struct db_stmt slice_of =
    DB_STMT("SELECT CASE WHEN sealed THEN substring(content FROM $2::int FOR $3::int) "
            "  ELSE substring(content FROM $4::int FOR $5::int) END, applicant_id::text, "
            "  size::text, sealed::text, coalesce(key_id, applicant_id)::text "
            "FROM documents WHERE id = $1");

char *
documents_row_name(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return PQgetisnull(res, row, col + 1) ? NULL
		                                      : xstrdup(PQgetvalue(res, row, col + 1));
	unsigned char key[SEAL_KEY_LEN];
	char field[DOCUMENTS_FIELD_LEN + 8], *name = NULL;

	snprintf(field, sizeof(field), "name:%s", PQgetvalue(res, row, col + 4));
	if (vault_key(PQgetvalue(res, row, col + 2), key) == 0)
		name = vault_open_text(key, PQgetvalue(res, row, col + 3), field,
		                       PQgetvalue(res, row, col));
	explicit_bzero(key, sizeof(key));
	return name;
}

char *
documents_name_seal(const unsigned char key[SEAL_KEY_LEN], const char *applicant_id, const char *id,
                    const char *name)
{
	char field[DOCUMENTS_FIELD_LEN + 8];
	bool failed = false;

	snprintf(field, sizeof(field), "name:%s", id);
	char *sealed = vault_seal_text(key, applicant_id, field, name, &failed);
	if (failed) {
		free(sealed);
		return NULL;
	}
	return sealed;
}

static json_t *
metadata(const PGresult *res, int row, bool self_view, const char *name)
{
	json_t *doc =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", PQgetvalue(res, row, 0),
	              "applicant_id", PQgetvalue(res, row, 1), "kind", PQgetvalue(res, row, 2),
	              "filename", name ? name : "", "content_type", PQgetvalue(res, row, 4), "size",
	              (json_int_t)atoll(PQgetvalue(res, row, 5)), "sha256", PQgetvalue(res, row, 6),
	              "created_at", PQgetvalue(res, row, 7));
	if (self_view) { /* DESIGN: {id, kind, filename, content_type, size, created_at} */
		json_object_del(doc, "applicant_id");
		json_object_del(doc, "sha256");
	}
	return doc;
}

/* Lock the applicant and judge the quota: 0 room, 1 no applicant, 2 full, -1 failure. */
static int
room_for(struct db *db, const struct document_new *d)
{
	const char *params[2] = {d->applicant_id, d->sees_restricted ? "true" : "false"};
	PGresult *res;
	int rc;

	if ((res = db_run(db, &lock_applicant, 2, params)) == NULL)
		return -1;
	rc = PQntuples(res) == 1 ? 0 : 1;
	PQclear(res);
	if (rc != 0)
		return rc;
	if ((res = db_run(db, &quota_used, 1, params)) == NULL)
		return -1;
	long count = atol(PQgetvalue(res, 0, 0));
	unsigned long long bytes = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return count >= d->max_count || bytes + d->len > d->max_bytes ? 2 : 0;
}

int
documents_insert(struct db *db, const struct document_new *d, const char *actor,
                 const char *request_id, json_t **meta)
{
	char size[24];
	PGresult *res;
	int rc;

	unsigned char key[SEAL_KEY_LEN], *sealed;
	size_t sealed_len;

	if (!db_fits(db, vault_segments_len(d->len)) || db_begin(db) != 0)
		return -1;
	if ((rc = room_for(db, d)) != 0) {
		db_rollback(db);
		return rc;
	}
	char id[37], kid[37], field[DOCUMENTS_FIELD_LEN];
	if (uuid_v4(id) != 0 || vault_fresh(kid, key) != 0) {
		db_mark_unavailable(db); /* no randomness, or no key database: 503 */
		return -1;
	}
	documents_field(field, id);
	sealed = vault_seal_segments(key, d->applicant_id, field, d->data, d->len, &sealed_len);
	char *name = documents_name_seal(key, d->applicant_id, id, d->filename);
	explicit_bzero(key, sizeof(key));
	if (sealed == NULL || name == NULL || !db_fits(db, sealed_len)) {
		free(sealed);
		free(name);
		return -1;
	}
	rc = 1;
	snprintf(size, sizeof(size), "%zu", d->len);
	const char *params[11] = {d->applicant_id,
	                          d->kind,
	                          name,
	                          d->content_type,
	                          size,
	                          d->sha256,
	                          (const char *)sealed,
	                          actor,
	                          request_id,
	                          id,
	                          kid};
	int lengths[11] = {[6] = (int)sealed_len}, formats[11] = {[6] = 1};
	res = db_run_binary(db, &insert_document, 11, params, lengths, formats, 0);
	free(sealed);
	free(name);
	if (res == NULL)
		return -1; /* the transaction is rolled back when the connection goes back */
	if (PQntuples(res) == 1 && db_exec(db, "COMMIT") == 0) {
		*meta = metadata(res, 0, false, d->filename);
		rc = 0;
	} else if (PQntuples(res) == 1) {
		rc = -1;
	}
	PQclear(res);
	if (rc != 0 && vault_destroy((const char *const[]){kid}, 1) != 0)
		log_msg(LOG_WARN, "data key", "a key made for a document not stored stays unused");
	return rc;
}

struct held {
	PGresult *res;
	unsigned char *plain;
	size_t len;
	char *name; /* the file name opened */
};

void
documents_bytes_release(void *owner)
{
	struct held *h = owner;

	if (h == NULL)
		return;
	PQclear(h->res);
	if (h->plain != NULL)
		explicit_bzero(h->plain, h->len);
	free(h->plain);
	free(h->name);
	free(h);
}

/*
 * Open sealed segments of document id (of applicant, under key key_id,
 * plain_len bytes in all), starting with segment first: a new buffer with
 * *len, or NULL when they do not open (the key is gone) or the key database
 * cannot answer (*down).
 */
static unsigned char *
open_segments(const char *applicant, const char *key_id, const char *id, size_t plain_len,
              size_t first, const unsigned char *in, size_t in_len, size_t *len, bool *down)
{
	unsigned char key[SEAL_KEY_LEN], *out;
	char field[DOCUMENTS_FIELD_LEN];
	int rc = vault_key(key_id, key);

	*down = rc < 0;
	if (rc != 0)
		return NULL;
	out = xmalloc(in_len + 1);
	documents_field(field, id);
	rc = vault_open_segments(key, applicant, field, plain_len, first, in, in_len, out, len);
	explicit_bzero(key, sizeof(key));
	if (rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int
documents_fetch(struct db *db, const char *id, const char *applicant_id, bool sees_restricted,
                const char *actor, const char *request_id, struct document_bytes *out)
{
	const char *params[5] = {id, applicant_id, actor, request_id,
	                         sees_restricted ? "true" : "false"};
	/* Binary results: the bytes as they are; the text columns come back as their bare text. */
	PGresult *res = db_run_binary(db, &read_document, 5, params, NULL, NULL, 1);

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	struct held *h = xcalloc(1, sizeof(*h));
	h->res = res;
	out->owner = h;
	out->filename = PQgetvalue(res, 0, 0);
	if (!PQgetisnull(res, 0, 8)) { /* the name sealed under the document's key */
		unsigned char key[SEAL_KEY_LEN];
		char field[DOCUMENTS_FIELD_LEN + 8];
		snprintf(field, sizeof(field), "name:%s", id);
		int krc = vault_key(PQgetvalue(res, 0, 4), key);
		if (krc == 0)
			h->name = vault_open_text(key, PQgetvalue(res, 0, 7), field,
			                          PQgetvalue(res, 0, 8));
		explicit_bzero(key, sizeof(key));
		if (h->name == NULL) {
			documents_bytes_release(h);
			if (krc < 0)
				db_mark_unavailable(db);
			return krc < 0 ? -1 : 1;
		}
		out->filename = h->name;
	}
	out->content_type = PQgetvalue(res, 0, 1);
	out->sha256 = PQgetvalue(res, 0, 2);
	out->data = PQgetvalue(res, 0, 3);
	out->len = (size_t)PQgetlength(res, 0, 3);
	if (strcmp(PQgetvalue(res, 0, 6), "true") == 0) {
		bool down;
		h->plain =
		    open_segments(PQgetvalue(res, 0, 7), PQgetvalue(res, 0, 4), id,
		                  strtoull(PQgetvalue(res, 0, 5), NULL, 10), 0,
		                  (const unsigned char *)out->data, out->len, &h->len, &down);
		if (h->plain == NULL) {
			documents_bytes_release(h);
			if (down)
				db_mark_unavailable(db);
			return down ? -1 : 1;
		}
		out->data = (const char *)h->plain;
		out->len = h->len;
	}
	return 0;
}

int
documents_of(struct db *db, const char *applicant_id, bool sees_restricted, bool self_view,
             json_t **items)
{
	const char *params[2] = {applicant_id, sees_restricted ? "true" : "false"};
	PGresult *res = db_run(db, &list_documents, 2, params);

	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 0 ? 1 : 0;
	if (rc == 0) {
		*items = json_array();
		for (int i = 0; i < PQntuples(res); i++) {
			if (PQgetisnull(res, i, 0)) /* the applicant's row without a document */
				continue;
			char *name = documents_row_name(res, i, 8);
			if (name == NULL) {
				rc = -1; /* its key does not answer */
				break;
			}
			json_array_append_new(*items, metadata(res, i, self_view, name));
			free(name);
		}
		if (rc != 0) {
			json_decref(*items);
			*items = NULL;
			db_mark_unavailable(db);
		}
	}
	PQclear(res);
	return rc;
}

int
documents_remove(struct db *db, const char *id, bool sees_restricted, const char *actor,
                 const char *request_id)
{
	const char *params[4] = {id, actor, request_id, sees_restricted ? "true" : "false"};
	long deleted;

	if (db_count(db, &delete_document, 4, params, &deleted) != 0)
		return -1;
	if (deleted == 1) /* its key goes once this commits (queued by the row's trigger) */
		erasure_shred_after_commit(db);
	return deleted == 1 ? 0 : 1;
}

int
documents_may_remove_own(struct db *db, const char *id, const char *applicant_id)
{
	const char *params[2] = {id, applicant_id};
	PGresult *row;
	int rc = db_row(db, &own_removal, 2, params, &row);

	if (rc != 0)
		return rc;
	char why = PQgetvalue(row, 0, 0)[0];
	rc = why == 'r' ? 3 : why == 'l' ? 2 : 0;
	PQclear(row);
	return rc;
}

PGresult *
documents_manifest(struct db *db, const char *applicant_id)
{
	const char *params[1] = {applicant_id};

	return db_run(db, &manifest_of_applicant, 1, params);
}

unsigned char *
documents_slice(struct db *db, const char *id, size_t offset, size_t len, size_t *out_len)
{
	size_t first = offset / VAULT_SEGMENT,
	       last = (offset + (len ? len : 1) - 1) / VAULT_SEGMENT;
	size_t seg = VAULT_SEGMENT + SEAL_OVERHEAD;
	char from[24], n[24], pfrom[24], pn[24];
	unsigned char *out = NULL;
	PGresult *res;

	snprintf(from, sizeof(from), "%zu", first * seg + 1);
	snprintf(n, sizeof(n), "%zu", (last - first + 1) * seg);
	snprintf(pfrom, sizeof(pfrom), "%zu", offset + 1);
	snprintf(pn, sizeof(pn), "%zu", len);
	const char *params[5] = {id, from, n, pfrom, pn};
	if ((res = db_run_binary(db, &slice_of, 5, params, NULL, NULL, 1)) == NULL)
		return NULL;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return NULL;
	}
	const unsigned char *bytes = (const unsigned char *)PQgetvalue(res, 0, 0);
	size_t got = (size_t)PQgetlength(res, 0, 0);
	if (strcmp(PQgetvalue(res, 0, 3), "true") != 0) {
		out = xmalloc(got + 1);
		memcpy(out, bytes, got);
		*out_len = got;
	} else {
		bool down;
		size_t plain;
		unsigned char *segs = open_segments(PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 4),
		                                    id, strtoull(PQgetvalue(res, 0, 2), NULL, 10),
		                                    first, bytes, got, &plain, &down);
		if (segs == NULL) {
			if (down)
				db_mark_unavailable(db);
		} else {
			size_t skip = offset - first * VAULT_SEGMENT;
			size_t take = skip >= plain ? 0 : plain - skip < len ? plain - skip : len;
			out = xmalloc(take + 1);
			memcpy(out, segs + skip, take);
			*out_len = take;
			explicit_bzero(segs, plain);
			free(segs);
		}
	}
	PQclear(res);
	return out;
}

static struct db_stmt unsealed_documents =
    DB_STMT("SELECT id::text, applicant_id::text, content FROM documents WHERE NOT sealed "
            "ORDER BY documents.id LIMIT $1::int FOR UPDATE SKIP LOCKED"); /* not id::text's */
static struct db_stmt seal_document =
    DB_STMT("UPDATE documents SET content = $2::bytea, sealed = true, key_id = $3::uuid "
            "WHERE id = $1::uuid AND NOT sealed");

/* A document of unsealed_documents' row i (binary) sealed under a key of its own (db_row_fn). */
static int
seal_document_row(struct db *db, const PGresult *res, int i, void *arg)
{
	unsigned char key[SEAL_KEY_LEN], *out;
	size_t n;
	const char *id = PQgetvalue(res, i, 0); /* text comes back as itself */
	const char *applicant = PQgetvalue(res, i, 1);
	char kid[37], field[DOCUMENTS_FIELD_LEN];

	(void)arg;
	if (vault_fresh(kid, key) != 0)
		return -1;
	documents_field(field, id);
	out = vault_seal_segments(key, applicant, field, PQgetvalue(res, i, 2),
	                          (size_t)PQgetlength(res, i, 2), &n);
	explicit_bzero(key, sizeof(key));
	if (out == NULL || !db_fits(db, n)) {
		free(out);
		return -1;
	}
	const char *p2[3] = {id, (const char *)out, kid};
	int lengths[3] = {0, (int)n, 0}, formats[3] = {0, 1, 0};
	PGresult *u2 = db_run_binary(db, &seal_document, 3, p2, lengths, formats, 0);
	int rc = u2 == NULL ? -1 : 0;
	free(out);
	PQclear(u2);
	return rc;
}

int
documents_seal_batch(struct db *db, int batch, long *sealed)
{
	return db_batch(db, &unsealed_documents, batch, 1, seal_document_row, NULL, sealed);
}
