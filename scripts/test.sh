#!/usr/bin/env bash
# make test: install what is missing, build, and run every suite against a
# throwaway PostgreSQL cluster (var/test-pg), once with the release build,
# once under AddressSanitizer and UndefinedBehaviorSanitizer, and the unit
# tests and the suites of two racing instances under ThreadSanitizer.
#   scripts/test.sh [VARIANT...]   (default: release asan tsan)
# TESTS="api_privacy unit_*" runs only the suites whose names match one of
# the patterns (api_*, unit_*, e2e, again, contract, fuzz, checks), for work
# on one part; make test runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(release asan tsan)

scripts/deps.sh
scripts/oidc.sh # the identity provider of the sign-in tests (npm, from its lockfile)
for v in "${variants[@]}"; do
	make --no-print-directory -j"$(nproc)" VARIANT="$v" all >/dev/null
done

base=$top/var/test-pg
logs=$top/var/test-logs
mkdir -p "$logs"
scripts/pg.sh stop "$base" >/dev/null 2>&1 || true
trap 'scripts/pg.sh stop "$base" >/dev/null 2>&1 || true' EXIT
rm -f "$base/log" # each run judges its own PostgreSQL log (the API suites scan it)
PG_FAST=1 scripts/pg.sh start "$base"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

export RECRUITD_HOME=$top RECRUITD_TEST_LOGDIR=$logs RECRUITD_TEST_PG_LOG=$base/log
export RECRUITD_TEST_PG_STOP="$top/scripts/pg.sh stop $base"
export RECRUITD_TEST_PG_START="PG_FAST=1 $top/scripts/pg.sh start $base"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$top/tests/tsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Whether a suite is wanted: TESTS unset, or one of its patterns matches.
wanted() {
	[ -z "${TESTS:-}" ] && return 0
	local pat
	for pat in $TESTS; do
		# shellcheck disable=SC2053
		[[ $1 == $pat ]] && return 0
	done
	return 1
}

passed=0
failed=0
failures=()
# Run one suite; count its cmocka cases (a suite that dies counts as one failure).
run() {
	local name=$1 out rc p f
	shift
	out=$(mktemp)
	set +e
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	# cmocka's closing lines, or node's test runner's
	p=$(sed -n -e 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' -e 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
	f=$(sed -n -e 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' -e 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
	rm -f "$out"
	passed=$((passed + ${p:-0}))
	if [ "$rc" -ne 0 ]; then
		[ -n "$f" ] && [ "$f" -gt 0 ] || f=1
		failed=$((failed + f))
		failures+=("$name")
	fi
}

# A check that is not a test runner of its own: one case, passed or failed.
check() {
	local name=$1
	shift
	echo "== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
}
if wanted checks; then
	check "format-check" make --no-print-directory format-check
	check "check-deps" scripts/check-deps.py "build/${variants[0]}"
	check "check-deps refuses every planted violation" scripts/check-deps-selftest.sh "build/${variants[0]}"
	check "docs/api.md lists the endpoints of openapi.yaml" scripts/api-index.py --check
	check "man/recruitctl.1 names every recruitctl command" scripts/man-check.sh
fi

for v in "${variants[@]}"; do
	case $v in asan | tsan) bindir=build/$v/bin ;; *) bindir=bin ;; esac
	db=recruitd_test_$v
	"$pgbin/dropdb" -h "$base/run" -U recruitd --if-exists "$db"
	"$pgbin/createdb" -h "$base/run" -U recruitd "$db"
	export RECRUITD_DATABASE_URL="host=$base/run dbname=$db user=recruitd"
	# the key database and keyring beside it (DESIGN "Per-applicant data keys"); the master
	# key file named is never there (the checkout's own var/master.key is left alone)
	"$pgbin/dropdb" -h "$base/run" -U recruitd --if-exists "${db}_keys"
	"$pgbin/createdb" -h "$base/run" -U recruitd "${db}_keys"
	export RECRUITD_KEYS_DATABASE_URL="host=$base/run dbname=${db}_keys user=recruitd"
	export RECRUITD_MASTER_KEY_FILE=$top/var/test-master-$v.key
	export RECRUITD_KEYRING_FILE=$top/var/test-keyring-$v
	rm -f "$RECRUITD_MASTER_KEY_FILE" "$RECRUITD_MASTER_KEY_FILE.next" "$RECRUITD_KEYRING_FILE"
	"$bindir/recruitctl" keys init
	export RECRUITD_TEST_BIN=$top/$bindir/recruitd RECRUITD_TEST_CTL=$top/$bindir/recruitctl
	echo "== $v: migrate"
	run "$v/migrate" "$bindir/recruitctl" migrate
	# the release build's first pass records every exchange for the contract test
	if [ "$v" = release ]; then
		rm -rf "$logs/contract" && mkdir -p "$logs/contract"
		export RECRUITD_TEST_CONTRACT=$logs/contract
	fi
	for t in build/"$v"/tests/unit_* build/"$v"/tests/api_*; do
		wanted "$(basename "$t")" || continue
		# ThreadSanitizer: the unit tests and the suites of two instances (api_instances, the
		# races; api_instances_shared, what they share), which race the shared caches
		[ "$v" != tsan ] || [[ $t == */unit_* || $t == */api_instances || $t == */api_instances_shared ]] || continue
		echo "== $v: $(basename "$t")"
		run "$v/$(basename "$t")" "$t"
	done
	unset RECRUITD_TEST_CONTRACT
	if [ "$v" = release ] && wanted contract; then
		check "$v: every response agrees with server/openapi.yaml" scripts/contract.sh validate "$logs/contract"
		check "$v: server/openapi.yaml passes Redocly's lint" scripts/contract.sh lint
	fi
	# every fuzz corpus, each input once, no fuzzing (make fuzz does that)
	for f in build/"$v"/tests/fuzz_*; do
		name=${f##*/fuzz_}
		wanted fuzz && [ "$v" != tsan ] || continue
		check "$v: fuzz replay $name" "$f" "tests/fuzz/corpus/$name"
	done
	if [ "$v" = release ] && wanted again; then
		# every API suite passes again on the database the first pass used
		for t in build/"$v"/tests/api_*; do
			[ -z "${TESTS:-}" ] || wanted "$(basename "$t")" || continue
			echo "== $v: $(basename "$t") again, on a used database"
			run "$v/$(basename "$t") (again)" "$t"
		done
	fi
	if [ "$v" = release ] && wanted e2e; then
		echo "== $v: the careers page in headless Chromium"
		run "$v/e2e" scripts/e2e.sh
	fi
done

echo
echo "tests: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
	printf '  failed suite: %s\n' "${failures[@]}"
	echo "  server logs: $logs"
	exit 1
fi
