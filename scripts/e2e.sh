#!/usr/bin/env bash
# The pages in headless Chromium: installs playwright-core and axe-core from the
# lockfile when missing (never a browser: it drives Debian's /usr/bin/chromium)
# and runs tests/e2e with node's test runner. Needs the test environment
# scripts/test.sh sets up (RECRUITD_TEST_BIN, RECRUITD_DATABASE_URL, ...).
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
if [ ! -d node_modules/playwright-core ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2
fi
exec node --test --test-reporter=tap pages.test.mjs
