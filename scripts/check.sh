#!/usr/bin/env bash
# Everything `make check` runs once the dependencies are in place, stage by stage,
# stopping at the first failing stage. Logs: build/check/STAGE.log.
#   lint   style (banned calls, line length, unchecked capped-buffer calls), include layers,
#          .po files, translation keys used by templates and C (check-keys.sh), the Node.js
#          version check of install-deps.sh
#   build  normal build and the ASan+UBSan build (build/asan, `make asan`), unit test programs
#          included; clang's static analyser (`make analyze`) when scan-build is installed
#   unit   cmocka unit tests, both builds
#   api    API suite: the ASan build on SQLite, then the normal build on a throwaway
#          PostgreSQL (scripts/pg-test.sh)
#   deploy `make install` into a scratch folder and the installed binary at work
#          (scripts/test-install.sh); deploy/nginx.conf in front of a server
#          (scripts/test-nginx.sh), deploy/haproxy.cfg likewise (scripts/test-haproxy.sh).
#          The Debian package is tested apart, as root, by
#          `make test-deb`: it installs on this machine.
#   e2e    browser suite (Debian chromium)
#   fuzz   short bounded libFuzzer runs
# Ends with one line per stage and an overall `check: N passed, N failed, N skipped`
# line, where N counts tests (node:test, cmocka, fuzz targets) plus one per lint and
# build step. ASAN_CC picks the sanitizer build's compiler (default clang).
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=$(nproc 2>/dev/null || echo 2)
ASAN_BUILD=build/asan
# clang for the sanitizer build: GCC 12 with -fsanitize=undefined reports false
# -Wformat-truncation "null format string" errors on vsnprintf wrappers (the null
# checks UBSan inserts feed its analysis), which -Werror turns into a failed build.
ASAN_CC=${ASAN_CC:-clang}
# Sanitizer findings must fail the run, not scroll by: UBSan otherwise only warns.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

LOGDIR=build/check
mkdir -p "$LOGDIR"
PGDIR=""
PG_STARTED=0

stop_pg() {
	if ((PG_STARTED)); then
		scripts/pg-test.sh stop "$PGDIR" >/dev/null 2>&1 ||
			echo "check: could not stop the test PostgreSQL in $PGDIR" >&2
		PG_STARTED=0
	fi
	if [[ -n "$PGDIR" && -d "$PGDIR" ]]; then
		rm -rf "$PGDIR"
	fi
}
trap stop_pg EXIT
trap 'exit 130' INT TERM

total_pass=0
total_fail=0
total_skip=0
summary=()
stage_pass=0
stage_fail=0
stage_skip=0
stage_start=0

begin_stage() {
	stage_pass=0
	stage_fail=0
	stage_skip=0
	stage_start=$SECONDS
	printf '\n======== check: %s ========\n' "$1"
}

