/*
 * router: linear match over the route table, segment by segment. A path
 * that fits some pattern under another method is a 405 with Allow; one that
 * fits none is a 404. Trailing slashes and empty segments never match.
 */
#include <stdbool.h>
#include <string.h>

#include "edge/router.h"

/* Whether path fits pattern; fills params (pointing into scratch) when it does. */
static bool
fits(const char *pattern, char *scratch, const char *path, const char **params)
{
	int n = 0;
	const char *pp = pattern;
	char *sp = scratch;

	strcpy(scratch, path);
	for (int i = 0; i < ROUTER_MAX_PARAMS; i++)
		params[i] = NULL; /* nothing left over from a pattern tried before */
	while (*pp && *sp) {
		if (*pp != '/' || *sp != '/')
			return false;
		pp++;
		sp++;
		const char *pend = strchr(pp, '/');
		char *send = strchr(sp, '/');
		size_t plen = pend ? (size_t)(pend - pp) : strlen(pp);
		size_t slen = send ? (size_t)(send - sp) : strlen(sp);

		if (slen == 0)
			return false;
		if (pp[0] == '{') {
			if (n == ROUTER_MAX_PARAMS)
				return false;
			params[n++] = sp;
		} else if (plen != slen || memcmp(pp, sp, plen) != 0) {
			return false;
		}
		pp += plen;
		sp += slen;
	}
	if (*pp || *sp)
		return false;
	/* Cut the parameters out of the scratch copy. */
	for (int i = 0; i < n; i++) {
		char *end = strchr(params[i], '/');
		if (end)
			*end = '\0';
	}
	return true;
}

static void
allow_add(char *allow, size_t len, const char *method)
{
	size_t used = strlen(allow);
	size_t mlen = strlen(method);

	if (strstr(allow, method) != NULL)
		return; /* methods are distinct words; no method is a suffix of another listed one
		         */
	if (used + mlen + 3 > len)
		return;
	if (used)
		strcat(allow, ", ");
	strcat(allow, method);
}

unsigned
router_match(const struct route *table, size_t n, const char *method, const char *path,
             struct route_match *m, char *allow, size_t allowlen)
{
	bool head = strcmp(method, "HEAD") == 0;
	bool path_known = false;

	allow[0] = '\0';
	if (strlen(path) >= ROUTER_MAX_PATH)
		return 404;
	for (size_t i = 0; i < n; i++) {
		/* m's own scratch: the last pattern that fits leaves its parameters there */
		if (!fits(table[i].pattern, m->scratch, path, m->params))
			continue;
		path_known = true;
		if (strcmp(table[i].method, method) == 0 ||
		    (head && strcmp(table[i].method, "GET") == 0)) {
			m->index = (int)i;
			return 200;
		}
		allow_add(allow, allowlen, table[i].method);
		if (strcmp(table[i].method, "GET") == 0)
			allow_add(allow, allowlen, "HEAD");
	}
	return path_known ? 405 : 404;
}
