#!/usr/bin/env bash
# Every command recruitctl lists in its usage is in man/recruitctl.1, which renders.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x bin/recruitctl ] || make --no-print-directory build >/dev/null
page=$(MANWIDTH=100 man -l man/recruitctl.1 2>/dev/null | col -b) || {
	echo "man/recruitctl.1 does not render" >&2
	exit 1
}
missing=0
while read -r cmd; do
	# the command's words: up to the first argument (a flag, a NAME, an ID)
	words=$(echo "$cmd" | awk '{w=$1; if ($2 ~ /^[a-z][a-z-]*$/) w=w" "$2; print w}')
	if ! grep -qF -- "       $words" <<<"$page"; then
		echo "man/recruitctl.1 does not describe: recruitctl $words" >&2
		missing=$((missing + 1))
	fi
done < <(bin/recruitctl 2>&1 | sed -n 's/^  recruitctl //p')
[ "$missing" -eq 0 ] && echo "man/recruitctl.1 describes every recruitctl command"
exit $((missing > 0))
