#!/usr/bin/env bash
# Rejects C library calls DESIGN.md bans in src/ (unbounded or unchecked: use
# snprintf, memcpy, strtol / str_to_i64 instead). Prints file:line for each use.
set -euo pipefail
cd "$(dirname "$0")/.."

BANNED='sprintf|strcpy|strcat|strtok|atoi|gets'

# \b before the name keeps snprintf, vsnprintf, fgets and names such as my_atoi
# out; only a call (name, optional blanks, '(') counts. Lines that are comment
# text (starting with *, // or /*) are skipped: prose like "every route gets (…)"
# is not a call.
hits=$(grep -rnE --include='*.c' --include='*.h' "\\b($BANNED)[[:space:]]*\\(" src/ |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|//|/\*)' || true)
if [[ -n "$hits" ]]; then
	echo "$hits"
	echo "check-banned: banned functions used in src/ ($BANNED); see DESIGN.md" >&2
	exit 1
fi
echo "check-banned: no banned functions in src/"
