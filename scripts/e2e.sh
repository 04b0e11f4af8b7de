#!/usr/bin/env bash
# The pages in headless Chromium: installs playwright-core and axe-core from the
# lockfile when missing (never a browser: it drives Debian's /usr/bin/chromium)
# and runs tests/e2e with node's test runner: the applicant's pages (pages.test.mjs)
# and the staff console (console.test.mjs). Needs the test environment
# scripts/test.sh sets up (RECRUITD_TEST_BIN, RECRUITD_DATABASE_URL, ...).
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
if [ ! -d node_modules/playwright-core ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2
fi
# E2E_TESTS="console.test.mjs" runs one file only.
exec node --test --test-reporter=tap ${E2E_TESTS:-pages.test.mjs console.test.mjs}
