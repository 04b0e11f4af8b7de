#!/usr/bin/env bash
# The OpenID Connect provider of the sign-in tests (tests/oidc/provider.mjs): installs npm's
# oidc-provider from the lockfile when missing (scripts/test.sh runs this before the suites).
set -euo pipefail
cd "$(dirname "$0")/../tests/oidc"
if [ ! -f node_modules/oidc-provider/package.json ]; then
	npm ci --no-audit --no-fund --loglevel=error >&2
fi
