/*
 * export_chunks: a package's bytes in export_chunks, written as the package
 * is built and read back as a download takes them. See export_chunks.h.
 *
 * Each chunk is sealed under the package's own key (a package of before
 * the export keys: the applicant's data key, whose id is the applicant's),
 * destroyed when the package expires or goes with its applicant (its row's
 * trigger queues it, migration 0030); bound to
 * "export:ID#SEQ" and a mark: "+" when more chunks follow, "$" on the last.
 * So a chunk opens only in its own package and place, and a package whose
 * end was cut off shows it: no chunk marked last. Packages written before
 * the marks (their chunks bound to "export:ID#SEQ" alone, or from before the
 * keys, not sealed) end where their size says; the first chunk tells which
 * kind a package is, and a marked package is never read as an unmarked one.
 * Every package is checked against the size and sha256 on record as it is
 * read, before its last chunk is given out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/log.h"
#include "store/db.h"
#include "store/export_chunks.h"
#include "store/vault.h"

/* "export:ID#SEQ" and the mark ("+", "$", or "" before the marks), what a chunk is bound to. */
static void
chunk_field(char *out, size_t cap, const char *id, int seq, const char *mark)
{
	snprintf(out, cap, "export:%s#%d%s", id, seq, mark);
}

static struct db_stmt key_of_export =
    DB_STMT("SELECT coalesce(key_id, applicant_id)::text FROM exports WHERE id = $1");

static struct db_stmt insert_chunk = DB_STMT(
    "INSERT INTO export_chunks (export_id, seq, bytes, sealed) VALUES ($1, $2::int, $3::bytea, "
    "true)");

int
exports_chunk(struct db *db, const char *applicant_id, const char *id, int seq, bool last,
              const void *data, size_t len)
{
	unsigned char key[SEAL_KEY_LEN], *sealed;
	char s[16], field[80];
	size_t n;
	PGresult *res;

	snprintf(s, sizeof(s), "%d", seq);
	chunk_field(field, sizeof(field), id, seq, last ? "$" : "+");
	const char *kp[1] = {id};
	int rc = db_row(db, &key_of_export, 1, kp, &res);
	if (rc != 0)
		return -1;
	rc = vault_key(PQgetvalue(res, 0, 0), key);
	PQclear(res);
	if (rc != 0) {
		db_mark_unavailable(db);
		return -1;
	}
	sealed = vault_seal(key, applicant_id, field, data, len, &n);
	explicit_bzero(key, sizeof(key));
	if (sealed == NULL)
		return -1;
	res = NULL;
	if (db_fits(db, n)) {
		const char *params[3] = {id, s, (const char *)sealed};
		int lengths[3] = {0, 0, (int)n}, formats[3] = {0, 0, 1};
		res = db_run_binary(db, &insert_chunk, 3, params, lengths, formats, 0);
	}
	free(sealed);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

enum format { FORMAT_UNKNOWN, FORMAT_MARKED, FORMAT_UNMARKED };

struct export_stream {
	char id[37], applicant[37], key_id[37];
	char sha256[2 * SHA256_LEN + 1];
	size_t size;
	struct pool *pool;
	unsigned wait_ms;
	enum format format;
	int seq;                    /* of the next chunk to read */
	size_t read;                /* bytes of the package read so far (chunks opened) */
	size_t given;               /* of them, given out */
	unsigned char *chunk;       /* the chunk being given out */
	size_t len, off;            /* its length, and how much of it is given out */
	bool last, failed;          /* it is the last chunk; the stream was cut */
	const char *why;            /* why the last chunk read was refused */
	struct sha256_stream *hash; /* over the chunks read so far */
};

/*
 * Open a sealed chunk of n sealed bytes: the plain bytes (new) with *last,
 * or NULL (*rc 1: it does not open here; -1: the key database failed).
 */
static unsigned char *
open_sealed(struct export_stream *s, const unsigned char *in, size_t n, size_t *out_len, bool *last,
            int *rc)
{
	unsigned char key[SEAL_KEY_LEN], *plain = NULL;
	char field[80];
	/* what the size on record says this chunk is: tried first, the other mark next */
	bool ends = n >= SEAL_OVERHEAD && s->read + n - SEAL_OVERHEAD == s->size;

	if ((*rc = vault_key(s->key_id, key)) != 0)
		return NULL;
	for (int k = 0; plain == NULL && k < 2 && s->format != FORMAT_UNMARKED; k++) {
		*last = k == 0 ? ends : !ends;
		chunk_field(field, sizeof(field), s->id, s->seq, *last ? "$" : "+");
		if ((plain = vault_unseal(key, s->applicant, field, in, n, out_len)) != NULL)
			s->format = FORMAT_MARKED;
	}
	if (plain == NULL && s->format != FORMAT_MARKED) {
		chunk_field(field, sizeof(field), s->id, s->seq, "");
		if ((plain = vault_unseal(key, s->applicant, field, in, n, out_len)) != NULL) {
			s->format = FORMAT_UNMARKED;
			*last = s->read + *out_len == s->size;
		}
	}
	explicit_bzero(key, sizeof(key));
	*rc = plain != NULL ? 0 : 1;
	return plain;
}

/* Take an opened chunk as the next one (plain is stolen): 0, or 1 when it does not fit. */
static int
take(struct export_stream *s, unsigned char *plain, size_t n, bool last)
{
	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	bool fits = n > 0 && n <= s->size - s->read && (s->read + n == s->size) == last;

	if (fits) {
		sha256_add(s->hash, plain, n);
		if (last) {
			sha256_end(s->hash, hash);
			s->hash = NULL;
			hex_encode(hash, SHA256_LEN, hex);
			fits = strcmp(hex, s->sha256) == 0;
		}
	}
	if (!fits) {
		s->why = "the chunks do not add up to the size and sha256 on record";
		explicit_bzero(plain, n);
		free(plain);
		return 1;
	}
	s->chunk = plain;
	s->len = n;
	s->off = 0;
	s->last = last;
	s->read += n;
	s->seq++;
	return 0;
}

static struct db_stmt chunk_at =
    DB_STMT("SELECT c.sealed::text, c.bytes, coalesce(e.key_id, e.applicant_id)::text "
            "FROM export_chunks c JOIN exports e ON e.id = c.export_id "
            "WHERE c.export_id = $1 AND c.seq = $2::int");

/* Read and open the next chunk on db: 0, 1 (missing, does not open or fit), -1 (db failed). */
static int
load(struct export_stream *s, struct db *db)
{
	char seq[16];
	unsigned char *plain;
	size_t n;
	bool last = false;
	int rc;

	snprintf(seq, sizeof(seq), "%d", s->seq);
	const char *params[2] = {s->id, seq};
	PGresult *res = db_run_binary(db, &chunk_at, 2, params, NULL, NULL, 1);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		s->why = "a chunk is missing";
		return 1;
	}
	s->why = "a chunk does not open";
	snprintf(s->key_id, sizeof(s->key_id), "%s", PQgetvalue(res, 0, 2));
	const unsigned char *bytes = (const unsigned char *)PQgetvalue(res, 0, 1);
	size_t len = (size_t)PQgetlength(res, 0, 1);
	if (strcmp(PQgetvalue(res, 0, 0), "true") == 0) {
		plain = open_sealed(s, bytes, len, &n, &last, &rc);
	} else if (s->format != FORMAT_MARKED) { /* from before the keys */
		s->format = FORMAT_UNMARKED;
		plain = xmalloc(len ? len : 1);
		memcpy(plain, bytes, len);
		n = len;
		last = s->read + n == s->size;
		rc = 0;
	} else {
		plain = NULL;
		rc = 1;
	}
	PQclear(res);
	if (rc < 0)
		db_mark_unavailable(db);
	return plain != NULL ? take(s, plain, n, last) : rc;
}

