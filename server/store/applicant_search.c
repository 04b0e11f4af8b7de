/*
 * applicant_search: the staff list of applicants and its ?q= search. See
 * applicants_page in applicants.h. The personal values are sealed, so a
 * search cannot be answered by SQL alone: candidates come from the keyed
 * trigram hashes, each is opened and confirmed here. A list is never
 * audited entry by entry (summaries, not records).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant_rows.h"
#include "core/page.h"
#include "domain/search.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/vault.h"

/*
 * A page of summaries, newest first. With ?q=, candidates come from the
 * keyed trigram hashes (search_grams @> the query's), or from every row for
 * a query too short to have a trigram, batch by batch in the list's order;
 * each is decrypted and confirmed (search_contains) until a page and the
 * next one's first are found. Rows not sealed yet are always candidates.
 * Visibility is a parameter of every statement (VISIBLE): a restricted
 * record is left out unless the caller asked for it.
 */
/*
 * A summary opens the name and the e-mail address only (PERSONAL_COLUMNS' first
 * four): the other sealed values are not even sent.
 */
#define LIST_COLUMNS                                                                               \
	"id, coalesce(a.record_key, a.id)::text, a.email_hash IS NOT NULL, "                       \
	"coalesce(a.full_name_sealed::text, a.full_name), coalesce(a.email_sealed::text, "         \
	"a.email), job_title_sealed::text, job_title, rfc3339(created_at), rfc3339(updated_at), "  \
	"version, created_at"
enum {
	L_ID,
	L_KEY,
	L_SEALED,
	L_NAME,
	L_EMAIL,
	L_JOB_SEALED,
	L_JOB,
	L_CREATED,
	L_UPDATED,
	L_VERSION,
	L_KEY1
};
#define LIST_ORDER " ORDER BY created_at DESC, id DESC LIMIT $3"
#define AFTER " (created_at, id) < ($1::timestamptz, $2::uuid) "
#define VISIBLE(n) " AND (restricted_at IS NULL OR " n "::boolean) "

/* $1, $2 the keyset, $3 the LIMIT, $4 visibility. */
static struct db_stmt list_all =
    DB_STMT("SELECT " LIST_COLUMNS " FROM applicants a WHERE" AFTER VISIBLE("$4") LIST_ORDER);

/*
 * A search looks first among the newest records before the cursor, ten
 * pages' worth, then a hundred (a common pattern finds its page there,
 * walking the list's index), then, for what is left, gathers the candidates
 * through the trigram index and sorts them: a rare pattern never walks the
 * whole table in order, whatever the planner guesses about how matches are
 * spread in time, and a common one never gathers all of its thousands of
 * candidates (one in ten of a million records match "Knuth" in make bench).
 */
/*
 * g the query's trigrams under the current epoch's index key, o the same
 * under the other set a row may still be indexed under (a rotation, rows of
 * before the epochs; NULL when none).
 */
#define CANDIDATES(g, o)                                                                           \
	"(search_grams @> " g "::int[] OR search_grams @> " o "::int[] OR email_hash IS NULL)"

/*
 * The newest n records before the cursor, those of them that may match: $3
 * the page, $4 the query's trigrams, $5 visibility, $6 the other set's.
 * The window's size is written into the statement, not bound: PostgreSQL
 * keeps one plan for every run of a prepared statement only while it costs
 * no more than a plan made for the values, and it costs an unknown LIMIT as
 * a tenth of the table, so a bound window had a plan made for each search
 * (a rare pattern's small window kept its own plans cheaper). A page of up
 * to want - 1 rows takes the windows of the first class at least as large.
 */
#define RECENT(n)                                                                                  \
	DB_STMT("SELECT " LIST_COLUMNS " FROM ("                                                   \
	        "  SELECT * FROM applicants WHERE" AFTER VISIBLE(                                  \
	            "$5") "  ORDER BY created_at DESC, id DESC LIMIT " #n ") a "                   \
	                  "WHERE " CANDIDATES("$4", "$6") LIST_ORDER)
