#!/usr/bin/env bash
# Runs every BUILD/tests/test_* (cmocka) from the repo root, since tests read
# files such as templates/ and ../shared/testdata/ by relative path.
# Usage: scripts/run-unit.sh [BUILD] [--storage]   (default: build)
# --storage runs only the programs with storage tests (those reading FINESTRETA_TEST_PG_URL,
# directly or through tests/unit/testdb.h): make check runs them again on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
shopt -s nullglob
tests=("$build"/tests/test_*)
if [[ ${2:-} == --storage ]]; then
	tests=()
	for src in $(grep -lE 'FINESTRETA_TEST_PG_URL|"testdb.h"' tests/unit/test_*.c); do
		tests+=("$build/tests/$(basename "$src" .c)")
	done
fi
if ((${#tests[@]} == 0)); then
	echo "run-unit: no unit tests in $build/tests (run 'make BUILD=$build units' first)" >&2
	exit 1
fi

passed=0
failed=0
failed_names=()
for t in "${tests[@]}"; do
	[[ -x "$t" && -f "$t" ]] || continue
	echo "=== $t"
	if "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names+=("$(basename "$t")")
	fi
done

echo "run-unit ($build): $passed test programs passed, $failed failed${failed_names:+: ${failed_names[*]}}"
((failed == 0))
