/*
 * Request lines: the router over the real route table; the query's cursor and limit; and the
 * same bytes as the code of an e-mailed link (POST /v1/apply/confirmations, /v1/me/sessions).
 */
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "core/token.h"
#include "edge/paging.h"
#include "edge/router.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "X"};
	struct route_match m;
	char allow[64], k1[PAGING_KEY_MAX], k2[PAGING_KEY_MAX];
	int limit;

	if (size == 0)
		return 0;
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	unsigned st = router_match(routes, routes_count, methods[data[0] % 7], path, &m, allow,
	                           sizeof(allow));
	if (st != 200 && st != 404 && st != 405)
		__builtin_trap();
	if (st == 200 && (m.index < 0 || (size_t)m.index >= routes_count))
		__builtin_trap();
	(void)!paging_cursor_decode(path, k1, k2);
	(void)!paging_limit_parse(path, &limit);
	char hash[2 * SHA256_LEN + 1];
	if (code_hash(path, hash) == 0 && (strlen(path) != CODE_LEN || strlen(hash) != 64))
		__builtin_trap();
	free(path);
	return 0;
}
