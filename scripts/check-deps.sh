#!/usr/bin/env bash
# make check-deps: the layers of server/ depend only downward.
#
#   main -> everything
#   api  -> edge, store, jobs, domain, core (an HTTP purge runs the cron job's engine)
#   jobs -> store, domain, core
#   edge -> core, and of store only the pool's lease (store/pool.h)
#   store -> domain, core
#   domain -> core
#   core -> libc, jansson, OpenSSL
#
# Checked by the #include lines of every source and header (ours and the
# libraries'), and by the symbols each object file takes from the others
# (nm), so a call through a hand-written prototype is caught too. Modules
# may not call each other in a cycle, personal data has one owner, and a
# length cast to int for libpq is checked by db_fits first.
#   scripts/check-deps.sh [BUILD_DIR [SOURCE_ROOT]]
# BUILD_DIR defaults to build/release (built first); SOURCE_ROOT, whose
# server/ and include/ are read for #include lines, to the checkout (the
# self-test in make test points it at a copy with a planted violation).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
objdir=$top/${1:-build/release}
case ${1:-} in /*) objdir=$1 ;; esac
root=${2:-$top}

declare -A allowed=(
	[main]="main api jobs edge store domain core"
	[api]="api edge store jobs domain core"
	[jobs]="jobs store domain core"
	[edge]="edge core"
	[store]="store domain core"
	[domain]="domain core"
	[core]="core"
)
# Library headers a layer may not include.
declare -A banned=(
	[core]="libpq-fe.h microhttpd.h archive.h archive_entry.h curl/curl.h"
	[domain]="libpq-fe.h microhttpd.h curl/curl.h"
	[edge]="libpq-fe.h archive.h archive_entry.h curl/curl.h"
	[store]="microhttpd.h curl/curl.h"
	[jobs]="microhttpd.h"
	[api]="curl/curl.h"
	[main]=""
)
# What edge may take from store: leasing a pooled connection.
edge_store_header="store/pool.h"
edge_store_object="store/pool.o"

bad=0
complain() {
	echo "check-deps: $*" >&2
	bad=$((bad + 1))
}

layer_of() { # server/api/x.c, include/api/x.h, build/.../server/api/x.o -> api
	local p=${1#*server/}
	p=${p#include/}
	echo "${p%%/*}"
}

may_use() { # may layer $1 use layer $2?
	[[ " ${allowed[$1]} " == *" $2 "* ]]
}

# 1. #include lines.
cd "$root"
for f in server/*/*.c server/*/*.h include/*/*.h; do
	[ -e "$f" ] || continue
	from=$(layer_of "$f")
	[ -n "${allowed[$from]+x}" ] || {
		complain "$f: $from is not a known layer"
		continue
	}
	while IFS=: read -r line inc; do
		to=${inc%%/*}
		if [ "$to" = "$inc" ]; then
			# a header of the same folder (server/edge/internal.h) or a test's own
			[ -e "$(dirname "$f")/$inc" ] || complain "$f:$line: include \"$inc\" names no layer"
			continue
		fi
		if [ "$from" = edge ] && [ "$to" = store ] && [ "$inc" = "$edge_store_header" ]; then
			continue
		fi
		may_use "$from" "$to" || complain "$f:$line: $from may not include \"$inc\""
	done < <(grep -n -o '^#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/')
	for lib in ${banned[$from]}; do
		if grep -n "^#include <$lib>" "$f" >/dev/null; then
			complain "$f: $from may not include <$lib>"
		fi
	done
done

# 2. Symbols: who defines what, and who takes it.
cd "$top"
[ -d "$objdir/server" ] || make --no-print-directory -j"$(nproc)" build >/dev/null
# the objects of today's sources only (a removed file's object may linger)
objects=()
for c in server/*/*.c; do
	o=$objdir/${c%.c}.o
	[ -e "$o" ] || make --no-print-directory -j"$(nproc)" build >/dev/null
	objects+=("$o")
done
declare -A owner
for o in "${objects[@]}"; do
	rel=${o#"$objdir"/server/}
	while read -r sym; do
		owner[$sym]=$rel
	done < <(nm --defined-only -g "$o" | awk '$2 ~ /[TDBR]/ {print $3}')
done
for o in "${objects[@]}"; do
	rel=${o#"$objdir"/server/}
	from=${rel%%/*}
	while read -r sym; do
		def=${owner[$sym]:-}
		[ -n "$def" ] || continue # a library's
		to=${def%%/*}
		if [ "$from" = edge ] && [ "$def" = "$edge_store_object" ]; then
			continue
		fi
		may_use "$from" "$to" || complain "$rel calls $sym of $def: $from may not use $to"
	done < <(nm -u "$o" | awk '{print $2}')
done

# 3. No cycles between modules, inside a layer too (applicants.c and
# applications.c once called each other): depth-first search over the
# module graph the symbols give.
declare -A edges
for o in "${objects[@]}"; do
	rel=${o#"$objdir"/server/}
	rel=${rel%.o}
	while read -r sym; do
		def=${owner[$sym]:-}
		[ -n "$def" ] || continue
		def=${def%.o}
		[ "$def" = "$rel" ] || edges[$rel]+=" $def"
	done < <(nm -u "$o" | awk '{print $2}')
done
declare -A state # 1 on the path, 2 done
visit() {
	local m=$1 n
	state[$m]=1
	for n in ${edges[$m]:-}; do
		if [ "${state[$n]:-0}" = 1 ]; then
			complain "modules call each other in a cycle through $m and $n"
		elif [ "${state[$n]:-0}" = 0 ]; then
			visit "$n"
		fi
	done
	state[$m]=2
}
for m in "${!edges[@]}"; do
	[ "${state[$m]:-0}" = 0 ] && visit "$m"
done

# 4. Personal data has one owner: only store/applicants.c (and, for
# submissions not yet confirmed, store/pending.c, and for the address an
# open privacy request waits on, store/privacy.c) names the
# personal columns of applicants in SQL, and only store/erasure.c deletes
# an applicant.
cd "$root"
for f in server/*/*.c; do
	case $f in server/store/applicants.c | server/store/pending.c | server/store/privacy.c) ;; *)
		if grep -nE '"[^"]*\b(a\.)?(full_name|email|phone|social_handles)\b[^"]*(FROM|INTO|SET|WHERE)[^"]*"|INSERT INTO applicants|UPDATE applicants' "$f" >/dev/null; then
			complain "$f: only store/applicants.c reads or writes an applicant's personal columns"
		fi ;;
	esac
	case $f in server/store/erasure.c) ;; *)
		if grep -n 'DELETE FROM applicants' "$f" >/dev/null; then
			complain "$f: only store/erasure.c deletes an applicant"
		fi ;;
	esac
