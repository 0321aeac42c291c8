#!/usr/bin/env bash
# check-style.sh — the house rules a compiler does not check, over src/ (and line length over
# tests/unit and tests/fuzz too). Prints file:line for each breach; exit 1 when there is one.
#   banned      sprintf strcpy strcat strtok atoi gets (CONTRIBUTING.md): use snprintf, memcpy,
#               strtol / str_to_i64 instead. Comment lines (starting with *, // or /*) are prose.
#   length      lines of at most 120 columns, tabs counted as 8 (.clang-format's limit); a fuzz
#               target's '// fuzz-sources:' line may be longer.
#   unchecked   a call to a capped buffer (buf_append, buf_puts, buf_putc, buf_printf,
#               buf_vprintf, buf_put_html) whose result is dropped: past the cap the buffer
#               refuses the bytes and says so. Check the result, or write (void) where the cap
#               cannot be reached (and say why).
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
BANNED='sprintf|strcpy|strcat|strtok|atoi|gets'
hits=$(grep -rnE --include='*.c' --include='*.h' "\\b($BANNED)[[:space:]]*\\(" src/ |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|//|/\*)' || true)
if [[ -n "$hits" ]]; then
	sed 's/$/: banned call/' <<<"$hits"
	fail=1
fi

long=$(find src tests/unit tests/fuzz -name '*.[ch]' -print0 | xargs -0 awk '
	/^\/\/ fuzz-sources:/ { next }
	{ line = $0; gsub(/\t/, "        ", line); if (length(line) > 120) printf "%s:%d: %d columns (at most 120)\n", FILENAME, FNR, length(line) }')
if [[ -n "$long" ]]; then
	echo "$long"
	fail=1
fi

unchecked=$(grep -rnE --include='*.c' '^[[:space:]]*buf_(append|puts|putc|printf|vprintf|put_html)[[:space:]]*\(' src/ || true)
if [[ -n "$unchecked" ]]; then
	sed 's/$/: result of a capped buffer call dropped/' <<<"$unchecked"
	fail=1
fi

if ((fail)); then
	echo "check-style: see above (scripts/check-style.sh says what each rule wants)" >&2
	exit 1
fi
echo "check-style: no banned calls, no line over 120 columns, every capped buffer call checked"