static const int window_class[] = {26, 51, 101, 201};
static struct db_stmt search_recent[][2] = {{RECENT(260), RECENT(2600)},
                                            {RECENT(510), RECENT(5100)},
                                            {RECENT(1010), RECENT(10100)},
                                            {RECENT(2010), RECENT(20100)}};

/* $4 the query's trigrams, $5 visibility, $6 the other set's trigrams. */
static struct db_stmt search_sparse =
    DB_STMT("WITH m AS MATERIALIZED ("
            "  SELECT * FROM applicants WHERE" AFTER VISIBLE("$5") "AND " CANDIDATES(
                "$4", "$6") ") "
                            "SELECT " LIST_COLUMNS " FROM m a" LIST_ORDER);

/*
 * search_sparse with at most SEARCH_PROBE candidates gathered, sorted: when
 * fewer come back, they are every candidate left (a rare pattern: one
 * statement, no window walked); otherwise the pattern is common enough for
 * the windows. $3 the query's trigrams, $4 visibility, $5 the other set's
 * (the limit written in, as the windows').
 */
#define SEARCH_PROBE 200
#define STRINGIFY(n) #n
#define LITERAL(n) STRINGIFY(n)
static struct db_stmt search_probe = DB_STMT(
    "WITH m AS MATERIALIZED ("
    "  SELECT * FROM applicants WHERE" AFTER VISIBLE("$4") "AND " CANDIDATES(
        "$3", "$5") " LIMIT " LITERAL(SEARCH_PROBE) ") "
                                                    "SELECT " LIST_COLUMNS
                                                    " FROM m a ORDER BY created_at DESC, id DESC");

/*
 * With opening_id and/or stage: applicants with an application that matches
 * both. $4 the trigrams (NULL: none), $5 the opening, $6 the stage, $7 visibility.
 */
static struct db_stmt list_filtered =
    DB_STMT_PLANNED_EACH_TIME("SELECT " LIST_COLUMNS " FROM applicants a WHERE" AFTER VISIBLE(
        "$7") "AND ($4::int[] IS NULL OR search_grams @> $4::int[] OR "
              "search_grams @> $8::int[] OR email_hash IS NULL) "
              "AND EXISTS (SELECT 1 FROM applications p WHERE p.applicant_id = a.id "
              "  AND ($5::uuid IS NULL OR p.opening_id = $5::uuid) AND ($6::text IS NULL OR "
              "p.stage = "
              "$6))" LIST_ORDER);

/* $1 the ids (a uuid[]): the summaries of those not restricted, in no order. */
static struct db_stmt list_ids =
    DB_STMT("SELECT " LIST_COLUMNS " FROM applicants a WHERE id = ANY($1::uuid[]) "
            "AND restricted_at IS NULL");

/* A page being gathered. */
struct gather {
	json_t *items;
	int want;            /* a page and the next one's first */
	char k1[64], k2[37]; /* the keyset after the last row looked at */
	const char *visible; /* "true" when restricted records are wanted too */
	const char *other;   /* the query's trigrams under the other index set, or NULL */
	int failed;
};

static json_t *
text_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

static json_t *
summary(const PGresult *res, int i, char *v[2], const char *job)
{
	return json_pack("{s:s, s:o, s:o, s:s?, s:s, s:s, s:I}", "id", PQgetvalue(res, i, L_ID),
	                 "full_name", text_or_null(v[0]), "email", text_or_null(v[1]), "job_title",
	                 job, "created_at", PQgetvalue(res, i, L_CREATED), "updated_at",
	                 PQgetvalue(res, i, L_UPDATED), "version",
	                 (json_int_t)atol(PQgetvalue(res, i, L_VERSION)));
}

/*
 * Add the rows of res that match q (all of them when q is NULL) to the
 * page, until it is full; res cleared. The keyset moves past each row looked at.
 */