# Runs one step of a stage, shown live and appended to the stage log, then adds
# the counts it printed (node:test "# pass N" / "ℹ pass N", cmocka "[  PASSED  ] N",
# else a plain "N passed, N failed" line) to the stage. A step without counts counts as one check; a step that fails
# without reporting a failed test counts as one failure (a crash, a build error).
step() {
	local stage=$1 name=$2
	shift 2
	local log="$LOGDIR/$stage.log" tmp
	tmp=$(mktemp)
	echo "---- $name: $*" | tee -a "$log"
	"$@" 2>&1 | tee "$tmp"
	local rc=${PIPESTATUS[0]}
	cat "$tmp" >>"$log"
	local p f s
	p=$(sed -nE 's/^(# |ℹ )pass ([0-9]+)$/\2/p; s/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$tmp" | awk '{s+=$1} END {print s+0}')
	f=$(sed -nE 's/^(# |ℹ )(fail|cancelled) ([0-9]+)$/\3/p; s/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$tmp" | awk '{s+=$1} END {print s+0}')
	s=$(sed -nE 's/^(# |ℹ )(skipped|todo) ([0-9]+)$/\3/p' "$tmp" | awk '{s+=$1} END {print s+0}')
	if ((p + f == 0)); then
		# A script that ends with its own "N passed, N failed" line (run-fuzz.sh).
		local plain
		plain=$(grep -oE '(^|[ :])[0-9]+ passed, [0-9]+ failed' "$tmp" | tail -n 1 || true)
		if [[ -n "$plain" ]]; then
			p=$(sed -E 's/^[ :]?([0-9]+) passed.*/\1/' <<<"$plain")
			f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$plain")
		fi
	fi
	rm -f "$tmp"
	if ((p + f == 0)); then
		if ((rc == 0)); then p=1; else f=1; fi
	elif ((rc != 0 && f == 0)); then
		f=1
	fi
	stage_pass=$((stage_pass + p))
	stage_fail=$((stage_fail + f))
	stage_skip=$((stage_skip + s))
	if ((rc != 0)); then
		echo "check: step '$name' failed (exit $rc); log: $log" >&2
	fi
	return "$rc"
}

end_stage() {
	local stage=$1 rc=$2 secs=$((SECONDS - stage_start)) line
	total_pass=$((total_pass + stage_pass))
	total_fail=$((total_fail + stage_fail))
	total_skip=$((total_skip + stage_skip))
	line=$(printf '%-6s %-4s %4d passed, %d failed, %d skipped  (%ds)' "$stage" \
		"$( ((rc == 0)) && echo ok || echo FAIL)" "$stage_pass" "$stage_fail" "$stage_skip" "$secs")
	summary+=("$line")
	if ((rc != 0)); then
		finish "stage '$stage' failed; see $LOGDIR/$stage.log"
	fi
}

finish() {
	local why=${1:-}
	echo
	echo "======== check: summary ========"
	local l
	for l in "${summary[@]}"; do echo "$l"; done
	if [[ -n "$why" ]]; then
		echo "check: FAILED: $why"
	else
		echo "check: all stages passed in $((SECONDS))s"
	fi
	echo "check: $total_pass passed, $total_fail failed, $total_skip skipped"
	stop_pg
	[[ -z "$why" ]] && exit 0
	exit 1
}

need() {
	local f
	for f in "$@"; do
		if [[ ! -x "$f" ]]; then
			echo "check: $f is missing or not executable" >&2
			stage_fail=$((stage_fail + 1))
			return 1
		fi
	done
}

: >"$LOGDIR/lint.log"
begin_stage lint
rc=0
need scripts/check-style.sh scripts/check-layers.sh scripts/check-po.sh scripts/check-keys.sh scripts/test-check-node.sh || rc=1
((rc)) || step lint style scripts/check-style.sh || rc=1
((rc)) || step lint layers scripts/check-layers.sh || rc=1
((rc)) || step lint po scripts/check-po.sh || rc=1
((rc)) || step lint keys scripts/check-keys.sh || rc=1
((rc)) || step lint node-version scripts/test-check-node.sh || rc=1
end_stage lint $rc

: >"$LOGDIR/build.log"
begin_stage build
rc=0
step build normal make --no-print-directory -j"$JOBS" all units || rc=1
((rc)) || step build asan make --no-print-directory -j"$JOBS" ASAN_CC="$ASAN_CC" asan || rc=1
if command -v scan-build >/dev/null 2>&1; then
	((rc)) || step build analyze make --no-print-directory -j"$JOBS" analyze || rc=1
else
	echo "check: scan-build not installed (Debian: clang-tools); static analysis skipped"
fi
end_stage build $rc

: >"$LOGDIR/unit.log"
begin_stage unit
rc=0
step unit normal scripts/run-unit.sh build || rc=1
((rc)) || step unit asan scripts/run-unit.sh "$ASAN_BUILD" || rc=1
end_stage unit $rc

: >"$LOGDIR/api.log"
begin_stage api
rc=0
need scripts/pg-test.sh || rc=1
# SQLite on the ASan+UBSan build (the same code as the normal build, with memory and undefined-
# behaviour checks), PostgreSQL on the normal build: every test runs on both back ends, and every
# server path the suite reaches runs under the sanitizers once.
((rc)) || step api asan-sqlite scripts/run-api.sh "$ASAN_BUILD" sqlite || rc=1
if ((rc == 0)); then
	PGDIR=$(mktemp -d /tmp/finestreta-pg.XXXXXX)
	if pg_url=$(scripts/pg-test.sh start "$PGDIR" 2> >(tee -a "$LOGDIR/api.log" >&2)); then
		PG_STARTED=1
		pg_url=$(tail -n 1 <<<"$pg_url")
		echo "check: test PostgreSQL at $pg_url"
		# The storage unit tests (db and the capabilities') against a real PostgreSQL first (the
		# API suite's demo resets it).
		step api unit-postgresql env FINESTRETA_TEST_PG_URL="$pg_url" scripts/run-unit.sh build --storage || rc=1
		((rc)) || step api postgresql scripts/run-api.sh build postgresql "$pg_url" || rc=1
	else
		echo "check: scripts/pg-test.sh start failed" >&2
		stage_fail=$((stage_fail + 1))
		rc=1
	fi
	stop_pg
fi
end_stage api $rc

: >"$LOGDIR/deploy.log"
begin_stage deploy
rc=0
need scripts/test-install.sh scripts/test-nginx.sh scripts/test-haproxy.sh || rc=1
((rc)) || step deploy install scripts/test-install.sh build || rc=1
((rc)) || step deploy nginx scripts/test-nginx.sh build || rc=1
((rc)) || step deploy haproxy scripts/test-haproxy.sh build || rc=1
end_stage deploy $rc

: >"$LOGDIR/e2e.log"
begin_stage e2e
rc=0
step e2e chromium scripts/run-e2e.sh || rc=1
end_stage e2e $rc

: >"$LOGDIR/fuzz.log"
begin_stage fuzz
rc=0
need scripts/run-fuzz.sh || rc=1
((rc)) || step fuzz short scripts/run-fuzz.sh short || rc=1
end_stage fuzz $rc

finish
