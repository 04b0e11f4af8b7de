#!/usr/bin/env bash
# make fuzz: build every harness of tests/fuzz/ with clang's libFuzzer (ASan,
# UBSan) and run each for FUZZ_SECONDS (default 60), two at a time. Seeds come
# from tests/fuzz/corpus/NAME (never written); what libFuzzer finds new goes to
# var/fuzz/NAME, crashes to var/fuzz/crashes/. Exit 1 when any harness failed.
#   FUZZ_SECONDS=600 FUZZ_TARGETS="head json" make fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
scripts/deps.sh clang
make --no-print-directory -j"$(nproc)" VARIANT=fuzz fuzzers >/dev/null
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')}
mkdir -p var/fuzz/crashes
run() {
	local t=$1 max=4096
	case $t in sniff | archive) max=262144 ;; head) max=20000 ;; esac
	mkdir -p "var/fuzz/$t"
	if build/fuzz/tests/libfuzzer_"$t" "var/fuzz/$t" "tests/fuzz/corpus/$t" \
		-max_total_time="$seconds" -max_len="$max" -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix="var/fuzz/crashes/$t-" -print_final_stats=1 >"var/fuzz/$t.log" 2>&1; then
		echo "fuzz $t: ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "var/fuzz/$t.log" | grep -o '[0-9]*$') runs in ${seconds}s, corpus $(ls "var/fuzz/$t" | wc -l) new"
	else
		echo "fuzz $t: FAILED, see var/fuzz/$t.log and var/fuzz/crashes/"
		return 1
	fi
}
failed=0
pids=()
for t in $targets; do
	run "$t" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || failed=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit $failed
