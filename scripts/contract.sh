#!/usr/bin/env bash
# The contract: every response the API suites received (recorded by the harness
# in $RECRUITD_TEST_CONTRACT) checked against server/openapi.yaml, and the file
# linted with Redocly's recommended rules (tests/contract/redocly.yaml says which
# are off, and why). Installs its npm packages from the lockfile when missing.
#   scripts/contract.sh validate DIR | lint
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
(cd tests/contract && { [ -d node_modules/ajv ] && [ -d node_modules/@redocly ]; } ||
	npm ci --no-audit --no-fund --loglevel=error >&2)
case ${1:-} in
validate)
	shopt -s nullglob
	files=("$2"/*.jsonl)
	[ ${#files[@]} -gt 0 ] || { echo "contract: nothing recorded in $2" >&2; exit 1; }
	node tests/contract/validate.mjs server/openapi.yaml "${files[@]}"
	;;
lint)
	cd tests/contract
	npx --no-install redocly lint --config redocly.yaml --format=summary "$top/server/openapi.yaml"
	;;
*)
	echo "usage: scripts/contract.sh validate DIR | lint" >&2
	exit 2
	;;
esac
