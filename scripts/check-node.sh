#!/usr/bin/env bash
# Checks that `node` is Node.js 18.19 or newer, which the test suites need (node:test with
# --test-concurrency; playwright-core 1.58). Debian 12's own nodejs (18.20) is enough.
# Exit 0, or 1 with what to do.
set -uo pipefail
MIN_MAJOR=18
MIN_MINOR=19

if ! command -v node >/dev/null 2>&1; then
	echo "install-deps: Node.js is missing; as root: apt-get install nodejs npm" >&2
	exit 1
fi
ver=$(node --version 2>/dev/null || true)
if [[ ! "$ver" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+) ]]; then
	echo "install-deps: cannot tell the version of $(command -v node) ('$ver')" >&2
	exit 1
fi
major=${BASH_REMATCH[1]}
minor=${BASH_REMATCH[2]}
if ((major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR))); then
	echo "install-deps: the tests need Node.js $MIN_MAJOR.$MIN_MINOR or newer; $(command -v node) is $ver." >&2
	echo "install-deps: on Debian 12, as root: apt-get update && apt-get install nodejs npm" >&2
	echo "install-deps: (bookworm's nodejs is 18.20); or put a newer node first on PATH." >&2
	exit 1
fi
exit 0