done

# 5. A length given to libpq (its int lengths[]) is checked by db_fits first: a
# (int) cast of a larger size_t would be a negative or wrapped length. In
# server/store and server/api, every "(int)X" on a line that fills lengths
# must follow a db_fits(..., X) earlier in the same function.
for f in server/store/*.c server/api/*.c; do
	while IFS= read -r hit; do
		complain "$hit: a length cast for libpq without db_fits before it"
	done < <(awk -v file="$f" '
		/^\{/ { fits = "" }
		{
			line = $0
			while (match(line, /db_fits\([^,]*, *[^)]*\)/)) {
				call = substr(line, RSTART, RLENGTH)
				sub(/^db_fits\([^,]*, */, "", call)
				sub(/\)$/, "", call)
				fits = fits "|" call "|"
				line = substr(line, RSTART + RLENGTH)
			}
		}
		/lengths/ && /\(int\)/ {
			line = $0
			while (match(line, /\(int\) *[A-Za-z_][A-Za-z0-9_.>-]*/)) {
				x = substr(line, RSTART, RLENGTH)
				sub(/^\(int\) */, "", x)
				if (index(fits, "|" x "|") == 0)
					print file ":" FNR ": (int)" x
				line = substr(line, RSTART + RLENGTH)
			}
		}' "$f")
done

if [ "$bad" -gt 0 ]; then
	echo "check-deps: $bad violation(s) of the layers (see README, Where the code lives)" >&2
	exit 1
fi
echo "check-deps: the layers depend only downward"
