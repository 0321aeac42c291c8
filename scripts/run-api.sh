#!/usr/bin/env bash
# Runs the API suite (tests/api, node:test) against BUILD/finestreta.
# Usage: scripts/run-api.sh BUILD sqlite|postgresql [URL]
# Each test file starts its own servers on free loopback ports, on a SQLite file of their own
# or, on PostgreSQL, on a database the harness makes for that file (tests/api/lib/server.js),
# so API_JOBS files (default 2) run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:?usage: run-api.sh BUILD sqlite|postgresql [URL]}
backend=${2:?usage: run-api.sh BUILD sqlite|postgresql [URL]}

case "$backend" in
sqlite) db=sqlite ;;
postgresql)
	db=${3:?run-api.sh: postgresql needs a URL (see scripts/pg-test.sh start DIR)}
	;;
*)
	echo "run-api.sh: backend must be sqlite or postgresql, not '$backend'" >&2
	exit 2
	;;
esac

if [[ ! -x "$build/finestreta" ]]; then
	echo "run-api.sh: $build/finestreta not found; run 'make BUILD=$build all' first" >&2
	exit 1
fi

export FINESTRETA_BIN="$build/finestreta"
export FINESTRETA_TEST_DB="$db"
echo "run-api: $FINESTRETA_BIN on $backend"
exec node --test --test-concurrency="${API_JOBS:-2}" tests/api/
