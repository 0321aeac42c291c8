#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in tests/fuzz for a bounded time each.
#
#   scripts/run-fuzz.sh short|long [target...]
#
# Targets are the tests/fuzz/fuzz_NAME.c files (all of them, or the NAMEs given: "form",
# "fuzz_form" and "tests/fuzz/fuzz_form.c" all work). Each file's first line,
#   // fuzz-sources: src/x/y.c src/z.c
# lists the src files it needs besides src/base/*.c. Each target is built into build/fuzz/NAME
# and run on a work corpus, build/fuzz/corpus/NAME, seeded from tests/fuzz/corpus/NAME, so the
# checked-in seeds stay small while the work corpus grows from run to run.
#
#   short: 4 s per target (make check)    long: 600 s per target (make fuzz)
#   Targets run FUZZ_JOBS at a time (default: the cores).
#   FUZZ_SECONDS=N overrides either; FUZZ_CFLAGS adds compiler flags; FUZZ_CC picks the
#   compiler (default clang).
#
# A crash, a sanitizer report, a timeout or an out-of-memory stops that target; its input is
# saved as build/fuzz/artifacts/NAME-crash-... and the script goes on with the next target.
# Logs: build/fuzz/logs/NAME.log. One summary line per target, then a final line; exits 1 if
# any target failed to build or run cleanly (a target whose sources are missing counts).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

usage() {
	echo "usage: $0 short|long [target...]" >&2
	exit 2
}

(($# >= 1)) || usage
mode=$1
shift
case "$mode" in
short) seconds=4 ;;
long) seconds=600 ;;
*) usage ;;
esac
seconds=${FUZZ_SECONDS:-$seconds}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
	echo "run-fuzz: FUZZ_SECONDS must be a positive number of seconds" >&2
	exit 2
fi

CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null; then
	echo "run-fuzz: $CC not found (clang with libFuzzer is needed)" >&2
	exit 1
fi

OUT=build/fuzz
mkdir -p "$OUT/logs" "$OUT/artifacts" "$OUT/corpus"

# Sanitizer reports must end the run: UBSan otherwise only prints.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

targets=()
if (($# == 0)); then
	shopt -s nullglob
	for f in tests/fuzz/fuzz_*.c; do
		targets+=("$f")
	done
	shopt -u nullglob
else
	for t in "$@"; do
		t=${t##*/}
		t=${t%.c}
		t=${t#fuzz_}
		targets+=("tests/fuzz/fuzz_$t.c")
	done
fi
if ((${#targets[@]} == 0)); then
	echo "run-fuzz: no targets in tests/fuzz" >&2
	exit 1
fi

base_srcs=(src/base/*.c)
ok=0
failed=0
failed_names=()

fail() { # name, message
	printf 'fuzz %-20s FAIL  %s\n' "$1" "$2"
}

# One target: build, run, and one result line on stdout; 1 when it failed.
run_one() { # src
	local src=$1 name log first corpus bin start rc took runs cov files artifact reason where
	local -a listed extra missing pkgs
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	log="$OUT/logs/$name.log"
	: >"$log"
	if [[ ! -f "$src" ]]; then
		fail "$name" "no such target: $src"
		return 1
	fi

	first=$(head -n 1 "$src")
	if [[ "$first" != "// fuzz-sources:"* ]]; then
		fail "$name" "first line is not '// fuzz-sources: ...'"
		return 1
	fi
	read -r -a listed <<<"${first#// fuzz-sources:}"
	extra=()
	missing=()
	pkgs=(jansson libsodium inih)
	# src/base/*.c is always linked; a file named twice would be linked twice.
	declare -A seen=()
	for s in "${base_srcs[@]}"; do
		seen[$s]=1
	done
	for s in "${listed[@]}"; do
		s=${s#./}
		[[ -f "$s" ]] || missing+=("$s")
		[[ "$s" == src/db/* ]] && pkgs+=(sqlite3 libpq)
		[[ "$s" == src/http/encode.c ]] && pkgs+=(libbrotlienc zlib)
		[[ "$s" == src/kiosk/scan.c ]] && pkgs+=(zbar)
		[[ -n "${seen[$s]:-}" ]] && continue
		seen[$s]=1
		extra+=("$s")
	done
	unset seen
	if ((${#missing[@]})); then
		fail "$name" "sources missing: ${missing[*]}"
		return 1
	fi

	bin="$OUT/$name"
	# shellcheck disable=SC2046,SC2086  # pkg-config output and FUZZ_CFLAGS are word lists
	if ! "$CC" -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -Isrc ${FUZZ_CFLAGS:-} \
		"${base_srcs[@]}" "${extra[@]}" "$src" \
		$(pkg-config --cflags --libs "${pkgs[@]}") -lpthread -lm -o "$bin" >>"$log" 2>&1; then
		fail "$name" "build failed (see $log)"
		return 1
	fi

	corpus="$OUT/corpus/$name"
	mkdir -p "$corpus"
	if [[ -d "tests/fuzz/corpus/$name" ]]; then
		cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
	fi

	start=$(date +%s)
	"$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/$name-" "$corpus" >>"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
	files=$(find "$corpus" -type f | wc -l)
	if ((rc != 0)); then
		artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1)
		artifact=${artifact#Test unit written to }
		reason=$(grep -m 1 -oE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer): [^ ]+( [^ ]+)?|runtime error: .*|deadly signal|timeout after [0-9]+ seconds|out-of-memory' "$log")
		# The first frame in our own code says where.
		where=$(grep -m 1 -oE ' in [A-Za-z_][A-Za-z0-9_]* [^ ]*(src|tests)/[^ ]+:[0-9]+' "$log")
		where=${where# in }
		fail "$name" "exit $rc after ${took}s: ${reason:-see log}${where:+ at $where}${artifact:+ (input: $artifact)} (log: $log)"
		return 1
	fi
	printf 'fuzz %-20s ok    %ss, %s runs, cov %s, corpus %s files\n' \
		"$name" "$took" "${runs:-?}" "${cov:-?}" "$files"
}

# Targets run side by side, FUZZ_JOBS at a time (default: the cores), each into a result file;
# the lines are printed in the targets' order.
jobs_max=${FUZZ_JOBS:-$(nproc)}
for src in "${targets[@]}"; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	(run_one "$src" >"$OUT/logs/$name.result") &
	while (($(jobs -rp | wc -l) >= jobs_max)); do
		wait -n || true
	done
done
wait
for src in "${targets[@]}"; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	line=$(cat "$OUT/logs/$name.result" 2>/dev/null)
	[[ -n "$line" ]] || line=$(printf 'fuzz %-20s FAIL  %s' "$name" "no result (see $OUT/logs/$name.log)")
	echo "$line"
	if [[ "$line" == *" FAIL "* ]]; then
		failed=$((failed + 1))
		failed_names+=("$name")
	else
		ok=$((ok + 1))
	fi
done

echo "run-fuzz ($mode, ${seconds}s each): $ok passed, $failed failed${failed_names:+: ${failed_names[*]}}"
((failed == 0))