int
exports_stream_open(struct db *db, struct pool *pool, unsigned wait_ms, const char *id,
                    const char *applicant_id, size_t size, const char *sha256,
                    struct export_stream **out)
{
	struct export_stream *s = xcalloc(1, sizeof(*s));
	int rc;

	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->applicant, sizeof(s->applicant), "%s", applicant_id);
	snprintf(s->sha256, sizeof(s->sha256), "%s", sha256);
	s->size = size;
	s->pool = pool;
	s->wait_ms = wait_ms;
	s->hash = sha256_begin();
	if ((rc = load(s, db)) != 0) {
		exports_stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

const char *
exports_stream_id(const struct export_stream *s)
{
	return s->id;
}

size_t
exports_stream_size(const struct export_stream *s)
{
	return s->size;
}

const char *
exports_stream_sha256(const struct export_stream *s)
{
	return s->sha256;
}

static void
drop_chunk(struct export_stream *s)
{
	if (s->chunk != NULL)
		explicit_bzero(s->chunk, s->len);
	free(s->chunk);
	s->chunk = NULL;
	s->len = s->off = 0;
}

/* The download cannot go on: said once (the package's id and where, nothing of its content). */
static long
cut(struct export_stream *s, const char *why)
{
	if (!s->failed)
		log_msg(LOG_WARN, "export download cut off", "export=%s at=%zu of=%zu reason=%s",
		        s->id, s->given, s->size, why);
	s->failed = true;
	drop_chunk(s);
	return -1;
}

long
exports_stream_read(void *stream, size_t pos, void *buf, size_t max)
{
	struct export_stream *s = stream;

	if (s->failed || pos != s->given || max == 0)
		return cut(s, "out of order");
	if (s->off == s->len) {
		if (s->last)
			return cut(s, "past the end");
		drop_chunk(s);
		struct db *db = pool_acquire(s->pool, s->wait_ms);
		int rc = db != NULL ? load(s, db) : -1;
		pool_release(s->pool, db);
		if (rc != 0)
			return cut(s, rc < 0 ? "the database is unavailable" : s->why);
	}
	size_t n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->chunk + s->off, n);
	s->off += n;
	s->given += n;
	return (long)n;
}

void
exports_stream_free(void *stream)
{
	struct export_stream *s = stream;
	unsigned char discard[SHA256_LEN];

	if (s == NULL)
		return;
	drop_chunk(s);
	if (s->hash != NULL)
		sha256_end(s->hash, discard);
	free(s);
}
