/* paging: limit and keyset cursors shared by every list endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "edge/paging.h"
#include "edge/request.h"

char *
paging_cursor_encode(const char *k1, const char *k2)
{
	char raw[2 * PAGING_KEY_MAX + 2];
	char *out = xmalloc(4 * sizeof(raw) / 3 + 4);
	int n = snprintf(raw, sizeof(raw), "%s|%s", k1, k2);

	b64url_encode((const unsigned char *)raw, (size_t)n, out);
	return out;
}

int
paging_cursor_decode(const char *cursor, char k1[PAGING_KEY_MAX], char k2[PAGING_KEY_MAX])
{
	unsigned char raw[2 * PAGING_KEY_MAX + 2];
	long n;
	char *bar;

	if (strlen(cursor) > 4 * sizeof(raw) / 3)
		return -1;
	n = b64url_decode(cursor, raw, sizeof(raw) - 1);
	if (n <= 0)
		return -1;
	raw[n] = '\0';
	if (memchr(raw, '\0', (size_t)n) != NULL || (bar = strchr((char *)raw, '|')) == NULL)
		return -1;
	*bar = '\0';
	if (strlen((char *)raw) >= PAGING_KEY_MAX || strlen(bar + 1) >= PAGING_KEY_MAX)
		return -1;
	strcpy(k1, (char *)raw);
	strcpy(k2, bar + 1);
	return 0;
}

int
paging_limit_parse(const char *s, int *limit)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > PAGING_MAX_LIMIT)
		return -1;
	*limit = (int)v;
	return 0;
}

int
paging_read(struct req *r, int *limit, int *has_cursor, char k1[PAGING_KEY_MAX],
            char k2[PAGING_KEY_MAX])
{
	const char *l = req_query(r, "limit");
	const char *c = req_query(r, "cursor");

	*limit = PAGING_DEFAULT_LIMIT;
	*has_cursor = 0;
	if (l != NULL && paging_limit_parse(l, limit) != 0) {
		problem_field(req_problem(r), "limit", "must be a whole number from 1 to %d",
		              PAGING_MAX_LIMIT);
		return req_fail(r, 400, "bad limit");
	}
	if (c != NULL && *c != '\0') {
		if (paging_cursor_decode(c, k1, k2) != 0) {
			problem_field(req_problem(r), "cursor",
			              "is not a cursor this list gave out");
			return req_fail(r, 400, "bad cursor");
		}
		*has_cursor = 1;
	}
	return 0;
}

static bool
key_fits(enum page_keyset keyset, const char *k1, const char *k2)
{
	if (keyset == PAGE_BY_TIME)
		return is_rfc3339(k1) && is_uuid(k2);
	return strlen(k1) > 0 && strlen(k1) <= 18 && strspn(k1, "0123456789") == strlen(k1);
}

int
paging_start(struct req *r, enum page_keyset keyset, struct page *pg)
{
	int has_cursor;

	if (keyset == PAGE_BY_TIME) {
		strcpy(pg->k1, "infinity");
		strcpy(pg->k2, "ffffffff-ffff-ffff-ffff-ffffffffffff");
	} else {
		strcpy(pg->k1, "9223372036854775807");
		pg->k2[0] = '\0';
	}
	if (paging_read(r, &pg->limit, &has_cursor, pg->k1, pg->k2) != 0)
		return -1;
	if (has_cursor && !key_fits(keyset, pg->k1, pg->k2)) {
		problem_field(req_problem(r), "cursor", "is not a cursor this list gave out");
		return req_fail(r, 400, "bad cursor");
	}
	snprintf(pg->limit_param, sizeof(pg->limit_param), "%d", pg->limit + 1);
	return 0;
}
