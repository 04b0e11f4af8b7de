#!/usr/bin/env bash
# check-deps must refuse every way a layer can be crossed: plant one violation of each kind
# in a copy of server/ and include/, run the check on the copy, and expect each one named.
#   scripts/check-deps-selftest.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cp -r server include "$t"/

plant() { # file text: append text to the file of the copy
	printf '%s\n' "$2" >>"$t/$1"
}
# 1-5: includes, however spelt
plant server/edge/router.c '#include <api/routes.h>'
plant server/edge/reply.c '#  include "api/handlers.h"'
plant server/domain/stages.c '#include "../../include/store/db.h"'
plant server/core/buf.c '#define PLANTED_HEADER "store/pool.h"
#include PLANTED_HEADER'
sed -i 's|^#define RECRUITD_STAGES_H|#define RECRUITD_STAGES_H\n#include "edge/request.h"|' "$t/include/domain/stages.h"
# 6: a library its layer may not use
plant server/core/log.c '#include <libpq-fe.h>'
# 7-9, 11: SQL naming personal columns, split, lower case, sealed, through a macro
plant server/api/openings.c 'const char *planted_split = "SELECT full_" "name FROM applicants WHERE id = $1";'
plant server/api/ops.c 'const char *planted_lower = "select email_sealed from applicants where id = $1";'
plant server/store/openings.c 'const char *planted_sealed = "UPDATE applicants SET phone_sealed = $2 WHERE id = $1";'
plant server/store/bgcheck.c '#define PLANTED_COLS "a.address_sealed, a.search_grams"
const char *planted_macro = "SELECT " PLANTED_COLS " FROM applicants a";'
# 10: a deletion of an applicant outside store/erasure.c, split
plant server/store/audit.c 'const char *planted_delete = "DELETE " "FROM applicants WHERE id = $1";'
# 12: a call through a hand-written prototype (no include at all)
plant server/edge/paging.c 'int db_exec(void *db, const char *sql);
int planted_call(void);
int planted_call(void) { return db_exec((void *)0, "SELECT 1"); }'
# 13: a length cast to int for libpq without db_fits before it
plant server/store/openings.c 'void planted_cast(unsigned long n);
void planted_cast(unsigned long n)
{
	int lengths[1] = {(int)n};
	(void)lengths;
}'
# 14-16: a library outside the layers that may use it (docs/architecture.md, "Library headers
# by layer"), by its header or by a call through a hand-written prototype
plant server/api/me.c '#include <microhttpd.h>'
plant server/flows/posting.c '#include <curl/curl.h>'
plant server/api/throttle.c 'typedef struct pg_conn PGconn;
void *PQexec(PGconn *c, const char *q);
void *planted_pq(void);
void *planted_pq(void) { return PQexec((void *)0, "SELECT 1"); }'
# 17-19: SQL through an alias, the sealed free text, a deletion with its names quoted
plant server/store/health.c 'const char *planted_alias = "UPDATE applicants a SET email_sealed = $2 WHERE a.id = $1";'
plant server/store/templates.c 'const char *planted_detail = "SELECT source_detail_sealed FROM applicants WHERE id = $1";'
plant server/store/funnel.c 'const char *planted_quoted = "DELETE FROM \"public\".\"applicants\" WHERE id = $1";'
# 20: a C file over 600 lines
for _ in $(seq 600); do printf '/* planted */\n'; done >>"$t/server/core/clock.c"

out=$t/out
if scripts/check-deps.py "$build" "$t" >"$out" 2>&1; then
	echo "check-deps passed a tree with planted violations" >&2
	exit 1
fi
missing=0
expect() { # what the check must say
	if ! grep -qF -- "$1" "$out"; then
		echo "check-deps did not refuse: $1" >&2
		missing=$((missing + 1))
	fi
}
expect 'server/edge/router.c: edge may not include "api/routes.h"'
expect 'server/edge/reply.c: edge may not include "api/handlers.h"'
expect 'server/domain/stages.c: domain may not include "store/db.h"'
expect 'server/core/buf.c: core may not include "store/pool.h"'
expect 'include/domain/stages.h: domain may not include "edge/request.h"'
expect 'server/core/log.c: core may not include <libpq-fe.h>'
expect 'server/api/openings.c: SQL names the personal column full_name'
expect 'server/api/ops.c: SQL names the personal column email_sealed'
expect 'server/store/openings.c: SQL names the personal column phone_sealed'
expect 'server/store/bgcheck.c: SQL names the personal column address_sealed'
expect 'server/store/audit.c: only store/erasure.c deletes an applicant'
expect 'edge/paging.o calls db_exec of store/db.o: edge may not use store'
expect '(int)n: a length cast for libpq without db_fits before it'
expect 'server/api/me.c: api may not include <microhttpd.h>'
expect 'server/flows/posting.c: flows may not include <curl/curl.h>'
expect 'api/throttle.o calls PQexec of libpq: api may not use libpq'
expect 'server/store/health.c: SQL names the personal column email_sealed'
expect 'server/store/templates.c: SQL names the personal column source_detail_sealed'
expect 'server/store/funnel.c: only store/erasure.c deletes an applicant'
expect 'server/core/clock.c: over 600 lines'
if [ "$missing" -gt 0 ]; then
	cat "$out" >&2
	exit 1
fi
echo "check-deps refused all 20 planted violations"
