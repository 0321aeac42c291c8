#!/usr/bin/env bash
# Runs the browser suite (tests/e2e) in Debian's chromium against build/finestreta
# on SQLite. Screenshots go to build/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."

export FINESTRETA_BIN=${FINESTRETA_BIN:-build/finestreta}
export FINESTRETA_TEST_DB=sqlite
if [[ ! -x "$FINESTRETA_BIN" ]]; then
	echo "run-e2e.sh: $FINESTRETA_BIN not found; run 'make' first" >&2
	exit 1
fi
if [[ ! -x /usr/bin/chromium ]]; then
	echo "run-e2e.sh: /usr/bin/chromium not found; run scripts/install-deps.sh" >&2
	exit 1
fi
mkdir -p build/e2e
exec node --test --test-concurrency=1 tests/e2e/
