/*
 * page: one page of a keyset-paginated list, as the store reads it and the
 * API answers it: at most `limit` items, whether more follow, and the sort
 * key of the last item served (the next cursor's, edge/paging.h).
 */
#ifndef RECRUITD_CORE_PAGE_H
#define RECRUITD_CORE_PAGE_H

#include <jansson.h>
#include <stdbool.h>

#define PAGE_KEY_MAX 64

/* Where a page starts (the previous page's last key, or the top) and how long it is. */
struct page_want {
	const char *k1, *k2; /* the keyset bound, as text */
	int limit;           /* 1..200 */
};

struct page_of {
	json_t *items; /* new reference: the caller owns it */
	bool more;     /* more items follow the last one */
	char k1[PAGE_KEY_MAX], k2[PAGE_KEY_MAX];
};

/* Release a page's items (safe on a zeroed one). */
void page_fini(struct page_of *p);

#endif