static void
take_rows(struct db *db, struct gather *g, PGresult *res, const char *q)
{
	int n = PQntuples(res);
	const char **ids = xcalloc((size_t)n + 1, sizeof(*ids));
	const char **key_ids = xcalloc((size_t)n + 1, sizeof(*key_ids));
	unsigned char(*keys)[SEAL_KEY_LEN] = xcalloc((size_t)n + 1, SEAL_KEY_LEN);
	bool *found = xcalloc((size_t)n + 1, sizeof(*found));
	for (int i = 0; i < n; i++) {
		ids[i] = PQgetvalue(res, i, L_ID);
		key_ids[i] = PQgetvalue(res, i, L_KEY);
	}
	if (vault_keys(key_ids, (size_t)n, keys, found) != 0) {
		db_mark_unavailable(db);
		g->failed = 1;
		n = 0;
	}
	for (int i = 0; i < n && (int)json_array_size(g->items) < g->want; i++) {
		char *v[2];
		snprintf(g->k1, sizeof(g->k1), "%s", PQgetvalue(res, i, L_KEY1));
		snprintf(g->k2, sizeof(g->k2), "%s", ids[i]);
		if (applicant_rows_open(res, i, L_SEALED, ids[i], found[i] ? keys[i] : NULL, v,
		                        2) != 0)
			continue; /* its key is gone: erased, whatever rows remain */
		if (q == NULL || (v[0] && search_contains(v[0], q)) ||
		    (v[1] && search_contains(v[1], q))) {
			/* the job title: sealed under the record key, or from before that */
			char *job = NULL;
			if (!PQgetisnull(res, i, L_JOB_SEALED))
				job = found[i] ? vault_open_text(keys[i], ids[i], "job_title",
				                                 PQgetvalue(res, i, L_JOB_SEALED))
				               : NULL;
			else if (!PQgetisnull(res, i, L_JOB))
				job = xstrdup(PQgetvalue(res, i, L_JOB));
			json_array_append_new(g->items, summary(res, i, v, job));
			free(job);
		}
		applicant_rows_free(v, 2);
	}
	explicit_bzero(keys, ((size_t)n + 1) * SEAL_KEY_LEN);
	free(keys);
	free(found);
	free(ids);
	free(key_ids);
	PQclear(res);
}

/* Run one of the list's statements from the keyset, with each one's own parameters. */
static PGresult *
run(struct db *db, struct gather *g, struct db_stmt *st, const char *limit, const char *grams,
    const struct applicant_query *aq)
{
	const char *o = grams != NULL ? g->other : NULL;

	if (st == &list_all)
		return db_run(db, st, 4, (const char *[]){g->k1, g->k2, limit, g->visible});
	if (st == &search_probe)
		return db_run(db, st, 5, (const char *[]){g->k1, g->k2, grams, g->visible, o});
	if (st != &list_filtered) /* search_sparse and the windows */
		return db_run(db, st, 6,
		              (const char *[]){g->k1, g->k2, limit, grams, g->visible, o});
	return db_run(
	    db, st, 8,
	    (const char *[]){g->k1, g->k2, limit, grams, aq->opening, aq->stage, g->visible, o});
}

#define SEARCH_BATCH 500

/* Walk st in batches from the cursor until the page is full or the rows end. */
static void
walk(struct db *db, struct gather *g, struct db_stmt *st, const char *grams, const char *q,
     const struct applicant_query *aq)
{
	/* without a query every row is on the page: a page's worth is enough */
	int size = q != NULL ? SEARCH_BATCH : g->want;
	char batch[16];

	snprintf(batch, sizeof(batch), "%d", size);
	while (!g->failed && (int)json_array_size(g->items) < g->want) {
		PGresult *res = run(db, g, st, batch, grams, aq);
		if (res == NULL) {
			g->failed = 1;
			return;
		}
		int rows = PQntuples(res);
		take_rows(db, g, res, q);
		if (rows < size)
			return;
	}
}

/*
 * A search with trigrams: ten pages' worth of the newest records; then, if
 * they held less than a quarter of a page (a rare pattern), at most
 * SEARCH_PROBE candidates through the index: fewer, and they are all there
 * is (two statements, whatever the table's size; a common pattern never
 * pays for the probe); otherwise a hundred pages' worth of the newest, from the last
 * candidate looked at (every one before it was looked at), and with less
 * than a page among the windows' candidates, the rest through the index.
 */
