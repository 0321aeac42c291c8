#!/usr/bin/env bash
# scripts/check-node.sh against stand-in `node` commands of several versions.
# Ends with "check-node: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/lib/testkit.sh
for case in "v16.20.2 1" "v18.13.0 1" "v18.19.0 0" "v18.20.4 0" "v20.20.2 0" "v22.1.0 0" "garbage 1"; do
	set -- $case
	mkdir -p "$tmp/$1"
	printf '#!/bin/sh\necho %s\n' "$1" >"$tmp/$1/node"
	chmod +x "$tmp/$1/node"
	out=$(PATH="$tmp/$1:/usr/bin:/bin" scripts/check-node.sh 2>&1)
	rc=$?
	if [[ $rc -eq $2 ]] && { [[ $2 -eq 0 ]] || grep -q "18.19 or newer\|cannot tell" <<<"$out"; }; then
		ok "node $1 → exit $rc"
	else
		bad "node $1 → exit $rc (want $2): $out"
	fi
done
summary check-node
