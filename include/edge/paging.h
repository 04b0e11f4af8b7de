/*
 * paging: ?limit= and ?cursor= for every list. A cursor is opaque to
 * clients: base64url of "k1|k2", the sort key of the last item served.
 * Lists are keyset-paginated on a unique key, so a page boundary never
 * moves when rows are inserted concurrently. Thread-safe.
 */
#ifndef RECRUITD_PAGING_H
#define RECRUITD_PAGING_H

#include <jansson.h>
#include <stddef.h>

#include "core/xalloc.h"

struct req;

#define PAGING_DEFAULT_LIMIT 50
#define PAGING_MAX_LIMIT 200
#define PAGING_KEY_MAX 64

/* Encode two key parts (no '|' in k1) as a cursor; a new string. */
char *paging_cursor_encode(const char *k1, const char *k2);

/* Decode a cursor into its two parts; 0, or -1 when it is not one of ours. */
int paging_cursor_decode(const char *cursor, char k1[PAGING_KEY_MAX],
                         char k2[PAGING_KEY_MAX]) WARN_UNUSED;

/* Parse a limit string; 0 with *limit set, -1 unless a whole number in 1..200. */
int paging_limit_parse(const char *s, int *limit) WARN_UNUSED;

/*
 * The request's limit and cursor. Returns 0 with *limit set and *has_cursor
 * telling whether k1/k2 were filled, or -1 after setting a 400.
 */
int paging_read(struct req *r, int *limit, int *has_cursor, char k1[PAGING_KEY_MAX],
                char k2[PAGING_KEY_MAX]) WARN_UNUSED;

/* How a list is ordered: newest first by (time, uuid), or by a descending sequence number. */
enum page_keyset { PAGE_BY_TIME, PAGE_BY_SEQ };

/* One page's request: the limit, the LIMIT parameter (limit + 1, to see whether more follow), the
 * keyset bounds. */
struct page {
	int limit;
	char limit_param[16];
	char k1[PAGING_KEY_MAX], k2[PAGING_KEY_MAX];
};

/*
 * Read ?limit= and ?cursor= for a list ordered by keyset: the bounds of the
 * first page, or the cursor's, checked to be of the keyset's shape. 0, or
 * -1 after a 400.
 */
int paging_start(struct req *r, enum page_keyset keyset, struct page *pg) WARN_UNUSED;

#endif