static void
search(struct db *db, struct gather *g, const char *grams, const char *q,
       const struct applicant_query *aq)
{
	char limit[16];
	size_t c = 0;

	while (c + 1 < sizeof(window_class) / sizeof(window_class[0]) && window_class[c] < g->want)
		c++;
	snprintf(limit, sizeof(limit), "%d", g->want);
	for (int w = 0; w < 2 && !g->failed && (int)json_array_size(g->items) < g->want; w++) {
		/* a pattern the newest ten pages gave a quarter page of is common: the windows */
		if (w > 0 && 4 * (int)json_array_size(g->items) < g->want) {
			PGresult *res = run(db, g, &search_probe, NULL, grams, aq);
			if (res == NULL) {
				g->failed = 1;
				break;
			}
			if (PQntuples(res) < SEARCH_PROBE) { /* every candidate left: done */
				take_rows(db, g, res, q);
				return;
			}
			PQclear(res);
		}
		PGresult *res = run(db, g, &search_recent[c][w], limit, grams, aq);
		if (res == NULL)
			g->failed = 1;
		else
			take_rows(db, g, res, q);
	}
	if (!g->failed && (int)json_array_size(g->items) < g->want)
		walk(db, g, &search_sparse, grams, q, aq);
}

/* The page from up to limit + 1 summaries gathered (stolen): the last one tells more follow. */
static void
page_from(json_t *items, int limit, struct page_of *out)
{
	memset(out, 0, sizeof(*out));
	out->more = json_array_size(items) > (size_t)limit;
	while (json_array_size(items) > (size_t)limit)
		json_array_remove(items, json_array_size(items) - 1);
	if (out->more) {
		json_t *last = json_array_get(items, (size_t)limit - 1);
		snprintf(out->k1, sizeof(out->k1), "%s",
		         json_string_value(json_object_get(last, "created_at")));
		snprintf(out->k2, sizeof(out->k2), "%s",
		         json_string_value(json_object_get(last, "id")));
	}
	out->items = items;
}

int
applicants_page(struct db *db, const struct applicant_query *aq, const struct page_want *want,
                struct page_of *out)
{
	const char *q = aq->q && *aq->q ? aq->q : NULL;
	struct gather g = {.items = json_array(),
	                   .want = want->limit + 1,
	                   .visible = aq->with_restricted ? "true" : "false"};
	size_t ngrams = 0;
	char *grams = NULL, *other = NULL;
	bool failed = q != NULL && applicant_rows_query_grams(q, &grams, &other, &ngrams) != 0;

	g.other = other;
	snprintf(g.k1, sizeof(g.k1), "%s", want->k1);
	snprintf(g.k2, sizeof(g.k2), "%s", want->k2);
	if (failed) {
		db_mark_unavailable(db);
		g.failed = 1;
	} else if (aq->opening || aq->stage) {
		walk(db, &g, &list_filtered, ngrams ? grams : NULL, q, aq);
	} else if (q != NULL && ngrams > 0) {
		search(db, &g, grams, q, aq);
	} else {
		walk(db, &g, &list_all, NULL, q, aq); /* without q, one batch of a page's worth */
	}
	free(grams);
	free(other);
	if (g.failed) {
		json_decref(g.items);
		return -1;
	}
	page_from(g.items, want->limit, out);
	return 0;
}

int
applicants_summaries(struct db *db, const char *const *ids, size_t n, json_t **out)
{
	struct gather g = {.items = json_array(), .want = (int)n + 1, .visible = "false"};
	size_t len = 3 + n * 37;
	char *list = xmalloc(len), *at = list;

	*at++ = '{';
	for (size_t i = 0; i < n; i++)
		at += snprintf(at, len - (size_t)(at - list), "%s%.36s", i ? "," : "", ids[i]);
	*at++ = '}';
	*at = '\0';
	PGresult *res = db_run(db, &list_ids, 1, (const char *[]){list});
	free(list);
	if (res == NULL)
		g.failed = 1;
	else
		take_rows(db, &g, res, NULL);
	if (g.failed) {
		json_decref(g.items);
		return -1;
	}
	*out = g.items;
	return 0;
}
